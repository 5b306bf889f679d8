"""Operations on the retail tables as a whole: counts, the lock, delete by scope."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ...errors import GenerationError
from ...pg import Conn, count_rows, lock_tables, truncate
from .models import DIMENSIONS, FACTS, TABLES


def counts(conn: Conn, tables: Sequence[str] = TABLES) -> dict[str, int]:
    return count_rows(conn, tables)


def lock_all(conn: Conn) -> None:
    lock_tables(conn, TABLES, "SHARE ROW EXCLUSIVE", "the retail tables")


SCOPES: Mapping[str, tuple[str, ...]] = {
    "all": TABLES,
    "facts": FACTS,
    "dimensions": DIMENSIONS,
}


def delete(conn: Conn, scope: str) -> dict[str, int]:
    """Empty the scope's tables (one statement, in the caller's transaction); rows removed."""
    tables = SCOPES[scope]
    lock_all(conn)
    before = counts(conn, TABLES)
    check_delete(scope, before)
    truncate(conn, TABLES if scope == "dimensions" else tables)
    return {t: before[t] for t in tables}


def check_delete(scope: str, before: Mapping[str, int]) -> None:
    """Refuse to empty the dimensions while fact rows still reference them."""
    if scope == "dimensions":
        held = {t: before[t] for t in FACTS if before[t]}
        if held:
            raise GenerationError(
                "the fact tables still reference the dimensions ("
                + ", ".join(f"{t} {n:,} rows" for t, n in held.items())
                + ").\nFix: delete --scope facts first, or --scope all."
            )
