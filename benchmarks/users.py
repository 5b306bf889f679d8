"""Memory against the number of users (issue 8, kind 12), in ``make bench``.

``pgseed genonaut generate`` with the default items (20k + 100k and their jobs)
and 10,000 then 1,000,000 users, each into a fresh database. Before the change
that this section measures, the writer held every user and pickled the whole
list into every worker's context, about 0.4 kB per user per process; now users
are judged for conflicts in the database and each block's owners are looked up
there, so peak RSS should not grow with the user count.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pgseed.packs.genonaut.spec import MIGRATIONS

from . import db, measure

USERS = (10_000, 1_000_000)
TABLES = ("users", "content_items", "content_items_auto", "generation_jobs")


def run(server: str, pid: int | None, repo: Path, env: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for n in USERS:
        dsn = db.fresh(server, "bench_users_test", MIGRATIONS)
        cmd = [sys.executable, "-m", "pgseed", "genonaut", "generate", "--database-url", dsn,
               "--seed", "1", "--env-file", "/dev/null", "--target-rows-users", str(n)]  # fmt: skip
        m = measure.run(cmd, env=env, cwd=repo, server_pid=pid)
        counts = db.row_counts(dsn, TABLES)
        out.append({"users": n, **m.as_dict(), "rows": sum(counts.values()),
                    "user_rows": counts["users"]})  # fmt: skip
        print(f"users {n:,}: {m.wall:.2f} s, peak RSS {m.peak_rss_mb:.0f} MB", flush=True)
    db.drop(server, "bench_users_test")
    return out


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| users | rows in all | wall s | peak RSS MB | client CPU s | server CPU s |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        server = "n/a" if r["server_cpu"] is None else f"{r['server_cpu']:.1f}"
        lines.append(
            f"| {r['users']:,} | {r['rows']:,} | {r['wall']:.2f} | {r['peak_rss_mb']:.0f} | "
            f"{r['client_cpu']:.1f} | {server} |"
        )
    first, last = rows[0], rows[-1]
    per_user = (
        (last["peak_rss_mb"] - first["peak_rss_mb"]) * 1024 / (last["users"] - first["users"])
    )
    growth = (
        f"{per_user * 1024:.0f} bytes per extra user"
        if per_user * 1024 >= 1
        else "no growth beyond run-to-run noise"
    )
    lines += [
        "",
        f"- Peak RSS from {first['users']:,} to {last['users']:,} users: "
        f"**{first['peak_rss_mb']:.0f} MB to {last['peak_rss_mb']:.0f} MB** "
        f"({growth}, process tree of the writer and "
        "2 workers; the list of users that each process held before was about 400 bytes "
        "per user, per process).",
    ]
    return "\n".join(lines)
