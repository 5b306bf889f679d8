"""Rows of other tables that reference the tables a run is about to empty.

A pack empties only its own tables. An application's table that references them (its
``forecast`` rows point at ``store``) must never lose rows to that, not by a
``TRUNCATE ... CASCADE``, not by an ``ON DELETE CASCADE`` or ``SET NULL`` the
application declared. So before emptying, every foreign key from outside the emptied
tables is looked up in the catalog, its referencing table is locked against writes,
and a row that still references an emptied one stops the run (GenerationError, exit 1),
naming the table, the constraint and the fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg import sql

from .anyschema.model import ForeignKey
from .errors import GenerationError
from .pg import Conn, lock_tables

__all__ = ["REFERENCED_FIX", "Reference", "check_unreferenced", "references", "refused"]

REFERENCED_FIX = (
    "delete or re-point those rows first (they are not the pack's: pgseed leaves them to "
    "you), then run again."
)


@dataclass(frozen=True)
class Reference:
    """A foreign key declared by ``schema.table`` (onto a table of the current schema:
    ``key.ref_ident``)."""

    schema: str
    table: str
    key: ForeignKey

    @property
    def name(self) -> str:
        return self.table if self.schema in ("public", "") else f"{self.schema}.{self.table}"


def references(conn: Conn, tables: Sequence[str], outside: Sequence[str]) -> list[Reference]:
    """Foreign keys onto ``tables`` (names in the current schema) declared by tables not
    in ``outside`` (a partitioned table's key once, on its root)."""
    row = conn.execute("SELECT current_schema()").fetchone()
    current = str(row[0]) if row else "public"
    rows = conn.execute(
        """
        SELECT n.nspname, r.relname, c.conname, c.confdeltype::text, t.relname,
               ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(num, i)
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num
                     ORDER BY k.i)::text[],
               ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(num, i)
                     JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num
                     ORDER BY k.i)::text[]
        FROM pg_constraint c
        JOIN pg_class r ON r.oid = c.conrelid
        JOIN pg_namespace n ON n.oid = r.relnamespace
        JOIN pg_class t ON t.oid = c.confrelid
        WHERE c.contype = 'f' AND c.conparentid = 0
          AND t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(%s)
          AND NOT (r.relnamespace = current_schema()::regnamespace AND r.relname = ANY(%s))
        ORDER BY 1, 2, 3
        """,
        [list(tables), list(outside)],
    ).fetchall()
    return [
        Reference(
            str(s),
            str(r),
            ForeignKey(
                str(c), _names(a), str(t), _names(b), on_delete=str(d), ref_ident=(current, str(t))
            ),
        )
        for s, r, c, d, t, a, b in rows
    ]


ON_DELETE = {"c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}  # what it would do unasked


def _names(value: object) -> tuple[str, ...]:
    assert isinstance(value, list)  # a text[] column
    return tuple(str(v) for v in value)


def _held(conn: Conn, ref: Reference) -> int:
    """Rows of ``ref``'s table that reference a row of its target."""
    match = sql.SQL(" AND ").join(
        sql.SQL("t.{} = r.{}").format(sql.Identifier(b), sql.Identifier(a))
        for a, b in zip(ref.key.columns, ref.key.ref_columns, strict=True)
    )
    row = conn.execute(
        sql.SQL("SELECT count(*) FROM {} r WHERE EXISTS (SELECT 1 FROM {} t WHERE {})").format(
            sql.Identifier(ref.schema, ref.table), sql.Identifier(*ref.key.ref_ident), match
        )
    ).fetchone()
    return int(str(row[0])) if row else 0


def check_unreferenced(
    conn: Conn,
    tables: Sequence[str],
    outside: Sequence[str],
    what: str,
    fix: str,
    *,
    lock: bool = True,
) -> list[Reference]:
    """Lock the tables outside ``outside`` that reference ``tables`` against writes (in
    the caller's transaction; not with ``lock=False``, a dry run's read-only look) and
    raise GenerationError (exit 1) if any of their rows references a row of ``tables``;
    ``what`` is the operation ("--delete --scope all"), ``fix`` its way out. Returns the
    references (none held)."""
    refs = references(conn, tables, outside)
    if refs and lock:
        lock_tables(
            conn,
            sorted({(r.schema, r.table) for r in refs}),
            "SHARE",
            "the tables that reference the pack's",
        )
    held = [(r, n) for r in refs if (n := _held(conn, r))]
    if held:
        raise GenerationError(
            f"{what} would remove rows that other tables of the database still reference: "
            + "; ".join(
                f"{n:,} row(s) of {r.name} (constraint {r.key.name} on {r.name}"
                f"({', '.join(r.key.columns)}) -> {r.key.ref_table}"
                f"{', ON DELETE ' + ON_DELETE[r.key.on_delete] if r.key.on_delete in ON_DELETE else ''})"
                for r, n in held
            )
            + ". pgseed never deletes or changes those tables' rows: nothing was deleted "
            f"(rolled back).\nFix: {fix}"
        )
    return refs


def refused(exc: psycopg.errors.ForeignKeyViolation, what: str) -> GenerationError:
    """A foreign key that refused a delete (a row written meanwhile, a key the catalog
    look-up could not see), as the same message: table and constraint named."""
    diag = exc.diag
    return GenerationError(
        f"{what} would remove rows that {diag.table_name} still references (constraint "
        f"{diag.constraint_name}): {str(exc).strip()}. Nothing was deleted (rolled back)."
        f"\nFix: delete or re-point those rows of {diag.table_name} first, then run again."
    )
