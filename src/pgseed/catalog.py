"""Small reads of the live catalog, with identifiers quoted exactly once.

pgseed keeps raw names (``"User"`` is the string ``User``) and quotes them only
when a statement is built, with ``psycopg.sql.Identifier``. Functions of
PostgreSQL that take a name as *text* and parse it (``pg_get_serial_sequence``,
``::regclass``) get the quoted form, so ``User`` is not folded to ``user``; names
read back from the catalog (``pg_class.relname``, ``pg_constraint.conname``) are
raw again, never the quoted ``::regclass::text`` form.
"""

from __future__ import annotations

from psycopg import sql

from .pg import Conn


def quoted(conn: Conn, *names: str) -> str:
    """``names`` (schema, table, ...) as SQL text, each part quoted once when needed."""
    return sql.Identifier(*names).as_string(conn)


def serial_sequence(conn: Conn, table: str, column: str) -> str | None:
    """The sequence that really feeds ``table.column``, as SQL text: its serial or
    identity, else the sequence a ``nextval`` default names (an application's shared
    sequence, on the table or, for a partition, on a parent it inherited it from)."""
    row = conn.execute(
        "SELECT pg_get_serial_sequence(%s, %s)", [quoted(conn, table), column]
    ).fetchone()
    if row is not None and row[0] is not None:
        return str(row[0])
    # The default's dependency on the sequence, nearest table first: the catalog's
    # record of which sequence the expression calls, never a parse of its text.
    row = conn.execute(
        """
        SELECT quote_ident(sn.nspname) || '.' || quote_ident(s.relname)
        FROM pg_partition_ancestors(%s::regclass) WITH ORDINALITY AS anc(relid, depth)
        JOIN pg_attribute a ON a.attrelid = anc.relid AND a.attname = %s
        JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
             AND d.refclassid = 'pg_class'::regclass
        JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'
        JOIN pg_namespace sn ON sn.oid = s.relnamespace
        ORDER BY anc.depth LIMIT 1
        """,
        [quoted(conn, table), column],
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])
