"""Check every Genonaut rule against a database: a list of (rule, passed, detail).

Shares drawn at random (is_active, is_private) pass within 4 standard errors
plus one row; job status shares are built exactly, so they get a rounding
tolerance of 0.05 percentage points plus 1.5 rows per status.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass

import psycopg
from psycopg import sql

from . import generate as g
from .config import GenonautConfig
from .names import RESOLUTIONS, STYLES
from .vocab import DOMAIN_PROMPTS, GENERAL_PHRASES, TAG_POOL

Conn = psycopg.Connection[tuple[object, ...]]
Params = list[object] | dict[str, object] | None


@dataclass(frozen=True)
class Check:
    rule: str
    passed: bool
    detail: str


def _one(conn: Conn, query: str | sql.Composed, params: Params = None) -> int:
    row = conn.execute(query, params or []).fetchone()
    return int(str(row[0])) if row and row[0] is not None else 0


def _share_ok(observed: int, n: int, p: float) -> tuple[bool, str]:
    if n == 0:
        return True, "no rows"
    share = observed / n
    tol = 4 * math.sqrt(p * (1 - p) / n) + 1 / n
    return abs(share - p) <= tol, f"{share:.2%} (target {p:.1%} ± {tol:.2%}, n={n:,})"


def _ts(seconds: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class ZeroRule:
    """A rule that holds when ``query`` (a count of offending rows) returns 0."""

    rule: str
    query: str | sql.Composed
    params: Params = None


def _zero_rules(conn: Conn, rules: list[ZeroRule]) -> list[Check]:
    out = []
    for r in rules:
        bad = _one(conn, r.query, r.params)
        out.append(Check(r.rule, bad == 0, "ok" if bad == 0 else f"{bad:,} rows break it"))
    return out


def _tag_array_bad(col: sql.Composable, limit: int) -> sql.Composed:
    """Rows whose JSON array is not 0..limit distinct pool tags."""
    return sql.SQL(
        "jsonb_typeof({c}) IS DISTINCT FROM 'array' OR jsonb_array_length({c}) > {lim}"
        " OR (SELECT count(DISTINCT e) <> count(*) OR bool_or(e <> ALL(%(pool)s))"
        "     FROM jsonb_array_elements_text({c}) e)"
    ).format(c=col, lim=sql.Literal(limit))


POOL: dict[str, object] = {"pool": list(TAG_POOL)}


def check_users(conn: Conn, cfg: GenonautConfig, admin: uuid.UUID) -> list[Check]:
    lo, hi = map(_ts, cfg.range_utc)
    exists = _one(conn, "SELECT count(*) FROM users WHERE id = %s", [admin]) == 1
    n = _one(conn, "SELECT count(*) FROM users")
    active = _one(conn, "SELECT count(*) FROM users WHERE is_active AND id <> %s", [admin])
    ok, detail = _share_ok(active, n - 1, 0.99)
    prefs = sql.SQL(
        "SELECT count(*) FROM users WHERE preferences IS NULL"
        " OR (SELECT array_agg(k) FROM jsonb_object_keys(preferences) k) <> ARRAY['favorite_tags'] OR "
    ) + _tag_array_bad(sql.SQL("preferences->'favorite_tags'"), g.MAX_FAVORITE_TAGS)
    return [
        Check("users: admin user exists", exists, str(admin)),
        Check("users: is_active true for 99%", ok, detail),
        *_zero_rules(
            conn,
            [
                ZeroRule(
                    "users: created_at/updated_at in range, updated >= created",
                    "SELECT count(*) FROM users WHERE created_at < %s OR created_at > %s"
                    " OR updated_at < created_at OR updated_at > %s",
                    [lo, hi, hi],
                ),
                ZeroRule(
                    "users: preferences = {favorite_tags: 0-10 distinct pool tags}", prefs, POOL
                ),
                ZeroRule(
                    "users: usernames and emails fit and look right",
                    "SELECT count(*) FROM users WHERE length(username) > 50 OR length(email) > 255"
                    " OR email NOT LIKE '%%_@_%%'",
                ),
            ],
        ),
    ]


def _item_job_pairs(table: str) -> tuple[str, str]:
    """Each item's (creator, time, title) and its completed job's (user, time, prompt[:20])."""
    if table == "content_items":
        return (
            "(SELECT id, creator_id, created_at, title FROM content_items)",
            "(SELECT result_content_id, user_id, completed_at, left(prompt, 20) FROM generation_jobs"
            " WHERE status = 'completed' AND result_content_id IS NOT NULL)",
        )
    return (
        "(SELECT creator_id, created_at, title FROM content_items_auto)",
        "(SELECT user_id, completed_at, left(prompt, 20) FROM generation_jobs"
        " WHERE status = 'completed' AND result_content_id IS NULL)",
    )


def check_content(conn: Conn, cfg: GenonautConfig, admin: uuid.UUID, table: str) -> list[Check]:
    lo, hi = map(_ts, cfg.range_utc)

    def q(text: str) -> sql.Composed:
        return sql.SQL(text).format(t=sql.Identifier(table))

    n = _one(conn, q("SELECT count(*) FROM {t}"))
    k = _one(conn, q("SELECT count(*) FROM {t} WHERE creator_id = %s"), [admin])
    ok, detail = _share_ok(_one(conn, q("SELECT count(*) FROM {t} WHERE is_private")), n, 0.10)
    # The prefix is compared as text, not inside a pattern: images_dir may hold
    # backslashes, % or _ (C:\data\images), and a doubled slash only counts at the join.
    prefix = cfg.images_dir.rstrip("/") + "/"
    name = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.png$"
    items, jobs = _item_job_pairs(table)
    # Both multiset differences empty: a one-to-one match (hash set operations, no index needed).
    one_to_one = (
        f"SELECT (SELECT count(*) FROM ({items} EXCEPT ALL {jobs}) a)"
        f" + (SELECT count(*) FROM ({jobs} EXCEPT ALL {items}) b)"
    )
    want = cfg.admin_items_per_table
    return [
        Check(f"{table}: exactly {want} admin rows", k == want, f"{k}"),
        Check(f"{table}: is_private true for 10%", ok, detail),
        *_zero_rules(
            conn,
            [
                ZeroRule(
                    f"{table}: content_type = 'image'",
                    q("SELECT count(*) FROM {t} WHERE content_type <> 'image'"),
                ),
                ZeroRule(
                    f"{table}: content_data = {{images_dir}}/{{uuid}}.png",
                    q(
                        "SELECT count(*) FROM {t} WHERE NOT starts_with(content_data, %(p)s)"
                        " OR substr(content_data, length(%(p)s) + 1) !~ %(n)s"
                    ),
                    {"p": prefix, "n": name},
                ),
                ZeroRule(
                    f"{table}: item_metadata = {{style, resolution, tags}}, tags column the same",
                    q(
                        "SELECT count(*) FROM {t} WHERE item_metadata IS NULL"
                        " OR (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(item_metadata) k)"
                        " <> ARRAY['resolution', 'style', 'tags']"
                        " OR item_metadata->>'style' <> ALL(%s) OR item_metadata->>'resolution' <> ALL(%s)"
                        " OR item_metadata->'tags' IS DISTINCT FROM tags"
                    ),
                    [list(STYLES), list(RESOLUTIONS)],
                ),
                ZeroRule(
                    f"{table}: tags are 0-{g.MAX_TAGS} distinct pool tags",
                    q("SELECT count(*) FROM {t} WHERE ")
                    + _tag_array_bad(sql.Identifier("tags"), g.MAX_TAGS),
                    POOL,
                ),
                ZeroRule(
                    f"{table}: quality_score in [0, 1], two decimals",
                    q(
                        "SELECT count(*) FROM {t} WHERE quality_score IS NULL OR quality_score < 0"
                        " OR quality_score > 1 OR round(quality_score::numeric, 2) <> quality_score::numeric"
                    ),
                ),
                ZeroRule(
                    f"{table}: created_at in range, not before its creator's account",
                    q(
                        "SELECT count(*) FROM {t} c JOIN users u ON u.id = c.creator_id"
                        " WHERE c.created_at < %s OR c.created_at > %s"
                        " OR c.updated_at < c.created_at OR c.created_at < u.created_at"
                    ),
                    [lo, hi],
                ),
                ZeroRule(
                    f"{table}: one completed job per item (same user, prompt, time; title = prompt[:20])",
                    one_to_one,
                ),
            ],
        ),
    ]


STATUS_SHARES = {"completed": 0.98, "pending": 0.009, "canceled": 0.001, "error": 0.01}


def _status_check(conn: Conn) -> Check:
    counts: dict[str, int] = {
        str(s): int(str(c))
        for s, c in conn.execute("SELECT status, count(*) FROM generation_jobs GROUP BY 1")
    }
    n = sum(counts.values())
    unknown = set(counts) - set(STATUS_SHARES)
    parts, ok = [], not unknown and n > 0
    tol = 0.0005 + 1.5 / max(n, 1)
    for status, p in STATUS_SHARES.items():
        share = counts.get(status, 0) / n if n else 0.0
        ok = ok and abs(share - p) <= tol
        parts.append(f"{status} {share:.2%}")
    detail = ", ".join(parts) + (f"; unknown {sorted(unknown)}" if unknown else "")
    return Check(
        "generation_jobs: 98% completed, 0.9% pending, 0.1% canceled, 1% error", ok, detail
    )


def check_jobs(conn: Conn, cfg: GenonautConfig) -> list[Check]:
    lo, hi = map(_ts, cfg.range_utc)
    return [
        _status_check(conn),
        *_zero_rules(
            conn,
            [
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
            ],
        ),
        _check_prompts(conn, cfg),
    ]


def prompt_problem(prompt: str, domains: tuple[str, ...]) -> str | None:
    """Why ``prompt`` breaks the prompt rules, or None."""
    phrases = prompt.split(", ")
    if len(set(phrases)) != len(phrases):
        return "repeats a phrase"
    general = [p for p in phrases if p in _GENERAL]
    rest = [p for p in phrases if p not in _GENERAL]
    # A phrase in both lists may count for the domain; try every allowed domain.
    for d in domains:
        words = _DOMAIN_SETS[d]
        dom = [p for p in phrases if p in words]
        gen = [p for p in phrases if p not in words]
        if all(p in _GENERAL for p in gen) and 4 <= len(dom) <= 30 and len(gen) <= 10:
            return None
    return f"{len(rest)} domain + {len(general)} general phrases fit no allowed domain"


_GENERAL = frozenset(GENERAL_PHRASES)
_DOMAIN_SETS = {d: frozenset(v) for d, v in DOMAIN_PROMPTS.items()}


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


def verify(conn: Conn, cfg: GenonautConfig, admin: uuid.UUID) -> list[Check]:
    checks = check_users(conn, cfg, admin)
    for table in g.CONTENT_TABLES:
        checks += check_content(conn, cfg, admin, table)
    checks += check_jobs(conn, cfg)
    conn.rollback()
    return checks
