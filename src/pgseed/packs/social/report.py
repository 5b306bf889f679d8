"""``pgseed social report --out DIR``: five pictures of the social data and a page that
shows them with a caption each and a table of the numbers behind them.

Every aggregate is computed by PostgreSQL (:mod:`.report_queries`), the pictures are drawn from
those few rows (:mod:`.report_pictures`), and the files are written all or nothing
(:class:`~pgseed.files.FileSet`). What cannot be drawn is refused before any file is
touched, with the exit code of :mod:`pgseed.errors`:

- ``--out`` that is (or lies below) a file, or a broken symbolic link: ConfigError, exit 2;
- ``run_seed`` that names no profile run in the database: ConfigError, exit 2;
- a database without the social tables: SchemaMismatchError, exit 4;
- no users, or users without any activity, to draw: PgseedError, exit 1.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from psycopg.pq import TransactionStatus

from ...errors import ConfigError, PgseedError, SchemaMismatchError
from ...files import FileSet
from ...pg import Conn
from . import report_pictures as pictures
from . import report_queries as queries
from .report_queries import KINDS, Stats

__all__ = ["report"]

# The tables the report reads: all must be there, empty or not.
READS = ("User", "Profile", "Post", "Like", "Match", "Conversation", "Message", "FeedSeen",
         "ProfileView", "SeedRun")  # fmt: skip
FIX_SEED = "run `pgseed social seed-all` (or seed-profiles, then seed-activity) first"


def check_out(out: Path) -> None:
    """Refuse an ``--out`` that can never be a directory (ConfigError, exit 2), before
    the database is read: what FileSet would only meet as an OSError halfway."""
    fix = "Fix: choose a directory for --out (it is created when missing)."
    if out.is_symlink() and not out.exists():
        raise ConfigError(f"--out {out} is a broken symbolic link.\n{fix}")
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} exists and is not a directory.\n{fix}")
    parent = out.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise ConfigError(f"--out {out} cannot be made: {parent} is not a directory.\n{fix}")


def _check_tables(conn: Conn) -> None:
    missing = [
        t for t in READS if conn.execute("SELECT to_regclass(%s)", [f'"{t}"']).fetchone() == (None,)
    ]
    if missing:
        db = conn.info.dbname
        names = ", ".join(f'"{t}"' for t in missing)
        raise SchemaMismatchError(
            f"database {db} has no social tables to draw ({names} missing).\n"
            f"Fix: point --database-url at a social database, or {FIX_SEED}."
        )


def _run_ranges(conn: Conn, run_seed: str) -> list[tuple[int, int]]:
    """The user ids (inclusive ranges) the profile phases of ``run_seed`` made."""
    rows = conn.execute(
        """SELECT (config->>'first_user_id')::bigint, (config->>'last_user_id')::bigint
           FROM "SeedRun" WHERE kind = 'profiles' AND "runSeed" = %s ORDER BY id""",
        [run_seed],
    ).fetchall()
    ranges = [(int(str(lo)), int(str(hi))) for lo, hi in rows if lo is not None and hi is not None]
    if not ranges:
        known = [
            str(r[0])
            for r in conn.execute(
                """SELECT DISTINCT "runSeed" FROM "SeedRun" WHERE kind = 'profiles' ORDER BY 1"""
            ).fetchall()
        ]
        runs = f"its runs: {', '.join(map(repr, known))}" if known else "it records no run"
        raise ConfigError(
            f"no profile run with seed {run_seed!r} in database {conn.info.dbname} ({runs}).\n"
            "Fix: pass one of its runs' seeds to --runSeed, or leave --runSeed out to draw "
            "every user."
        )
    return ranges


def _stats(conn: Conn, run_seed: str | None) -> tuple[Stats, str]:
    """The numbers, or a refusal when there is nothing to draw; and the scope's name."""
    _check_tables(conn)
    ranges = None if run_seed is None else _run_ranges(conn, run_seed)
    scope = (
        "every user"
        if ranges is None
        else f"run {run_seed}, users " + ", ".join(f"{lo:,}..{hi:,}" for lo, hi in ranges)
    )
    params = queries.scope_params(ranges)
    stats = Stats()
    stats.users, stats.unplaced = queries.people_counts(conn, params)
    where = f"in database {conn.info.dbname}" + ("" if run_seed is None else f" for {scope}")
    if not stats.users:
        raise PgseedError(f"no social users to draw {where}.\nFix: {FIX_SEED}.")
    queries.rhythm(conn, params, stats)
    if not any(stats.daily.values()):
        again = "" if run_seed is None else f" --runSeed {run_seed}"
        raise PgseedError(
            f"no activity to draw {where}: {stats.users:,} users, and no posts, likes, "
            f"matches, messages or feed views.\nFix: run `pgseed social seed-activity{again}` "
            "first."
        )
    queries.funnel(conn, params, stats)
    queries.likes_received(conn, params, stats)
    queries.pairs(conn, params, stats)
    return stats, scope


def _share(n: float, of: float) -> str:
    return f"{n / of:.1%}" if of else "n/a"


def _numbers(stats: Stats, scope: str) -> list[tuple[str, str]]:
    days = sorted({d for per in stats.daily.values() for d in per})
    hours = [sum(stats.hourly[k][h] for k in KINDS) for h in range(24)]
    week = [sum(stats.weekly[k][d] for k in KINDS) for d in range(7)]
    events = sum(hours)
    convs = sum(n for _, n in stats.messages)
    sent = sum(k * n for k, n in stats.messages)
    rows = [
        ("scope", scope),
        ("users", f"{stats.users:,}"),
        ("users without a known city (times in UTC)", f"{stats.unplaced:,}"),
        ("local dates", f"{days[0]} .. {days[-1]} ({(days[-1] - days[0]).days + 1} days)"),
        *((kind, f"{stats.total(kind):,}") for kind in KINDS),
        ("peak hour (local)", f"{hours.index(max(hours))} h ({_share(max(hours), events)})"),
        ("busiest day of week (local)", pictures.WEEKDAYS[week.index(max(week))]),
        ("Gini coefficient of likes received", "n/a" if stats.gini is None else f"{stats.gini:.6f}"),
        ("likes to the most liked 10 % of users",
         "n/a" if stats.top_decile is None else f"{stats.top_decile:.1%}"),
        ("mean messages per conversation", f"{sent / convs:.2f}" if convs else "n/a"),
        ("matches without a conversation", f"{stats.matches_without_conversation:,}"),
        ("median distance of matched pairs",
         "n/a" if stats.distance_median is None else f"{stats.distance_median:,.1f} km"),
        ("matched pairs without coordinates", f"{stats.unlocated_pairs:,}"),
        ("median age gap of matched pairs",
         "n/a" if stats.age_gap_median is None else f"{stats.age_gap_median:g} years"),
        ("matched pairs without birthdates", f"{stats.undated_pairs:,}"),
    ]  # fmt: skip
    return rows


def _page(stats: Stats, scope: str, images: Sequence[str]) -> str:
    e = html.escape
    numbers = "".join(f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in _numbers(stats, scope))
    steps = "".join(
        f"<tr><td>{e(name)}</td><td>{n:,}</td>"
        f"<td>{'' if i == 0 else _share(n, stats.funnel[i - 1][1])}</td></tr>"
        for i, (name, n) in enumerate(stats.funnel)
    )
    figures = "".join(
        f'<figure><img src="{e(name)}" alt="{e(name)}"><figcaption>'
        f"{e(pictures.CAPTIONS[name])}</figcaption></figure>"
        for name in images
    )
    style = (
        "body{font-family:sans-serif;max-width:1240px;margin:2em auto;color:#222}td+td{text-align:right}"
        "table{border-collapse:collapse;margin:0 2em 1em 0;display:inline-table;vertical-align:top}"
        "td,th{border:1px solid #ccc;padding:3px 10px}img{max-width:100%;border:1px solid #ddd}"
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>pgseed social report</title><style>{style}</style></head><body>"
        "<h1>pgseed social report</h1>"
        f'<table id="numbers"><tr><th>number</th><th></th></tr>{numbers}</table>'
        '<table id="funnel"><tr><th>funnel step</th><th>count</th><th>of previous</th></tr>'
        f"{steps}</table>{figures}</body></html>\n"
    )


def report(conn: Conn, out: Path, run_seed: str | None = None) -> list[Path]:
    """Write the PNG files and ``out/index.html`` (all or nothing) for every user, or for
    the users of the run ``run_seed``; return the paths written, index.html last."""
    out = Path(out)
    check_out(out)
    import matplotlib

    matplotlib.use("Agg")
    # One snapshot for every query, so the pictures agree with the table even while a
    # run writes; only when the transaction is ours to start (and to end).
    own = not conn.autocommit and conn.info.transaction_status == TransactionStatus.IDLE
    if own:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        stats, scope = _stats(conn, run_seed)
        # All or nothing: a failed picture, a full disk or a signal leaves no half-drawn
        # report, and an earlier report in the directory as it was.
        with FileSet(out, what="the report", alternative="choose another --out") as files:
            images = [draw(stats, files) for draw in pictures.PICTURES]
            files.open("index.html").write(_page(stats, scope, images))
    finally:
        if own:
            conn.rollback()
    return [out / name for name in (*images, "index.html")]
