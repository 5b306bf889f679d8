"""The retail pack's 1M-row run in ``make bench``: pgseed against a one-session COPY.

pgseed: ``pgseed retail generate --full-new`` for 50 stores x 60 products over
2024 (1,018,100 sales_daily rows and as many inventory snapshots) into a fresh
database holding the retail schema and no rows. Ceiling: the same rows dumped
with ``COPY TO`` and reloaded by one ``psql`` session (``\\copy``, one
transaction) into another fresh database, indexes and keys in place.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any

from pgseed import embedded
from pgseed.packs.retail.models import TABLES
from pgseed.packs.retail.spec import MIGRATIONS

from . import db, measure

ARGS = ["--stores", "50", "--products", "60", "--start-date", "2024-01-01",
        "--end-date", "2024-12-31", "--seed", "42"]  # fmt: skip


def run(
    server: str,
    pid: int | None,
    runs: int,
    out: Path,
    repo: Path,
    against: tuple[str, Path] | None = None,
) -> dict[str, Any]:
    """Medians of ``runs`` rounds; ``against`` (name, src dir) adds pgseed as of another
    revision, run the same way in the same rounds."""
    walls: dict[str, list[dict[str, Any]]] = {"pgseed": [], "ceiling": []}
    if against is not None:
        walls[against[0]] = []
    script = None
    for i in range(runs):
        dsn = db.fresh(server, "bench_retail_test", MIGRATIONS)
        cmd = [sys.executable, "-m", "pgseed", "retail", "generate", "--full-new",
               "--database-url", dsn, *ARGS]  # fmt: skip
        m = measure.run(cmd, env={"APP_ENV": ""}, cwd=repo, server_pid=pid)
        n = db.row_counts(dsn, TABLES)
        walls["pgseed"].append({**m.as_dict(), "rows": sum(n.values()), "sales": n["sales_daily"]})
        if script is None:
            script = db.dump(dsn, out / "retail-dump", TABLES)
        if against is not None:
            dsn_a = db.fresh(server, "bench_retail_against_test", MIGRATIONS)
            cmd_a = [sys.executable, "-m", "pgseed", "retail", "generate", "--full-new",
                     "--database-url", dsn_a, *ARGS]  # fmt: skip
            env = {"APP_ENV": "", "PYTHONPATH": str(against[1])}
            m = measure.run(cmd_a, env=env, cwd=repo, server_pid=pid)
            n = db.row_counts(dsn_a, TABLES)
            walls[against[0]].append(
                {**m.as_dict(), "rows": sum(n.values()), "sales": n["sales_daily"]}
            )
        dsn_c = db.fresh(server, "bench_retail_ceiling_test", MIGRATIONS)
        psql = str(embedded.bin_path("psql"))
        m = measure.run(
            [psql, "-q", "-X", "-d", dsn_c, "-f", str(script)], cwd=repo, server_pid=pid
        )
        walls["ceiling"].append({**m.as_dict(), "rows": sum(db.row_counts(dsn_c, TABLES).values())})
        print(
            f"retail round {i + 1}/{runs}: pgseed {walls['pgseed'][-1]['wall']:.2f} s, "
            f"ceiling {walls['ceiling'][-1]['wall']:.2f} s",
            flush=True,
        )
    med = {}
    for who, rs in walls.items():
        by_wall = sorted(rs, key=lambda r: r["wall"])
        mid = by_wall[len(by_wall) // 2]
        med[who] = {**mid, "wall": statistics.median(r["wall"] for r in rs),
                    "walls": [round(r["wall"], 2) for r in rs]}  # fmt: skip
    for name in ("bench_retail_test", "bench_retail_ceiling_test", "bench_retail_against_test"):
        db.drop(server, name)
    return {"median": med, "ratio": med["pgseed"]["wall"] / med["ceiling"]["wall"]}


def _n(v: float | None, spec: str) -> str:
    # Server CPU is not measured on PGSEED_BENCH_DSN's server (its pid is unknown).
    return "n/a" if v is None else format(v, spec)


def table(r: dict[str, Any]) -> str:
    med = r["median"]
    lines = [
        "| retail 1M (50 stores x 60 products x 2024) | wall s (median) | rows/s | peak RSS MB | client CPU s | server CPU s | runs (wall s) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for who in med:
        m = med[who]
        lines.append(
            f"| {who} | {m['wall']:.2f} | {m['rows'] / m['wall']:,.0f} | {_n(m['peak_rss_mb'], '.0f')} | "
            f"{_n(m['client_cpu'], '.1f')} | {_n(m['server_cpu'], '.1f')} | {', '.join(map(str, m['walls']))} |"
        )
    lines += [
        "",
        f"- retail: {med['pgseed']['sales']:,} sales_daily rows and {med['pgseed']['rows']:,} rows "
        f"in all; pgseed / one-session COPY (wall): **{r['ratio']:.2f}**; target: under 30 s "
        f"(**{med['pgseed']['wall']:.1f} s**) and under 400 MB peak RSS "
        f"(**{med['pgseed']['peak_rss_mb']:.0f} MB**).",
    ]
    return "\n".join(lines)
