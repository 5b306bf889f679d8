"""Operations on the retail tables as a whole: counts, the lock, delete by scope."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import psycopg

from ...errors import GenerationError
from ...pg import Conn, count_rows, delete_rows, lock_tables, truncate
from ...refs import REFERENCED_FIX, Reference, check_unreferenced, refused
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


def _emptied(scope: str) -> tuple[str, ...]:
    # The dimensions go only once the facts are empty (check_delete): emptying them
    # all at once is what lets one TRUNCATE cover the FKs between them.
    return TABLES if scope == "dimensions" else SCOPES[scope]


def delete(conn: Conn, scope: str, *, bound: bool = False) -> dict[str, int]:
    """Empty the scope's tables (in the caller's transaction); rows removed.

    On the pack's own schema, one TRUNCATE (ids restart: the same ids every run). On
    an application's own schema (``bound``), or wherever a table outside the pack
    references the scope's, a DELETE per table, children first, after
    ``refs.check_unreferenced``: a row of another table that references one of these
    stops the delete (GenerationError, exit 1) instead of being removed or changed by a
    cascade, and the application's sequences are left where they are.
    """
    lock_all(conn)
    before = counts(conn, TABLES)
    check_delete(scope, before)
    tables = _emptied(scope)
    refs = check_blockers(conn, scope)
    if not bound and not refs:
        truncate(conn, tables)
    else:
        try:
            delete_rows(conn, [t for t in TABLES[::-1] if t in tables])
        except psycopg.errors.ForeignKeyViolation as exc:
            raise refused(exc, f"--delete --scope {scope}") from exc
    return {t: before[t] for t in SCOPES[scope]}


def check_blockers(conn: Conn, scope: str, *, lock: bool = True) -> list[Reference]:
    """The foreign keys from tables outside the pack onto the scope's tables; raises
    GenerationError (exit 1) naming each that a row still uses."""
    keep = " Or --scope facts, which keeps the stores, products and calendar."
    return check_unreferenced(
        conn,
        _emptied(scope),
        TABLES,
        f"--delete --scope {scope}",
        REFERENCED_FIX + (keep if scope != "facts" else ""),
        lock=lock,
    )


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
