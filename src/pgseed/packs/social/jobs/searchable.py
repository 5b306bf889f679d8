"""searchable-user (spec 004 §6.3 step 2: a snapshot of the profile fields search reads).

One row per user created by ``as_of``: ``isDeleted`` = the user was deleted by as_of;
``isVisible`` = not deleted, and has a profile created by as_of that is visible and not
deleted by as_of (a user without one is not visible); ``updatedAt`` = as_of.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

from ._sql import profile_shown, replace

INSERT = f"""
INSERT INTO "SearchableUser" ("userId", "isVisible", "isDeleted", "updatedAt")
SELECT u.id,
    NOT d.deleted AND p.id IS NOT NULL AND {profile_shown("p")},
    d.deleted,
    %(as_of)s
FROM "User" u
CROSS JOIN LATERAL (
    SELECT u."deletedAt" IS NOT NULL AND u."deletedAt" <= %(as_of)s AS deleted
) d
LEFT JOIN "Profile" p ON p."userId" = u.id
WHERE u."createdAt" <= %(as_of)s
"""


def run(conn: psycopg.Connection[Any], as_of: datetime) -> int:
    return replace(conn, "SearchableUser", INSERT, as_of)
