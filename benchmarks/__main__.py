"""``make bench``: pgseed, the COPY ceiling and the naive ORM seeder, side by side.

    python -m benchmarks [--runs 3] [--scales 1,4,16] [--no-naive] [--write-docs]

All contenders run as separate processes against one embedded PostgreSQL 18
(started in benchmarks/out/, or PGSEED_BENCH_DSN's server), each into a fresh
database holding the Genonaut schema and no rows:

1. pgseed: ``pgseed genonaut generate`` for the default dataset (500 users,
   20k + 100k items, their jobs);
2. the ceiling: the same rows, dumped with COPY TO beforehand, reloaded by one
   psql session with \\copy ... FROM, in one transaction, indexes and keys in place;
3. naive: Faker + SQLAlchemy ORM ``add_all`` in batches of 2000 (benchmarks/naive.py).

Each is run ``--runs`` times; the table shows medians. Then pgseed alone runs at
each of ``--scales`` times the default size. Nothing here is a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from pgseed import embedded
from pgseed.packs.genonaut.spec import MIGRATIONS

from . import db, levers, measure

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out"
ADMIN = "121e194b-4caa-4b81-ad4f-86ca3919d5b9"
TABLES = ("users", "content_items", "content_items_auto", "generation_jobs")
BASE = {"users": 500, "content_items": 20_000, "content_items_auto": 100_000}


def fresh_db(server: str, name: str) -> str:
    return db.fresh(server, name, MIGRATIONS)


def row_counts(dsn: str) -> dict[str, int]:
    return db.row_counts(dsn, TABLES)


def pgseed_cmd(dsn: str, scale: int) -> list[str]:
    return [
        sys.executable, "-m", "pgseed", "genonaut", "generate", "--database-url", dsn,
        "--seed", "1", "--env-file", "/dev/null",
        "--target-rows-users", str(BASE["users"] * scale),
        "--target-rows-content-items", str(BASE["content_items"] * scale),
        "--target-rows-content-items-auto", str(BASE["content_items_auto"] * scale),
    ]  # fmt: skip


def dump(dsn: str, where: Path) -> Path:
    return db.dump(dsn, where, TABLES)


LEVERS = {
    "reload bulk text": lambda dsn, d: levers.reload_bulk(dsn, d, binary=False),
    "reload bulk binary": lambda dsn, d: levers.reload_bulk(dsn, d, binary=True),
    "reload 2 sessions": levers.reload_two_sessions,
}
PGSEED_LEVERS: dict[str, tuple[list[str], dict[str, str]]] = {
    "pgseed --no-bulk": (["--no-bulk"], {}),
    "pgseed queued writer": ([], {"PGSEED_COPY_WRITER": "queued"}),
    "pgseed 1 worker": (["--max-workers", "1"], {}),
    "pgseed 5x larger COPYs": (
        [
            "--batch-size-content-items", "10000", "--batch-size-content-items-auto", "10000",
            "--batch-size-generation-jobs", "25000",
        ],
        {},
    ),
}  # fmt: skip
CONTENDERS = ["pgseed", *PGSEED_LEVERS, "ceiling", "naive", *LEVERS]


def against(rev: str) -> tuple[str, Path]:
    """A checkout of ``rev`` (a git worktree in benchmarks/out) whose ``src`` a contender
    runs instead of this tree's: ``pgseed @rev``, the same command side by side."""
    import subprocess

    where = OUT / f"against-{rev}"
    if not where.exists():
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(where), rev],
            check=True,
            capture_output=True,
        )
    short = subprocess.run(
        ["git", "-C", str(where), "rev-parse", "--short", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"pgseed @{short}", where / "src"


ENV = {"DB_USER_ADMIN_UUID": ADMIN, "APP_ENV": ""}


def one_round(server: str, pid: int | None, scale: int, naive: bool, dumps: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    dsn = fresh_db(server, "bench_pgseed_test")
    m = measure.run(pgseed_cmd(dsn, scale), env=ENV, cwd=REPO, server_pid=pid)
    out["pgseed"] = {**m.as_dict(), "rows": sum(row_counts(dsn).values())}
    # client-side levers, each the same run with one thing changed
    for name, (extra, env) in PGSEED_LEVERS.items():
        dsn_l = fresh_db(server, "bench_nobulk_test")
        m = measure.run(
            [*pgseed_cmd(dsn_l, scale), *extra], env={**ENV, **env}, cwd=REPO, server_pid=pid
        )
        out[name] = {**m.as_dict(), "rows": sum(row_counts(dsn_l).values())}
    script = dumps / "reload.sql"
    if not script.exists():
        script = dump(dsn, dumps)
        levers.dump_binary(dsn, dumps)
    for name, fn in LEVERS.items():
        wall = fn(fresh_db(server, "bench_lever_test"), dumps)
        out[name] = {
            "wall": wall,
            "peak_rss_mb": None,
            "client_cpu": None,
            "server_cpu": None,
            "rows": out["pgseed"]["rows"],
        }
    dsn = fresh_db(server, "bench_ceiling_test")
    psql = str(embedded.bin_path("psql"))
    m = measure.run([psql, "-q", "-X", "-d", dsn, "-f", str(script)], cwd=REPO, server_pid=pid)
    out["ceiling"] = {**m.as_dict(), "rows": sum(row_counts(dsn).values())}
    if naive:
        dsn = fresh_db(server, "bench_naive_test")
        cmd = [
            sys.executable, "-m", "benchmarks.naive", "--database-url", dsn,
            "--users", str(BASE["users"] * scale), "--items", str(BASE["content_items"] * scale),
            "--items-auto", str(BASE["content_items_auto"] * scale),
        ]  # fmt: skip
        m = measure.run(cmd, env=ENV, cwd=REPO, server_pid=pid)
        out["naive"] = {**m.as_dict(), "rows": sum(row_counts(dsn).values())}
    return out


def median_of(rounds: list[dict[str, Any]], who: str) -> dict[str, Any]:
    rows = [r[who] for r in rounds if who in r]
    if not rows:
        return {}
    keys = ("wall", "peak_rss_mb", "client_cpu", "server_cpu")
    med = {
        k: statistics.median(r[k] for r in rows if r[k] is not None)
        if any(r[k] is not None for r in rows)
        else None
        for k in keys
    }
    med["rows"] = rows[0]["rows"]
    med["walls"] = [round(r["wall"], 2) for r in rows]
    return med


def machine(server: str) -> dict[str, Any]:
    with psycopg.connect(make_conninfo(server, dbname="postgres")) as c:
        version = str(c.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
        settings = {
            n: str(c.execute(f"SHOW {n}").fetchone()[0])
            for n in ("wal_level", "shared_buffers", "max_wal_size", "fsync")
        }  # type: ignore[index]
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(mem, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "postgres": version,
        "settings": settings,
    }


def fmt(v: float | None, spec: str) -> str:
    return "n/a" if v is None else format(v, spec)


def table(results: dict[str, Any], *, retail: bool = True) -> str:
    med = results["median"]
    lines = [
        "| contender | wall s (median) | rows/s | peak RSS MB | client CPU s | server CPU s | runs (wall s) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for who in CONTENDERS:
        m = med.get(who)
        if not m:
            continue
        lines.append(
            f"| {who} | {m['wall']:.2f} | {m['rows'] / m['wall']:,.0f} | {fmt(m['peak_rss_mb'], '.0f')} | "
            f"{fmt(m['client_cpu'], '.1f')} | {fmt(m['server_cpu'], '.1f')} | {', '.join(map(str, m['walls']))} |"
        )
    r = results["ratios"]
    lines.append("")
    lines.append(f"- pgseed / ceiling (wall): **{r['pgseed_over_ceiling']:.2f}** (target <= 0.80)")
    if r.get("naive_over_pgseed") is not None:
        lines.append(f"- naive / pgseed (wall): **{r['naive_over_pgseed']:.2f}** (target >= 8)")
    if results.get("scaling"):
        lines += [
            "",
            "| scale | rows | wall s | us/row | vs 1x | peak RSS MB |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        base = results["scaling"][0]["us_per_row"]
        for s in results["scaling"]:
            lines.append(
                f"| {s['scale']}x | {s['rows']:,} | {s['wall']:.2f} | {s['us_per_row']:.1f} | "
                f"{s['us_per_row'] / base:.2f} | {s['peak_rss_mb']:.0f} |"
            )
    if results.get("users"):
        from .users import table as users_table

        lines += ["", users_table(results["users"])]
    if retail and results.get("retail"):
        from .retail import table as retail_table

        lines += ["", retail_table(results["retail"])]
    if retail and results.get("social"):
        from .social import table as social_table

        for r in results["social"]:
            lines += ["", social_table(r)]
    return "\n".join(lines)


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sc = results["scaling"]
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=110)
    ax.plot(
        [s["rows"] for s in sc], [s["rows"] / s["wall"] for s in sc], marker="o", label="pgseed"
    )
    ceil = results["median"]["ceiling"]
    ax.axhline(
        ceil["rows"] / ceil["wall"], color="gray", linestyle="--", label="one-session COPY (1x)"
    )
    if results["median"].get("naive"):
        nv = results["median"]["naive"]
        ax.axhline(nv["rows"] / nv["wall"], color="red", linestyle=":", label="Faker + ORM (1x)")
    ax.set_xscale("log")
    ax.set_xticks([s["rows"] for s in sc], [f"{s['rows'] / 1e6:.2f}M ({s['scale']}x)" for s in sc])
    ax.minorticks_off()
    ax.set_xlabel("rows loaded (Genonaut default dataset times 1, 4, 16)")
    ax.set_ylabel("rows per second")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)


def main() -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--runs", type=int, default=3)
    p.add_argument(
        "--scales",
        default="1,4,16",
        help="comma-separated multiples of the default size ('' to skip)",
    )
    p.add_argument("--no-naive", action="store_true", help="skip the (slow) Faker + ORM baseline")
    p.add_argument("--no-retail", action="store_true", help="skip the retail 1M-row run")
    p.add_argument("--no-users", action="store_true", help="skip the 10k / 1M users memory run")
    p.add_argument("--no-social", action="store_true", help="skip the social pack's run")
    p.add_argument(
        "--social-sizes",
        default="1000x30",
        help="social COUNTxDAYS sizes, comma-separated (make bench-social has 10000x90 too)",
    )
    p.add_argument(
        "--write-docs", action="store_true", help="write docs/BENCHMARKS.md and the plot"
    )
    p.add_argument(
        "--against",
        metavar="REV",
        help="also run pgseed as of git revision REV, side by side (e.g. a release tag)",
    )
    p.add_argument(
        "--from-results",
        action="store_true",
        help="re-render the docs from benchmarks/out/results.json, measuring nothing",
    )
    args = p.parse_args()
    if args.from_results:
        from .report import write_docs

        saved = json.loads((OUT / "results.json").read_text())
        if saved.get("scaling"):
            plot(saved, REPO / "docs" / "bench-rows-per-s.png")
        write_docs(saved, table(saved, retail=False), REPO / "docs" / "BENCHMARKS.md")
        print("wrote docs/BENCHMARKS.md from benchmarks/out/results.json")
        return 0

    OUT.mkdir(parents=True, exist_ok=True)
    if args.against:
        name, src = against(args.against)
        PGSEED_LEVERS[name] = ([], {"PYTHONPATH": str(src)})
        CONTENDERS.insert(1, name)
    server, pid = db.server(OUT / "home")
    print(f"server: {server}", flush=True)
    dumps = OUT / "dump"
    for f in dumps.glob("*"):
        f.unlink()
    rounds = []
    started = time.perf_counter()
    for i in range(args.runs):
        r = one_round(server, pid, 1, not args.no_naive, dumps)
        rounds.append(r)
        print(
            f"round {i + 1}/{args.runs}: "
            + ", ".join(f"{k} {v['wall']:.2f} s" for k, v in r.items()),
            flush=True,
        )
    med = {who: median_of(rounds, who) for who in CONTENDERS}
    ratios = {"pgseed_over_ceiling": med["pgseed"]["wall"] / med["ceiling"]["wall"]}
    if med["naive"]:
        ratios["naive_over_pgseed"] = med["naive"]["wall"] / med["pgseed"]["wall"]
    scaling = []
    for s in [int(x) for x in args.scales.split(",") if x.strip()]:
        if s == 1:
            m = med["pgseed"]
            scaling.append(
                {"scale": 1, "rows": m["rows"], "wall": m["wall"], "peak_rss_mb": m["peak_rss_mb"]}
            )
        else:
            dsn = fresh_db(server, "bench_scale_test")
            mm = measure.run(pgseed_cmd(dsn, s), env=ENV, cwd=REPO, server_pid=pid)
            scaling.append(
                {
                    "scale": s,
                    "rows": sum(row_counts(dsn).values()),
                    "wall": mm.wall,
                    "peak_rss_mb": mm.peak_rss_mb,
                }
            )
            print(f"scale {s}x: {mm.wall:.2f} s, peak RSS {mm.peak_rss_mb:.0f} MB", flush=True)
    for s in scaling:
        s["us_per_row"] = s["wall"] / s["rows"] * 1e6
    retail_results = None
    if not args.no_retail:
        from . import retail

        retail_results = retail.run(
            server, pid, args.runs, OUT, REPO, against(args.against) if args.against else None
        )
    users_results = None
    if not args.no_users:
        from . import users

        users_results = users.run(server, pid, REPO, ENV)
    social_results = None
    if not args.no_social:
        from . import social

        social_results = [
            social.measure_size(server, pid, count, days, args.runs, ["binary", "text"])
            for count, days in social.sizes(args.social_sizes)
        ]
    results = {
        "users": users_results,
        "social": social_results,
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(server),
        "rounds": rounds,
        "median": med,
        "ratios": ratios,
        "scaling": scaling,
        "retail": retail_results,
        "seconds": time.perf_counter() - started,
        "against": args.against,
    }
    (OUT / "results.json").write_text(json.dumps(results, indent=2, default=str))
    text = table(results)
    print()
    print(text)
    if args.write_docs:
        from .report import write_docs

        if scaling:
            plot(results, REPO / "docs" / "bench-rows-per-s.png")
        write_docs(results, table(results, retail=False), REPO / "docs" / "BENCHMARKS.md")
        print("\nwrote docs/BENCHMARKS.md")
    for name in (
        "bench_lever_test",
        "bench_pgseed_test",
        "bench_nobulk_test",
        "bench_ceiling_test",
        "bench_naive_test",
        "bench_scale_test",
        "bench_users_test",
    ):
        db.drop(server, name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
