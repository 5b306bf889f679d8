"""Databases for the benchmarks: fresh ones holding a pack's schema, row counts,
and a dump of a run's rows with the one-session psql script that reloads them."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from pgseed.migrate import upgrade


def server(home: Path) -> tuple[str, int | None]:
    """The server to measure: ``PGSEED_BENCH_DSN``'s (its CPU is then not measured: pid
    None), else an embedded one in ``home``, started now and stopped at exit."""
    given = os.environ.get("PGSEED_BENCH_DSN")
    if given:
        return given, None
    from pgseed import embedded

    url = embedded.start(home, cleanup="stop")
    return url, embedded.status(home).pid


def drop(server: str, name: str) -> None:
    with psycopg.connect(make_conninfo(server, dbname="postgres"), autocommit=True) as c:
        c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def fresh(server: str, name: str, migrations: Path) -> str:
    """An empty database ``name`` with the schema of ``migrations``; its DSN."""
    drop(server, name)
    with psycopg.connect(make_conninfo(server, dbname="postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = make_conninfo(server, dbname=name)
    with psycopg.connect(dsn) as c:
        upgrade(c, migrations)
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute("CHECKPOINT")
    return dsn


def row_counts(dsn: str, tables: Sequence[str]) -> dict[str, int]:
    with psycopg.connect(dsn) as c:
        return {t: int(str(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0])) for t in tables}  # type: ignore[index]


def dump(dsn: str, where: Path, tables: Sequence[str]) -> Path:
    """COPY TO each table into ``where``; return a psql script reloading them in one transaction."""
    where.mkdir(parents=True, exist_ok=True)
    with psycopg.connect(dsn) as c, c.cursor() as cur:
        for t in tables:
            with (where / f"{t}.copy").open("wb") as f, cur.copy(f"COPY {t} TO STDOUT") as cp:
                for chunk in cp:
                    f.write(chunk)
    script = where / "reload.sql"
    lines = ["\\set ON_ERROR_STOP on", "BEGIN;"]
    lines += [f"\\copy {t} FROM '{where / (t + '.copy')}'" for t in tables]
    lines += ["COMMIT;"]
    script.write_text("\n".join(lines) + "\n")
    return script
