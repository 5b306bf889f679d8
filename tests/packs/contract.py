"""``PackContract``: what every pack must do, asserted once (after sqlglot's ``Validator``).

A pack's test module subclasses it and sets ``pack_name`` and ``config`` (a small
config, as a dict for the pack's config model) and ``batch_variant`` (config overrides
that change only COPY statement sizes). Every test runs the library (``pgseed.engine``)
against a real PostgreSQL.
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

import psycopg
import pytest
from psycopg import sql

from pgseed import engine
from pgseed.errors import PgseedError
from pgseed.packs import get_pack
from pgseed.progress import Reporter
from tests.conftest import database_exists, drop_database, dsn_for


def digests(dsn: str, tables: list[str]) -> dict[str, str]:
    """md5 of each table's rows in primary-key order, as COPY text."""
    out = {}
    with psycopg.connect(dsn) as conn:
        for t in tables:
            buf = hashlib.md5()
            q = sql.SQL("COPY (SELECT * FROM {} ORDER BY 1) TO STDOUT").format(sql.Identifier(t))
            with conn.cursor().copy(q) as cp:
                for chunk in cp:
                    buf.update(chunk)
            out[t] = buf.hexdigest()
    return out


class _Boom(Reporter):
    """Fails the run after its first COPY: everything before must roll back."""

    def advance(self, table: str, rows: int) -> None:
        super().advance(table, rows)
        raise RuntimeError("injected failure after the first COPY")


class CaptureSink:
    """A sink that keeps what it is given (table, COPY data, rows), in order."""

    def __init__(self) -> None:
        self.written: dict[str, int] = {}
        self.binary: dict[str, int] = {}
        self.calls: list[tuple[str, bytes, int]] = []

    def copy(self, table: str, data: Any, rows: int) -> None:
        if rows:
            self.calls.append((table, data if isinstance(data, bytes) else b"".join(data), rows))
            self.written[table] = self.written.get(table, 0) + rows


class PackContract:
    pack_name: ClassVar[str]
    config: ClassVar[dict[str, Any]]
    batch_variant: ClassVar[dict[str, Any]]

    @pytest.fixture
    def pack(self) -> Any:
        return get_pack(self.pack_name)

    def cfg(self, pack: Any, **over: Any) -> Any:
        return pack.config_model.model_validate({**self.config, "seed": 7, **over})

    @pytest.fixture
    def fresh(self, server_dsn: str) -> Any:
        names: list[str] = []

        def make() -> str:
            import uuid

            names.append(f"pgseed_contract_{uuid.uuid4().hex[:8]}_test")
            return dsn_for(server_dsn, names[-1])

        yield make
        for n in names:
            drop_database(server_dsn, n)

    def test_same_seed_same_bytes_across_workers_and_batch_sizes(
        self, pack: Any, fresh: Any
    ) -> None:
        """Workers, COPY statement sizes and bulk mode change no byte; another seed does."""
        a, b, c = fresh(), fresh(), fresh()
        quiet = Reporter(progress=False)
        engine.generate(pack, self.cfg(pack), a, workers=1, reporter=quiet)
        engine.generate(
            pack, self.cfg(pack, **self.batch_variant), b, workers=2, bulk=False, reporter=quiet
        )
        engine.generate(pack, self.cfg(pack, seed=8), c, workers=2, reporter=quiet)
        tables = list(pack.schema.columns)
        da = digests(a, tables)
        assert da == digests(b, tables)
        assert any(v != hashlib.md5(b"").hexdigest() for v in da.values())  # rows were written
        assert digests(c, tables) != da

    def test_every_foreign_key_value_exists_in_its_parent(self, pack: Any, fresh: Any) -> None:
        dsn = fresh()
        engine.generate(pack, self.cfg(pack), dsn, reporter=Reporter(progress=False))
        fks = [
            (t.name, fk)
            for t in pack.schema.metadata.sorted_tables
            for fk in t.foreign_key_constraints
        ]
        assert fks, "the pack declares no foreign key: nothing to check"
        with psycopg.connect(dsn) as conn:
            for table, fk in fks:
                cols = [c.name for c in fk.columns]
                ref = fk.referred_table.name
                ref_cols = [e.column.name for e in fk.elements]
                q = sql.SQL(
                    "SELECT count(*) FROM {t} c WHERE {notnull} AND NOT EXISTS "
                    "(SELECT 1 FROM {r} p WHERE {match})"
                ).format(
                    t=sql.Identifier(table),
                    r=sql.Identifier(ref),
                    notnull=sql.SQL(" AND ").join(
                        sql.SQL("c.{} IS NOT NULL").format(sql.Identifier(c)) for c in cols
                    ),
                    match=sql.SQL(" AND ").join(
                        sql.SQL("p.{} = c.{}").format(sql.Identifier(rc), sql.Identifier(c))
                        for c, rc in zip(cols, ref_cols, strict=True)
                    ),
                )
                row = conn.execute(q).fetchone()
                assert row is not None and row[0] == 0, (table, cols, ref)

    def test_a_dry_run_writes_nothing(self, pack: Any, fresh: Any, server_dsn: str) -> None:
        dsn = fresh()
        d = engine.dry_run(pack, self.cfg(pack), dsn)
        assert d.dbname is None and sum(d.rows.values()) > 0
        name = psycopg.conninfo.conninfo_to_dict(dsn)["dbname"]
        assert not database_exists(server_dsn, str(name))

    def test_verify_passes_after_generate(self, pack: Any, fresh: Any) -> None:
        dsn = fresh()
        engine.generate(pack, self.cfg(pack), dsn, reporter=Reporter(progress=False))
        result = engine.verify(pack, self.cfg(pack), dsn)
        assert result.checks and not result.failed, result.failed

    def test_a_failure_rolls_everything_back(self, pack: Any, fresh: Any) -> None:
        dsn = fresh()
        engine.generate(pack, self.cfg(pack), dsn, reporter=Reporter(progress=False))
        tables = list(pack.schema.columns)
        before = digests(dsn, tables)
        with pytest.raises((RuntimeError, PgseedError)):
            engine.generate(
                pack,
                self.cfg(pack, seed=8),
                dsn,
                reporter=_Boom(progress=False),
                confirm=True,
            )
        assert digests(dsn, tables) == before

    def test_a_run_without_database_writes_what_the_database_gets(
        self, pack: Any, fresh: Any
    ) -> None:
        """``--output``'s path (``engine.export``) gives the same rows as a run into an
        empty database: the captured COPY data, loaded into a second empty database
        through the engine's own loader, dumps byte for byte like the real run."""
        from pgseed import run

        real, replay = fresh(), fresh()
        engine.generate(pack, self.cfg(pack), real, reporter=Reporter(progress=False))
        sink = CaptureSink()
        result = engine.export(pack, self.cfg(pack), sink, reporter=Reporter(progress=False))
        assert result.written == {t: n for t, n in sink.written.items()}

        def body(conn: Any, loader: Any, pool: Any) -> None:
            for table, data, rows in sink.calls:
                loader.copy(table, data, rows)

        run.transaction(
            replay, pack.schema, Reporter(progress=False), body, bulk_mode=False, reproduce=""
        )
        tables = list(pack.schema.columns)
        assert digests(real, tables) == digests(replay, tables)

    def test_output_files_hold_what_the_database_gets(
        self, pack: Any, fresh: Any, tmp_path: Any
    ) -> None:
        """``--output``: every table's CSV is what ``COPY ... TO CSV HEADER`` prints for the
        database the same seed fills (rows compared as a set: files keep load order); the
        JSON and parquet files hold the same number of rows."""
        import json

        import pyarrow.parquet as pq

        dsn = fresh()
        engine.generate(pack, self.cfg(pack), dsn, reporter=Reporter(progress=False))
        for fmt in ("csv", "json", "parquet"):
            engine.export_files(
                pack, self.cfg(pack), tmp_path / fmt, fmt, reporter=Reporter(progress=False)
            )
        with psycopg.connect(dsn) as conn:
            for table in pack.schema.columns:
                lines = (tmp_path / "csv" / f"{table}.csv").read_bytes().split(b"\n")
                header, rows = lines[0], sorted(lines[1:-1])
                q = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT WITH (FORMAT csv, HEADER)").format(
                    sql.SQL(", ").join(map(sql.Identifier, header.decode().split(","))),
                    sql.Identifier(table),
                )
                with conn.cursor().copy(q) as cp:
                    db = b"".join(bytes(c) for c in cp).split(b"\n")
                assert db[0] == header, table
                assert sorted(db[1:-1]) == rows, table
                n = len(rows)
                assert len(json.loads((tmp_path / "json" / f"{table}.json").read_text())) == n
                assert pq.read_metadata(tmp_path / "parquet" / f"{table}.parquet").num_rows == n
