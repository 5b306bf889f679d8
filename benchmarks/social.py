"""``make bench-social``: ``pgseed social seed-all`` against a one-session COPY of its rows.

    python -m benchmarks.social [--sizes 1000x30,10000x90] [--runs 1] [--copy binary,text]

One embedded PostgreSQL 18 (benchmarks/out/home, or PGSEED_BENCH_DSN's server). Per size
and run, side by side:

1. pgseed: ``pgseed social seed-all --count N --activityDays D`` (profiles, activity and
   the seven jobs, one transaction) as a separate process: wall time, peak RSS, client CPU;
   once per COPY format of the narrow activity tables (``--copy``: each is the
   ``PGSEED_SOCIAL_COPY`` value the process runs with, named in the contender's row);
2. the same without the jobs (``--skipJobs``), to show what the jobs cost;
3. the ceiling: the rows of (1), dumped with ``COPY TO``, reloaded by one session with
   ``COPY FROM`` into an empty copy of the schema, in one transaction, indexes in place, FK
   triggers off: how fast this server ingests these rows at all, with no generating,
   simulating or deriving.

Issue 11's targets: 1,000 x 30 in under 20 s end to end, jobs included; 10,000 x 90 in
under 5 minutes with peak RSS under 1 GB. Ratios, not absolute seconds, carry between
machines. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

from . import db, measure
from .fill import _drop, _fresh, dump, reload

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out"
TARGETS = {(1000, 30): (20.0, None), (10_000, 90): (300.0, 1024.0)}


def _seed(
    dsn: str, count: int, days: int, pid: int | None, extra: list[str], copy: str
) -> measure.Measure:
    argv = [sys.executable, "-m", "pgseed", "social", "seed-all", "--database-url", dsn]
    args = ["--runSeed", "bench", "--count", str(count), "--activityDays", str(days), *extra]
    return measure.run([*argv, *args], server_pid=pid, env={"PGSEED_SOCIAL_COPY": copy})


def one_run(
    server: str, pid: int | None, count: int, days: int, where: Path, copies: list[str]
) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    name = "bench_social_test"
    tables: list[tuple[str, str, list[str]]] = []
    written = 0
    for copy in copies:
        lever = f"PGSEED_SOCIAL_COPY={copy} "
        dsn = _fresh(server, name)
        m = _seed(dsn, count, days, pid, [], copy)
        out[f"{lever}pgseed social seed-all"] = {
            "wall": m.wall,
            "rss": m.peak_rss_mb,
            "cpu": m.client_cpu,
        }
        if not tables:
            tables, written = dump(dsn, where)
        dsn = _fresh(server, name)
        m = _seed(dsn, count, days, pid, ["--skipJobs"], copy)
        out[f"{lever}pgseed social seed-all --skipJobs"] = {
            "wall": m.wall,
            "rss": m.peak_rss_mb,
            "cpu": m.client_cpu,
        }
    # The ceiling's schema: the same database emptied by reload() before it is timed.
    out["one-session COPY (ceiling)"] = {"wall": reload(dsn, where, tables), "rss": 0.0, "cpu": 0.0}
    _drop(server, name)
    out["rows"] = {"wall": float(written), "rss": 0.0, "cpu": 0.0}
    return out


def measure_size(
    server: str, pid: int | None, count: int, days: int, runs: int, copies: list[str]
) -> dict[str, Any]:
    """``runs`` rounds of ``one_run`` at one size: the medians per contender."""
    results = [one_run(server, pid, count, days, OUT / "social-dump", copies) for _ in range(runs)]
    names = [k for k in results[0] if k != "rows"]
    return {
        "count": count,
        "days": days,
        "runs": runs,
        "copies": copies,
        "rows": statistics.median(r["rows"]["wall"] for r in results),
        "median": {
            k: {f: statistics.median(r[k][f] for r in results) for f in ("wall", "rss", "cpu")}
            for k in names
        },
    }


def table(r: dict[str, Any]) -> str:
    """One size's side-by-side table and its targets (markdown)."""
    med, rows = r["median"], r["rows"]
    ceiling = med["one-session COPY (ceiling)"]["wall"]
    lines = [
        f"social {r['count']:,} profiles x {r['days']} days ({int(rows):,} rows), "
        f"medians of {r['runs']}:",
        "",
        "| contender | wall s | rows/s | / ceiling | peak RSS MB | client CPU s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for k, m in med.items():
        lines.append(
            f"| {k} | {m['wall']:.2f} | {rows / m['wall']:,.0f} | {m['wall'] / ceiling:.2f} | "
            f"{m['rss']:.0f} | {m['cpu']:.1f} |"
        )
    wall_target, rss_target = TARGETS.get((r["count"], r["days"]), (None, None))
    for copy in r["copies"]:
        full = med[f"PGSEED_SOCIAL_COPY={copy} pgseed social seed-all"]
        if wall_target is not None:
            verdict = "met" if full["wall"] < wall_target else "NOT met"
            lines.append(
                f"- {copy}: target under {wall_target:.0f} s end to end, jobs included: "
                f"**{full['wall']:.1f} s** ({verdict})"
            )
        if rss_target is not None:
            verdict = "met" if full["rss"] < rss_target else "NOT met"
            lines.append(
                f"- {copy}: target peak RSS under {rss_target:.0f} MB: "
                f"**{full['rss']:.0f} MB** ({verdict})"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.social", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--sizes", default="1000x30,10000x90", help="COUNTxDAYS, comma-separated")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument(
        "--copy",
        default="binary,text",
        help="PGSEED_SOCIAL_COPY values to run side by side, comma-separated (binary, text)",
    )
    args = ap.parse_args(argv)
    copies = [c.strip() for c in args.copy.split(",") if c.strip()]
    OUT.mkdir(parents=True, exist_ok=True)
    server, pid = db.server(OUT / "home")
    for count, days in sizes(args.sizes):
        print("\n" + table(measure_size(server, pid, count, days, args.runs, copies)), flush=True)
    return 0


def sizes(text: str) -> list[tuple[int, int]]:
    """``1000x30,10000x90`` -> [(1000, 30), (10000, 90)]."""
    out = []
    for size in text.split(","):
        count, days = (int(x) for x in size.lower().split("x"))
        out.append((count, days))
    return out


if __name__ == "__main__":
    sys.exit(main())
