"""Which databases a pack may create its schema in: only fresh ones.

A pack's migration (or ``create_all``) runs only when the schemas it uses hold no
tables but pgseed's own: the tables of pgseed's packs, and Alembic version tables
whose every revision is one of those packs' migrations (two packs share a database,
each with its own version table). Anything else, above all another application's
``alembic_version``, means the database belongs to an application: pgseed never
migrates it, and says so (exit 4) instead of adding its tables beside the
application's or telling its owner to run ``alembic upgrade head``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SchemaMismatchError
from .pg import Conn

if TYPE_CHECKING:
    from .run import SchemaSpec

SHOWN = 8  # foreign tables named in the message; the count says how many more


def _specs(spec: SchemaSpec) -> list[SchemaSpec]:
    """``spec`` and every registered pack's schema (one that cannot be loaded is left
    out: it cannot have created tables here that we would need to recognise)."""
    from .packs import load, registry

    out = [spec]
    for ref in registry().values():
        with contextlib.suppress(Exception):
            schema = getattr(load(ref), "schema", None)
            if schema is not None and schema is not spec:
                out.append(schema)
    return out


def _revisions(migrations: Iterable[Path]) -> set[str]:
    from alembic.script import ScriptDirectory

    out: set[str] = set()
    for path in migrations:
        with contextlib.suppress(Exception):
            out |= {r.revision for r in ScriptDirectory(str(path)).walk_revisions()}
    return out


def _schemas(spec: SchemaSpec) -> list[str | None]:
    return sorted({t.schema for t in spec.metadata.tables.values()}, key=lambda s: s or "")


def foreign_tables(conn: Conn, spec: SchemaSpec) -> list[str]:
    """The relations in ``spec``'s schemas that pgseed's packs did not create, each
    with why when it is an Alembic version table (``alembic_version (revision X)``)."""
    specs = _specs(spec)
    own = {(t.schema, t.name) for s in specs for t in s.metadata.tables.values()}
    rows = conn.execute(
        """
        SELECT n.nspname, c.relname, n.nspname = current_schema(),
               coalesce(array_agg(a.attname::text ORDER BY a.attnum)
                        FILTER (WHERE a.attnum > 0 AND NOT a.attisdropped), '{}')
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
          -- an extension's own tables (PostGIS's spatial_ref_sys) are no application's
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype = 'e')
          AND (n.nspname = ANY(%s) OR (%s AND n.nspname = current_schema()))
        GROUP BY n.nspname, c.relname
        ORDER BY n.nspname, c.relname
        """,
        [[s for s in _schemas(spec) if s], None in _schemas(spec)],
    ).fetchall()
    revisions: set[str] | None = None
    foreign = []
    for schema, name, current, columns in rows:
        if (schema, name) in own or (current and (None, name) in own):
            continue
        shown = str(name) if current else f"{schema}.{name}"
        if columns == ["version_num"]:  # an Alembic version table
            if revisions is None:
                revisions = _revisions(s.migrations for s in specs if s.migrations is not None)
            from psycopg import sql

            found = conn.execute(
                sql.SQL("SELECT version_num FROM {}").format(sql.Identifier(str(schema), str(name)))
            ).fetchall()
            theirs = sorted(str(r[0]) for r in found if str(r[0]) not in revisions)
            if not theirs:
                continue  # a pgseed pack's own version table
            shown += f" (another application's Alembic revision {', '.join(theirs)})"
        foreign.append(shown)
    return foreign


def check_fresh(conn: Conn, spec: SchemaSpec, dbname: str) -> None:
    """SchemaMismatchError (exit 4) when the database holds tables pgseed did not create:
    a pack creates its schema only in a fresh database."""
    foreign = foreign_tables(conn, spec)
    if not foreign:
        return
    more = f", and {len(foreign) - SHOWN} more" if len(foreign) > SHOWN else ""
    raise SchemaMismatchError(
        f'database "{dbname}" holds tables pgseed did not create: '
        f"{', '.join(foreign[:SHOWN])}{more}. It belongs to an application, and "
        "pgseed never migrates an application's database (no tables of its own are added "
        "beside the application's, no Alembic revision is stamped).\nFix: seed a new "
        "database whose name ends in _demo or _test (pgseed creates it with the pack's "
        "schema), or point pgseed at a database that already holds the pack's tables "
        "(an application's own, evolved ones too: the pack binds to them as they are)."
    )
