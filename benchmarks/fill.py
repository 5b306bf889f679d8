"""``make bench-fill``: ``pgseed fill`` on a real schema against a one-session COPY of the same rows.

    python -m benchmarks.fill [--app mlflow] [--rows 10000] [--runs 3]

One embedded PostgreSQL 18 (benchmarks/out/home, or PGSEED_BENCH_DSN's server). Per run:

1. a fresh database holding the app's real schema (``benchmarks/corpus``: the app's own
   pinned package creates it), the template of every contender's database;
2. pgseed: ``pgseed fill --rows N --seed 1`` as a separate process (wall time, peak RSS),
   then its levers (``CONTENDERS``: one worker process; one COPY per block; binary COPY),
   each into its own copy;
3. the ceiling: pgseed's rows, dumped with ``COPY TO`` beforehand, reloaded into the
   schema copy by one session with ``COPY FROM``, in one transaction, parents first,
   indexes in place and FK triggers off (``session_replication_role = replica``): how
   fast this server ingests these rows at all, with no checking a valid load needs.

Medians of ``--runs``; ratios, not absolute seconds, are what carry between machines.
Default app: pretix, the corpus's largest schema (155 tables, 317 FKs). Nothing here is a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from pgseed.anyschema.graph import load_order
from pgseed.anyschema.reflect import reflect

from . import db, measure
from .corpus.create import create
from .corpus.registry import APPS

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out"


def _drop(server: str, name: str) -> None:
    with psycopg.connect(make_conninfo(server, dbname="postgres"), autocommit=True) as c:
        c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _fresh(server: str, name: str, template: str | None = None) -> str:
    _drop(server, name)
    with psycopg.connect(make_conninfo(server, dbname="postgres"), autocommit=True) as c:
        c.execute(
            sql.SQL("CREATE DATABASE {}{}").format(
                sql.Identifier(name),
                sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
                if template
                else sql.SQL(""),
            )
        )
    return make_conninfo(server, dbname=name)


def _tables(dsn: str) -> list[tuple[str, str, list[str]]]:
    """(schema, table, written columns) parents first, as pgseed loads them."""
    with psycopg.connect(dsn) as c:
        schema = reflect(c)
    order = load_order(schema.tables)
    out = []
    for key in order.tables:
        t = schema.tables[key]
        out.append((t.schema, t.name, [col.name for col in t.columns if not col.generated]))
    return out


def dump(dsn: str, where: Path) -> tuple[list[tuple[str, str, list[str]]], int]:
    where.mkdir(parents=True, exist_ok=True)
    tables = _tables(dsn)
    rows = 0
    with psycopg.connect(dsn) as c, c.cursor() as cur:
        for schema, name, cols in tables:
            q = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT").format(
                sql.SQL(", ").join(map(sql.Identifier, cols)), sql.Identifier(schema, name)
            )
            with (where / f"{schema}.{name}.copy").open("wb") as f, cur.copy(q) as cp:
                for chunk in cp:
                    f.write(chunk)
            n = c.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, name))
            ).fetchone()
            rows += int(str(n[0])) if n else 0
    return tables, rows


def reload(dsn: str, where: Path, tables: list[tuple[str, str, list[str]]]) -> float:
    """The ceiling: one session, one transaction, COPY FROM each dump; its wall time.
    The rows the app itself wrote when it created its schema are in the dump too, so the
    tables are emptied first (not timed)."""
    with psycopg.connect(dsn) as c:
        c.execute(
            sql.SQL("TRUNCATE {} CASCADE").format(
                sql.SQL(", ").join(sql.Identifier(s, n) for s, n, _ in tables)
            )
        )
    started = time.perf_counter()
    with psycopg.connect(dsn) as c, c.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        for schema, name, cols in tables:
            q = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(schema, name), sql.SQL(", ").join(map(sql.Identifier, cols))
            )
            with (where / f"{schema}.{name}.copy").open("rb") as f, cur.copy(q) as cp:
                while chunk := f.read(1 << 20):
                    cp.write(chunk)
        c.commit()
    return time.perf_counter() - started


CONTENDERS: dict[str, tuple[list[str], dict[str, str]]] = {
    "pgseed fill": ([], {}),
    "pgseed fill --max-workers 1": (["--max-workers", "1"], {}),
    "pgseed fill, one COPY per block": ([], {"PGSEED_FILL_COPY": "block"}),
    "pgseed fill, binary COPY": ([], {"PGSEED_FILL_COPY": "binary"}),
}
"""pgseed as shipped, and its levers: no worker processes; one COPY per block instead
of one streaming COPY per table; binary COPY where the types allow (one COPY per
block). See ``anyschema/run.py`` STREAM_COPY and BINARY_COPY."""


def one_run(
    server: str, pid: int | None, app: str, rows: int, where: Path
) -> dict[str, dict[str, float]]:
    """Every contender into its own copy of one freshly created schema, then the ceiling."""
    base = f"bench_fill_{app}_test"
    template = f"bench_fill_{app}_template"
    create(APPS[app], _fresh(server, template))
    out: dict[str, dict[str, float]] = {}
    written = 0
    for name, (extra, env) in CONTENDERS.items():
        dsn = _fresh(server, base, template=template)
        argv = [sys.executable, "-m", "pgseed", "fill", "--database-url", dsn]
        m = measure.run(
            [*argv, "--rows", str(rows), "--seed", "1", *extra], env=env, server_pid=pid
        )
        out[name] = {"wall": m.wall, "rss": m.peak_rss_mb}
        if name == "pgseed fill":
            tables, written = dump(dsn, where)
    ceiling_dsn = _fresh(server, f"bench_fill_{app}_ceiling_test", template=template)
    out["one-session COPY (ceiling)"] = {"wall": reload(ceiling_dsn, where, tables), "rss": 0.0}
    for name in (base, template, f"bench_fill_{app}_ceiling_test"):
        _drop(server, name)
    out["rows"] = {"wall": float(written), "rss": 0.0}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.fill", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--app", default="pretix", choices=sorted(APPS))
    ap.add_argument("--rows", type=int, default=10_000, help="rows per table (pgseed fill --rows)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    server, pid = db.server(OUT / "home")
    results = []
    for i in range(args.runs):
        r = one_run(server, pid, args.app, args.rows, OUT / "fill-dump")
        results.append(r)
        walls = ", ".join(f"{k} {v['wall']:.2f} s" for k, v in r.items() if k != "rows")
        print(f"run {i + 1}: {int(r['rows']['wall']):,} rows; {walls}", flush=True)
    names = [k for k in results[0] if k != "rows"]
    med = {k: statistics.median(r[k]["wall"] for r in results) for k in names}
    rss = {k: statistics.median(r[k]["rss"] for r in results) for k in names}
    rows = statistics.median(r["rows"]["wall"] for r in results)
    ceiling = med["one-session COPY (ceiling)"]
    print(
        f"\n{args.app}, {APPS[args.app].tables} tables, --rows {args.rows} ({int(rows):,} rows), "
        f"medians of {args.runs}, side by side in each run:"
    )
    print("| contender | wall s | rows/s | / ceiling | peak RSS MB |\n|---|---:|---:|---:|---:|")
    for k in names:
        print(
            f"| {k} | {med[k]:.2f} | {rows / med[k]:,.0f} | {med[k] / ceiling:.2f} | {rss[k]:.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
