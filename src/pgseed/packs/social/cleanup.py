"""``reset --scope all|activity|derived`` (spec 004 "Data Cleanup"), in one transaction.

``all`` empties every social table (the reference taxonomy and quiz too, and the run
records); ``activity`` keeps users and profiles and removes likes, matches, conversations,
messages, posts, views and post likes (and the activity run records, so the days can be
simulated again); ``derived`` removes what the jobs wrote. Needs ``confirm`` unless a dry
run (SafetyError, exit 3).

On an application's own schema, or where a table outside the pack references the
scope's tables (a "Block" table onto "User"), the tables are emptied by DELETE, children
first, after ``refs.check_unreferenced``: a row of another table that still references
one of these stops the reset (GenerationError, exit 1, naming table and constraint)
rather than being removed by a cascade; the application's sequences are left alone.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from ...errors import DatabaseUnavailable
from ...pg import Conn, delete_rows, lock_tables
from ...progress import Reporter
from ...refs import REFERENCED_FIX, check_unreferenced, refused
from ...run import transaction
from ...safety import production_guard, require_confirm
from .db import value
from .models import TABLES
from .tables import ACTIVITY_TABLES, DERIVED_TABLES, SCHEMA

SCOPES: dict[str, tuple[str, ...]] = {
    "all": tuple(TABLES),
    "activity": (*ACTIVITY_TABLES, *DERIVED_TABLES),
    "derived": DERIVED_TABLES,
}


def reset(dsn: str, scope: str, *, confirm: bool, dry_run: bool) -> dict[str, int] | None:
    """Rows removed per table (or that a dry run would remove); None when the database
    does not exist or holds no social schema (nothing is created to find that out)."""
    from ...run import open_checked

    production_guard()
    if not dry_run:
        require_confirm(f"pgseed social reset --scope {scope}", confirm)
    try:
        target, state = open_checked(dsn, SCHEMA, write=False, dry_run=True)
    except DatabaseUnavailable as exc:
        if "does not exist" in str(exc):
            return None
        raise
    if target is not None:
        target.conn.close()
    if target is None or state not in ("ok", "bind"):
        return None
    tables = SCOPES[scope]
    counts: dict[str, int] = {}

    def body(conn: Conn, loader: object, pool: object) -> None:
        lock_tables(conn, list(tables), "ACCESS EXCLUSIVE", "the social tables")
        for t in tables:
            counts[t] = int(
                value(conn, sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t)))
            )
        what = f"reset --scope {scope}"
        refs = check_unreferenced(conn, tables, TABLES, what, REFERENCED_FIX, lock=not dry_run)
        if dry_run:
            return
        if state == "bind" or refs:
            try:
                delete_rows(conn, [t for t in TABLES[::-1] if t in tables])
            except psycopg.errors.ForeignKeyViolation as exc:
                raise refused(exc, what) from exc
        else:
            conn.execute(
                sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(map(sql.Identifier, tables)))
            )
        if scope == "activity":
            n = conn.execute("DELETE FROM \"SeedRun\" WHERE kind = 'activity'").rowcount
            counts["SeedRun"] = n

    transaction(dsn, SCHEMA, Reporter(progress=False), body, reproduce="", bulk_mode=False)
    return {t: n for t, n in counts.items() if n or not dry_run}
