"""generation_jobs: statuses, timings, the constant columns, and the prompts.

Job status counts are built exactly (generate.extra_job_counts), so the shares get
only a rounding tolerance of 0.05 percentage points plus 1.5 rows per status, and
the counts themselves must equal the plan of the runs the tables hold.
"""

from __future__ import annotations

import uuid

from .... import checks as c
from ....checks import Check, ZeroRule
from ....pg import Conn
from .. import generate as g
from ..config import GenonautConfig
from ..vocab import DOMAIN_PROMPTS, GENERAL_PHRASES
from .common import Runs, ts

STATUS_SHARES = {"completed": 0.98, "pending": 0.009, "canceled": 0.001, "error": 0.01}
# generate._job_start(): log-normal(3.4, 0.8) seconds, median e^3.4 = 30 s. Far wider
# than its sampling error (about 1 s at 3,000 jobs), narrow enough to catch a unit slip.
MEDIAN_SECONDS = (20.0, 45.0)
MIN_JOBS_FOR_MEDIAN = 100


def _status_counts(conn: Conn) -> dict[str, int]:
    return {
        str(s): int(str(n))
        for s, n in conn.execute("SELECT status, count(*) FROM generation_jobs GROUP BY 1")
    }


def _status_check(counts: dict[str, int]) -> Check:
    n = sum(counts.values())
    unknown = set(counts) - set(STATUS_SHARES)
    parts, ok = [], not unknown  # no jobs at all (no items asked for) is no breach
    tol = 0.0005 + 1.5 / max(n, 1)
    for status, p in STATUS_SHARES.items():
        share = counts.get(status, 0) / n if n else 0.0
        ok = ok and abs(share - p) <= tol
        parts.append(f"{status} {share:.2%}")
    detail = ", ".join(parts) + (f"; unknown {sorted(unknown)}" if unknown else "")
    return Check(
        "generation_jobs: 98% completed, 0.9% pending, 0.1% canceled, 1% error", ok, detail
    )


def _status_plan(counts: dict[str, int], cfg: GenonautConfig, runs: Runs) -> Check:
    """Each run adds one completed job per item and round(items x share / 98) others."""
    rule = "generation_jobs: status counts exactly as planned per run (round(items x share / 98))"
    if runs.k is None:
        return Check(rule, False, runs.detail)
    items = sum(cfg.target(t) for t in g.CONTENT_TABLES)
    want = {"completed": runs.k * items}
    want.update({s: runs.k * n for s, n in g.extra_job_counts(items).items()})
    got = {s: counts.get(s, 0) for s in set(want) | set(counts)}
    off = {s: n for s, n in got.items() if n != want.get(s, 0)}
    detail = ", ".join(f"{s} {got[s]:,} (planned {want.get(s, 0):,})" for s in sorted(got))
    return Check(rule, not off, detail)


def _median_check(conn: Conn, lo: str) -> Check:
    """Judged on the jobs whose start the range could not have cut: a job's created_at
    is never before the range's start or its user's account, so only jobs completed at
    least an hour (the longest duration) after both show the drawn durations."""
    rule = "generation_jobs: a job takes a median of about 30 s (created_at to completed_at)"
    row = conn.execute(
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM"
        " j.completed_at - j.created_at)), count(*) FROM generation_jobs j"
        " JOIN users u ON u.id = j.user_id WHERE j.completed_at IS NOT NULL"
        " AND j.completed_at >= greatest(%s::timestamp, u.created_at) + interval '1 hour'",
        [lo],
    ).fetchone()
    n = int(str(row[1])) if row else 0
    if n < MIN_JOBS_FOR_MEDIAN or row is None:
        return Check(rule, True, f"only {n} jobs free of the range's start: not judged")
    median = float(str(row[0]))
    lo_s, hi_s = MEDIAN_SECONDS
    return Check(
        rule, lo_s <= median <= hi_s, f"{median:.1f} s (expected {lo_s:.0f}-{hi_s:.0f} s, n={n:,})"
    )


def check_jobs(conn: Conn, cfg: GenonautConfig, admin: uuid.UUID, runs: Runs) -> list[Check]:
    lo, hi = map(ts, cfg.range_utc)
    counts = _status_counts(conn)
    return [
        _status_check(counts),
        _status_plan(counts, cfg, runs),
        *c.zeros(
            conn,
            [
                ZeroRule(
                    "FK generation_jobs.user_id -> users.id",
                    "SELECT count(*) FROM generation_jobs j LEFT JOIN users u ON u.id = j.user_id"
                    " WHERE u.id IS NULL",
                ),
                ZeroRule(
                    "FK generation_jobs.result_content_id -> content_items.id",
                    "SELECT count(*) FROM generation_jobs j LEFT JOIN content_items i"
                    " ON i.id = j.result_content_id WHERE j.result_content_id IS NOT NULL"
                    " AND i.id IS NULL",
                ),
                ZeroRule(
                    "generation_jobs: completed_at NULL exactly for pending jobs",
                    "SELECT count(*) FROM generation_jobs WHERE (completed_at IS NULL) <> (status = 'pending')",
                ),
                ZeroRule(
                    "generation_jobs: created_at in range, at or shortly before completed_at",
                    "SELECT count(*) FROM generation_jobs WHERE created_at < %s OR created_at > %s"
                    " OR completed_at < %s OR completed_at > %s"
                    " OR completed_at < created_at OR completed_at > created_at + interval '1 hour'"
                    " OR updated_at <> coalesce(completed_at, created_at)",
                    [lo, hi, lo, hi],
                ),
                ZeroRule(
                    "generation_jobs: started_at/error_message NULL, parameters {}",
                    "SELECT count(*) FROM generation_jobs WHERE started_at IS NOT NULL"
                    " OR error_message IS NOT NULL OR parameters IS DISTINCT FROM '{}'::jsonb OR job_type <> %s",
                    [g.JOB_TYPE],
                ),
                ZeroRule(
                    "generation_jobs: only completed jobs point at a content item",
                    "SELECT count(*) FROM generation_jobs WHERE result_content_id IS NOT NULL AND status <> 'completed'",
                ),
                ZeroRule(
                    "generation_jobs: no job predates its user's account",
                    "SELECT count(*) FROM generation_jobs j JOIN users u ON u.id = j.user_id"
                    " WHERE j.created_at < u.created_at",
                ),
                ZeroRule(
                    "generation_jobs: pending, canceled and error jobs belong to non-admin users",
                    "SELECT count(*) FROM generation_jobs WHERE status <> 'completed' AND user_id = %s",
                    [admin],
                ),
            ],
        ),
        _median_check(conn, lo),
        _check_prompts(conn, cfg),
    ]


def prompt_problem(prompt: str, domains: tuple[str, ...]) -> str | None:
    """Why ``prompt`` breaks the prompt rules, or None."""
    phrases = prompt.split(", ")
    # generate.prompts() leaves out a general phrase its domain list also holds, in any case.
    if len({p.lower() for p in phrases}) != len(phrases):
        return "repeats a phrase"
    general = [p for p in phrases if p in _GENERAL]
    rest = [p for p in phrases if p not in _GENERAL]
    # Every phrase that is not a general one must come from the prompt's domain: only
    # the domains holding all of them are candidates (a few, not 30, per prompt).
    candidates = set(domains)
    for p in rest:
        candidates &= _PHRASE_DOMAINS.get(p, frozenset())
    # A phrase in both lists may count for the domain; try every candidate domain.
    for d in domains:
        if d not in candidates:
            continue
        words = _DOMAIN_SETS[d]
        dom = [p for p in phrases if p in words]
        gen = [p for p in phrases if p not in words]
        if all(p in _GENERAL for p in gen) and 4 <= len(dom) <= 30 and len(gen) <= 10:
            return None
    return f"{len(rest)} domain + {len(general)} general phrases fit no allowed domain"


_GENERAL = frozenset(GENERAL_PHRASES)
_DOMAIN_SETS = {d: frozenset(v) for d, v in DOMAIN_PROMPTS.items()}
_PHRASE_DOMAINS: dict[str, frozenset[str]] = {
    p: frozenset(d for d, words in _DOMAIN_SETS.items() if p in words)
    for words in _DOMAIN_SETS.values()
    for p in words
}


def _check_prompts(conn: Conn, cfg: GenonautConfig) -> Check:
    bad, n, example = 0, 0, ""
    with conn.cursor(name="pgseed_prompts") as cur:
        cur.itersize = 5000
        cur.execute("SELECT prompt FROM generation_jobs")
        for (prompt,) in cur:
            n += 1
            why = prompt_problem(str(prompt), cfg.domains)
            if why:
                bad += 1
                example = example or f" e.g. {str(prompt)[:60]!r}: {why}"
    return Check(
        "prompts: one domain, 4-30 domain + 0-10 general distinct phrases",
        bad == 0,
        f"{n:,} checked" if not bad else f"{bad:,} bad{example}",
    )
