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

from collections.abc import Mapping

import psycopg
from psycopg import sql

from ... import history
from ...errors import DatabaseMissing
from ...pg import Conn, delete_rows, lock_tables
from ...refs import REFERENCED_FIX, check_unreferenced, refused
from ...safety import confirm_replace, production_guard, require_confirm
from ...staging import BoundLoader
from .db import value
from .models import TABLES
from .ops import quiet_transaction
from .tables import ACTIVITY_TABLES, DERIVED_TABLES, SCHEMA

SCOPES: dict[str, tuple[str, ...]] = {
    "all": tuple(TABLES),
    "activity": (*ACTIVITY_TABLES, *DERIVED_TABLES),
    "derived": DERIVED_TABLES,
}


def reset(
    dsn: str,
    scope: str,
    *,
    confirm: bool,
    dry_run: bool,
    maps: Mapping[str, Mapping[str, str]] | None = None,
    reproduce: str = "",
) -> dict[str, int] | None:
    """Rows removed per table (or that a dry run would remove, ``preview``); None when the
    database does not exist or holds no social schema (nothing is created to find that
    out). Needs ``confirm`` unless a dry run (SafetyError, exit 3). A real reset is
    recorded in ``pgseed.runs``."""
    if dry_run:
        scopes = preview(dsn, scope)
        return None if scopes is None else scopes[scope]
    production_guard()
    require_confirm(f"pgseed social reset --scope {scope}", confirm)
    found = _open(dsn)
    if found is None:
        return None
    found.close()  # the run opens its own, in its transaction
    counts: dict[str, int] = {}

    def body(conn: Conn, loader: object, pool: object) -> None:
        counts.update(empty(conn, scope, isinstance(loader, BoundLoader)))

    rec = history.record("social", "reset", extra={"scope": scope}, reproduce=reproduce)
    if rec is not None:
        rec.rows = counts  # filled by body: the rows removed, not written
    quiet_transaction(dsn, body, maps, rec)
    return counts


def empty(
    conn: Conn, scope: str, bound: bool, *, what: str = "", confirm: bool | None = None
) -> dict[str, int]:
    """Empty ``scope``'s tables inside the caller's transaction; the rows removed per
    table. Takes their ACCESS EXCLUSIVE lock first and counts under it; with ``confirm``
    not None (``seed-all --replace``), rows there without ``confirm`` are SafetyError
    (exit 3). A row of another table that references one it would remove stops it
    (GenerationError, exit 1, naming the table and constraint). ``bound``: the
    application's own schema, where rows are deleted (children first), never truncated."""
    tables = SCOPES[scope]
    what = what or f"reset --scope {scope}"
    lock_tables(conn, list(tables), "ACCESS EXCLUSIVE", "the social tables")
    counts = _counts(conn, scope)
    if confirm is not None:
        confirm_replace(what, {t: n for t, n in counts.items() if n}, confirm)
    refs = check_unreferenced(conn, tables, TABLES, what, REFERENCED_FIX)
    if bound or refs:
        try:
            delete_rows(conn, [t for t in TABLES[::-1] if t in tables])
        except psycopg.errors.ForeignKeyViolation as exc:
            raise refused(exc, what) from exc
        _restart_identities(conn, tables)
    else:
        # RESTART IDENTITY: ids the database assigns start again at 1, so a seed after the
        # reset writes the bytes a seed into a fresh database writes (determinism).
        conn.execute(
            sql.SQL("TRUNCATE {} RESTART IDENTITY").format(
                sql.SQL(", ").join(map(sql.Identifier, tables))
            )
        )
    if scope == "activity":
        conn.execute(f"DELETE FROM {ACTIVITY_RUNS}")
    return counts


def _restart_identities(conn: Conn, tables: tuple[str, ...]) -> None:
    """The ``id`` sequence of each emptied table back to 1 (as TRUNCATE ... RESTART
    IDENTITY does), for the tables an application's references made us delete from."""
    with_id = conn.execute(
        "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_attribute a "
        "ON a.attrelid = c.oid AND a.attname = 'id' AND NOT a.attisdropped "
        "WHERE c.oid = ANY(%s::regclass[])",
        [[f'"{t}"' for t in tables]],
    ).fetchall()
    for (name,) in with_id:  # one by one: the function raises for a table without "id"
        conn.execute(
            "SELECT setval(s, 1, false) FROM pg_get_serial_sequence(%s, 'id') s "
            "WHERE s IS NOT NULL",
            [name],
        )


def preview(dsn: str, scope: str | None = None) -> dict[str, dict[str, int]] | None:
    """The rows each scope would remove, per table (tables with rows only), read on a
    read-only connection without a lock: a dry run neither writes nor blocks the
    application. With ``scope``, a row of another table that still references one of its
    rows fails the preview as it would fail the reset (GenerationError, exit 1). None as
    for ``reset``."""
    production_guard()
    conn = _open(dsn)
    if conn is None:
        return None
    try:
        conn.read_only = True
        if scope is not None:
            what = f"reset --scope {scope}"
            check_unreferenced(conn, SCOPES[scope], TABLES, what, REFERENCED_FIX, lock=False)
        return {scope: {t: n for t, n in _counts(conn, scope).items() if n} for scope in SCOPES}
    finally:
        conn.close()


def _open(dsn: str) -> Conn | None:
    """A connection to the database when it holds the social schema, else None."""
    from ...run import open_checked

    try:
        target, state = open_checked(dsn, SCHEMA, write=False, dry_run=True)
    except DatabaseMissing:
        return None
    if target is not None and state not in ("ok", "bind"):
        target.conn.close()
        return None
    return None if target is None else target.conn


# The activity scope also forgets the activity runs, so their days can be simulated again.
ACTIVITY_RUNS = "\"SeedRun\" WHERE kind = 'activity'"


def _counts(conn: Conn, scope: str) -> dict[str, int]:
    """The rows ``scope`` removes, per table."""
    counts = {
        t: int(value(conn, sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))))
        for t in SCOPES[scope]
    }
    if scope == "activity":
        counts["SeedRun"] = int(value(conn, f"SELECT count(*) FROM {ACTIVITY_RUNS}"))
    return counts
