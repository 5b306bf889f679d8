"""Small reads of the live catalog, with identifiers quoted exactly once.

pgseed keeps raw names (``"User"`` is the string ``User``) and quotes them only
when a statement is built, with ``psycopg.sql.Identifier``. Functions of
PostgreSQL that take a name as *text* and parse it (``pg_get_serial_sequence``,
``::regclass``) get the quoted form, so ``User`` is not folded to ``user``; names
read back from the catalog (``pg_class.relname``, ``pg_constraint.conname``) are
raw again, never the quoted ``::regclass::text`` form.
"""

from __future__ import annotations

from collections.abc import Sequence

from psycopg import sql

from .pg import Conn


def quoted(conn: Conn, *names: str) -> str:
    """``names`` (schema, table, ...) as SQL text, each part quoted once when needed."""
    return sql.Identifier(*names).as_string(conn)


_FEEDING = """
SELECT a.attrelid, a.attname, coalesce(
  -- an identity column: its own sequence, which no default names
  CASE WHEN a.attidentity <> '' THEN pg_get_serial_sequence(a.attrelid::regclass::text, a.attname) END,
  -- the sequence the default's nextval names (serial, shared, or owned by another column),
  -- from the catalog's record of the default's dependency on the regclass it calls; on the
  -- table itself first, else on the nearest partitioned parent it inherited it from
  (SELECT quote_ident(sn.nspname) || '.' || quote_ident(s.relname)
   FROM (SELECT a.attrelid AS relid, 0::bigint AS depth
         UNION ALL
         SELECT anc.relid, anc.depth FROM pg_partition_ancestors(a.attrelid)
                WITH ORDINALITY AS anc(relid, depth) WHERE anc.relid <> a.attrelid) AS up
   JOIN pg_attribute pa ON pa.attrelid = up.relid AND pa.attname = a.attname
   JOIN pg_attrdef ad ON ad.adrelid = pa.attrelid AND ad.adnum = pa.attnum
   JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
        AND d.refclassid = 'pg_class'::regclass
   JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'
   JOIN pg_namespace sn ON sn.oid = s.relnamespace
   ORDER BY up.depth, s.oid LIMIT 1),
  -- a sequence OWNED BY the column that no default calls (what serial left behind)
  pg_get_serial_sequence(a.attrelid::regclass::text, a.attname))
FROM pg_attribute a
WHERE a.attrelid = ANY(%s) AND a.attnum > 0 AND NOT a.attisdropped
"""


def feeding_sequences(conn: Conn, relids: Sequence[int]) -> dict[tuple[int, str], str]:
    """The sequence that really feeds each column of the tables ``relids`` (oids), as
    SQL text (quoted, schema-qualified), keyed by (table oid, column); columns no
    sequence feeds are left out. pgseed's one way to find a column's sequence:

    - an identity column: its identity sequence (``pg_get_serial_sequence``);
    - a column whose default calls ``nextval``: that sequence, found through
      ``pg_depend`` (the default's dependency on the ``regclass`` it calls), never by
      parsing the default's text; serial and bigserial, a sequence shared by several
      tables, one in another schema or owned by another column, or (for a partition)
      the default of the parent it inherited;
    - else a sequence the column owns (``OWNED BY``) that no default calls.

    The default wins over ownership: a column that owns one sequence while its default
    calls another is fed by the one its default calls."""
    return {
        (int(str(rel)), str(col)): str(seq)
        for rel, col, seq in conn.execute(_FEEDING, [list(relids)]).fetchall()
        if seq is not None
    }


def serial_sequence(conn: Conn, table: str, column: str) -> str | None:
    """The sequence that really feeds ``table.column`` (``feeding_sequences``), as SQL
    text; None when none does. ``table`` is a raw name, found on the search path."""
    row = conn.execute("SELECT %s::regclass::oid", [quoted(conn, table)]).fetchone()
    if row is None:
        return None
    oid = int(str(row[0]))
    return feeding_sequences(conn, [oid]).get((oid, column))
