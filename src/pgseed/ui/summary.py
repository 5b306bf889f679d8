"""What a pack's database holds now: rows per table, each table's date range, and the
run history (``pgseed.runs``), read on a read-only connection through the engine's
guards (``safety.open_target``: the same name checks as every command).

The ``pgseed`` schema is pgseed's own: it is read for the log only, never counted or
shown as application data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from ..errors import DatabaseMissing, PgseedError
from ..history import Run, runs
from ..packs.contract import Pack
from ..pg import Conn
from ..safety import open_target

DATE_TYPES = ("date", "timestamp without time zone", "timestamp with time zone")
LOG_LIMIT = 20


@dataclass(frozen=True)
class TableSummary:
    name: str
    rows: int | None  # None: the table does not exist
    date_column: str | None = None
    first: Any = None
    last: Any = None


@dataclass(frozen=True)
class Summary:
    dbname: str | None
    problem: str = ""  # why there is nothing to show (no database, unreachable, ...)
    tables: list[TableSummary] = field(default_factory=list)
    log: list[Run] = field(default_factory=list)
    log_problem: str = ""  # why the generation log cannot be read (grants, a foreign table)

    @property
    def last_run(self) -> Run | None:
        return self.log[0] if self.log else None

    @property
    def empty(self) -> bool:
        return not any(t.rows for t in self.tables)


def _tables(conn: Conn, pack: Pack) -> list[TableSummary]:
    names = list(pack.schema.columns)
    cols: list[Any] = conn.execute(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "WHERE n.nspname = current_schema() AND c.relname = ANY(%s) AND c.relkind IN ('r', 'p') "
        "ORDER BY c.relname, a.attnum",
        [names],
    ).fetchall()
    present: dict[str, str | None] = {}
    for table, column, type_ in cols:
        present.setdefault(table, None)
        if present[table] is None and type_ in DATE_TYPES:
            present[table] = column  # the first date or timestamp column
    out = []
    for name in names:
        if name not in present:
            out.append(TableSummary(name, None))
            continue
        date_col = present[name]
        q = sql.SQL("SELECT count(*), {lo}, {hi} FROM {t}").format(
            t=sql.Identifier(name),
            lo=sql.SQL("min({})").format(sql.Identifier(date_col)) if date_col else sql.NULL,
            hi=sql.SQL("max({})").format(sql.Identifier(date_col)) if date_col else sql.NULL,
        )
        row: Any = conn.execute(q).fetchone()
        assert row is not None
        out.append(TableSummary(name, int(row[0]), date_col, row[1], row[2]))
    return out


def summarise(pack: Pack, dsn: str) -> Summary:
    """The pack's tables and log on ``dsn``; a Summary with ``problem`` set when the
    database is missing, unreachable or refused by a guard (never an exception)."""
    try:
        target = open_target(dsn, write=False, create=False)
    except DatabaseMissing:
        return Summary(None, "the database does not exist yet: Generate New creates it.")
    except PgseedError as exc:  # a guard refused it: its message says why
        return Summary(None, str(exc).split("\n")[0])
    conn = target.conn
    try:
        conn.read_only = True
        tables = _tables(conn, pack)
    except psycopg.Error as exc:
        conn.close()
        return Summary(target.dbname, f"could not read the database: {exc}".strip())
    try:
        log = runs(conn, pack=pack.name, limit=LOG_LIMIT)
    except (psycopg.Error, PgseedError) as exc:  # the counts stay; the log says why not
        return Summary(target.dbname, "", tables, [], str(exc).split("\n")[0])
    finally:
        conn.close()
    return Summary(target.dbname, "", tables, log)
