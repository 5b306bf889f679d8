"""Unique conflicts judged by the unique indexes the target database really has.

Candidate rows are checked against every unique index of the table as the
database defines it (primary key, unique constraints, unique indexes, including
expression indexes such as ``lower(email)`` and partial ones ``WHERE ...``), so
``Name@Example.NET`` already in the table rules out a drawn ``name@example.net``
when the index is on ``lower(email)``. PostgreSQL evaluates each index's key
expressions and predicate itself: nothing is re-implemented in Python.

``ConflictFilter`` judges one block of candidates at a time, inside the run's
transaction: the candidates are COPYed into a temporary table, and a candidate
conflicts when, for some index whose predicate it satisfies, its key equals the
key of a row of the table (rows that were there, and blocks this run already
COPYed) or of an earlier candidate of the block (NULL keys never conflict,
unless the index says NULLS NOT DISTINCT). The caller COPYs the rows it keeps
before judging the next block, so memory stays flat: pgseed holds no key of any
accepted row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

from .errors import GenerationError
from .pg import Conn
from .progress import Reporter

if TYPE_CHECKING:
    from sqlalchemy import Table

    from .binding import TableBinding

ORD = "pgseed_ord"  # the candidates' row number inside a block


@dataclass(frozen=True)
class UniqueIndex:
    """One unique index as the database defines it (PostgreSQL's catalog terms)."""

    name: str
    keys: tuple[str, ...]  # SQL of each key column or expression
    predicate: str | None  # SQL of the partial index's WHERE, if any
    nulls_not_distinct: bool

    def key_sql(self) -> sql.Composable:
        return sql.SQL(", ").join(sql.SQL(k) for k in self.keys)

    def where_sql(self) -> sql.Composable:
        return sql.SQL(self.predicate) if self.predicate else sql.SQL("true")


def unique_indexes(conn: Conn, table: sql.Composable) -> list[UniqueIndex]:
    """The unique indexes of ``table`` (a composed, already quoted name), valid ones only."""
    rows = conn.execute(
        sql.SQL(
            """
            SELECT c.relname,
                   (SELECT array_agg(pg_get_indexdef(i.indexrelid, k, true) ORDER BY k)
                    FROM generate_series(1, i.indnkeyatts) k),
                   pg_get_expr(i.indpred, i.indrelid, true),
                   {nnd}
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = {t}::regclass AND i.indisunique AND i.indisvalid
            ORDER BY c.relname
            """
        ).format(
            t=sql.Literal(table.as_string(conn)),
            nnd=sql.SQL("i.indnullsnotdistinct" if conn.info.server_version >= 150000 else "false"),
        )
    ).fetchall()
    out = []
    for name, keys, predicate, nnd in rows:
        assert isinstance(keys, list)
        out.append(UniqueIndex(str(name), tuple(map(str, keys)), _opt(predicate), bool(nnd)))
    return out


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


class ConflictFilter:
    """Judge blocks of candidate rows for ``table`` against its unique indexes.

    ``columns`` are the columns pgseed fills; an index that also uses other
    columns cannot be judged before the insert and is left to the database (the
    reporter says so once).
    """

    def __init__(
        self,
        conn: Conn,
        table: str | tuple[str, str],
        columns: Sequence[str],
        reporter: Reporter,
        bound: TableBinding | None = None,
    ) -> None:
        self.conn = conn
        self.table = sql.Identifier(*table) if isinstance(table, tuple) else sql.Identifier(table)
        self.columns = tuple(columns)
        # A temporary table's name is cut at 63 bytes: a digest keeps long names apart.
        digest = hashlib.blake2b(repr(table).encode(), digest_size=6).hexdigest()
        self.cand = sql.Identifier(f"pgseed_cand_{digest}")
        if bound is not None and not bound.exact:
            # An application's evolved table: the candidates take the models' types under
            # the live names (a renamed column is judged by the index on its new name; a
            # column the table lacks is carried but no index names it).
            assert bound.columns == self.columns
            conn.execute(
                sql.SQL("CREATE TEMP TABLE {} ({}) ON COMMIT DROP").format(
                    self.cand,
                    sql.SQL(", ").join(
                        sql.SQL("{} {}").format(sql.Identifier(target or col), sql.SQL(typ))
                        for col, target, typ in zip(
                            bound.columns, bound.targets, bound.types, strict=True
                        )
                    ),
                )
            )
        else:
            cols = sql.SQL(", ").join(map(sql.Identifier, self.columns))
            conn.execute(
                sql.SQL(
                    "CREATE TEMP TABLE {tmp} ON COMMIT DROP AS SELECT {cols} FROM {t} WITH NO DATA"
                ).format(tmp=self.cand, cols=cols, t=self.table)
            )
        conn.execute(
            sql.SQL("ALTER TABLE {} ADD COLUMN {} int").format(self.cand, sql.Identifier(ORD))
        )
        self.indexes: list[UniqueIndex] = []
        for index in unique_indexes(conn, self.table):
            if self._judgeable(index):
                self.indexes.append(index)
            else:
                reporter.warn(
                    f"{'.'.join(table) if isinstance(table, tuple) else table}: unique index "
                    f"{index.name} uses columns pgseed does not fill; "
                    "conflicts on it are left to the database (the run fails if one occurs)"
                )

    def _judgeable(self, index: UniqueIndex) -> bool:
        try:
            with self.conn.transaction():
                self.conn.execute(
                    sql.SQL("SELECT {k} FROM {c} WHERE {w} LIMIT 0").format(
                        k=index.key_sql(), c=self.cand, w=index.where_sql()
                    )
                )
        except psycopg.errors.UndefinedColumn:
            return False
        return True

    def _probe(self, pos: int, index: UniqueIndex) -> tuple[sql.Composable, sql.Composable]:
        """(CTE, SELECT) finding the candidates that conflict on ``index``: the
        SELECT yields (row number, ``pos``)."""
        n = len(index.keys)
        eq = sql.SQL("IS NOT DISTINCT FROM" if index.nulls_not_distinct else "=")
        keys = [sql.Identifier(f"k{i}") for i in range(n)]
        ranked = sql.Identifier(f"pgseed_ranked{pos}")
        mine = [sql.SQL("pgseed_r.{}").format(k) for k in keys]
        not_null = (
            sql.SQL("true")
            if index.nulls_not_distinct
            else sql.SQL(" AND ").join(sql.SQL("{} IS NOT NULL").format(k) for k in keys)
        )
        cte = sql.SQL(
            """{ranked} AS MATERIALIZED (
                SELECT {ord}, {keys}, row_number() OVER (PARTITION BY {keys} ORDER BY {ord}) rn
                FROM (SELECT {ord}, {named} FROM {cand} WHERE {where}) c WHERE {not_null}
            )"""
        ).format(
            ranked=ranked,
            ord=sql.Identifier(ORD),
            keys=sql.SQL(", ").join(keys),
            named=sql.SQL(", ").join(
                sql.SQL("{} AS {}").format(sql.SQL(k), kk)
                for k, kk in zip(index.keys, keys, strict=True)
            ),
            cand=self.cand,
            where=index.where_sql(),
            not_null=not_null,
        )
        # LATERAL ... LIMIT 1 makes PostgreSQL probe the unique index once per candidate;
        # a plain EXISTS was planned as a hashed subplan over the whole table (90 ms a
        # block at 100k users, growing with the table).
        select = sql.SQL(
            """SELECT {ord}, {pos} FROM {ranked} WHERE rn > 1
            UNION ALL
            SELECT pgseed_r.{ord}, {pos} FROM {ranked} pgseed_r CROSS JOIN LATERAL (
                SELECT 1 FROM {table} WHERE {row_keys} {eq} {mine} AND {where} LIMIT 1
            ) pgseed_t"""
        ).format(
            ord=sql.Identifier(ORD),
            pos=sql.Literal(pos),
            ranked=ranked,
            table=self.table,
            row_keys=sql.SQL("({})").format(index.key_sql()) if n > 1 else index.key_sql(),
            eq=eq,
            mine=sql.SQL("({})").format(sql.SQL(", ").join(mine)) if n > 1 else mine[0],
            where=index.where_sql(),
        )
        return cte, select

    def conflicts(self, data: bytes) -> dict[int, str]:
        """Candidates (COPY text of ``columns`` plus the row number) -> {row: index name}
        for every row that conflicts with the table or an earlier row of the block, on
        the first index (by name) where it does. One statement for all indexes."""
        conn = self.conn
        # TRUNCATE, not DELETE: deleted rows stay in the table until a VACUUM, which
        # cannot run inside the run's transaction, and every block's scan would read them
        # (the candidates' scan grew to 3,400 pages after 100 blocks, 300 s for 1M users).
        conn.execute(sql.SQL("TRUNCATE {}").format(self.cand))
        with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(self.cand)) as cp:
            cp.write(data)
        if not self.indexes:
            return {}
        parts = [self._probe(pos, index) for pos, index in enumerate(self.indexes)]
        query = sql.SQL("WITH {} {} ORDER BY 1, 2").format(
            sql.SQL(", ").join(cte for cte, _ in parts),
            sql.SQL(" UNION ALL ").join(select for _, select in parts),
        )
        bad: dict[int, str] = {}
        for row, pos in conn.execute(query).fetchall():
            bad.setdefault(int(str(row)), self.indexes[int(str(pos))].name)
        return bad


class MemoryConflicts:
    """``ConflictFilter``'s judgement for a run with no database (``--output`` files):
    the unique constraints of the pack's own models, as an empty database created from
    them would judge. A candidate conflicts when, on some unique key (primary key,
    unique columns and constraints, unique column indexes; NULL keys never conflict),
    it equals a row already accepted or an earlier candidate of its block; the first
    such key by name is reported. Accepted keys stay in memory (files only).
    """

    def __init__(self, table: Table) -> None:
        from sqlalchemy import UniqueConstraint  # here: `pgseed fill` never loads SQLAlchemy

        keys: dict[str, tuple[str, ...]] = {}
        if table.primary_key.columns:
            keys[f"{table.name}_pkey"] = tuple(c.name for c in table.primary_key.columns)
        for col in table.columns:
            if col.unique:
                keys[f"{table.name}_{col.name}_key"] = (col.name,)
        for con in table.constraints:
            if isinstance(con, UniqueConstraint):
                cols = tuple(c.name for c in con.columns)
                keys[str(con.name or f"{table.name}_{'_'.join(cols)}_key")] = cols
        for ix in table.indexes:
            if ix.unique:
                if len(ix.expressions) != len(ix.columns):
                    raise GenerationError(
                        f"unique index {ix.name} of {table.name} has expressions, which a run "
                        "without a database cannot judge.\nFix: write to a database instead."
                    )
                keys[str(ix.name)] = tuple(c.name for c in ix.columns)
        self.keys = dict(sorted(keys.items()))
        self.seen: dict[str, set[tuple[str | None, ...]]] = {k: set() for k in self.keys}

    def conflicts(self, cand: Mapping[str, Sequence[str | None]], n: int) -> dict[int, str]:
        """{row: key name} for the ``n`` candidates (columns by name) that conflict."""
        bad: dict[int, str] = {}
        for name, cols in self.keys.items():
            local: set[tuple[str | None, ...]] = set()
            for i in range(n):
                key = tuple(cand[c][i] for c in cols)
                if any(v is None for v in key):
                    continue
                if key in self.seen[name] or key in local:
                    bad.setdefault(i, name)
                local.add(key)
        return bad

    def accept(self, cand: Mapping[str, Sequence[str | None]], rows: Sequence[int]) -> None:
        """Remember the keys of the rows written."""
        for name, cols in self.keys.items():
            self.seen[name].update(tuple(cand[c][i] for c in cols) for i in rows)
