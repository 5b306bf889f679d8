"""The social tables the seeding phases write (COPY columns in FK order) and the schema
spec the engine opens, checks and migrates."""

from __future__ import annotations

from pathlib import Path

from ...run import SchemaSpec
from .models import DERIVED, TABLES, metadata

MIGRATIONS = Path(__file__).parent / "migrations"
PROFILE_TABLES = ("User", "Media", "Profile", "UserInterest", "QuizResult")
ACTIVITY_TABLES = (
    "Post",
    "ProfileView",
    "Like",
    "Match",
    "Conversation",
    "Message",
    "FeedSeen",
    "LikedPost",
)
REFERENCE_TABLES = (
    "InterestSubject",
    "Interest",
    "InterestDirty",
    "Quiz",
    "QuizQuestion",
    "QuizOption",
)
DERIVED_TABLES = tuple(t for t in TABLES if t in DERIVED)
_WRITTEN = (*REFERENCE_TABLES, *PROFILE_TABLES, *ACTIVITY_TABLES, "SeedRun")
COLUMNS: dict[str, tuple[str, ...]] = {
    t: tuple(c.name for c in metadata.tables[t].columns) for t in TABLES if t in _WRITTEN
}
SCHEMA = SchemaSpec(metadata=metadata, migrations=MIGRATIONS, columns=COLUMNS)
