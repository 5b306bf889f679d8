"""Vectorised block generators for the Genonaut tables.

A block is ``BLOCK_ROWS`` consecutive rows of one table (the last may be
shorter). Block ``b`` of table ``t`` draws every value from
``rng.stream(seed, t, ..., b)``, so the rows never depend on batch sizes or
worker counts. Generators return encoded columns (lists of COPY field text) so
samples can be shown and bytes compared; ``encode.encode_rows`` escapes them and
makes the bytes (config text such as ``images_dir`` included).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ... import encode as enc
from ...rng import stream
from .names import EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, RESOLUTIONS, SEPARATORS, STYLES
from .vocab import DOMAIN_PROMPTS, GENERAL_PHRASES, TAG_POOL

# Fixed block size: part of the determinism contract (changing it changes the data
# a seed produces), deliberately independent of --batch-size-* and --max-workers.
BLOCK_ROWS = 1000

CONTENT_TABLES = ("content_items", "content_items_auto")
JOB_TYPE = "image_generation"
STATUS_SHARES = (("pending", 0.9), ("canceled", 0.1), ("error", 1.0))  # % of all jobs
COMPLETED_SHARE = 98.0

USER_COLUMNS = ("id", "username", "email", "created_at", "updated_at", "preferences", "is_active")
CONTENT_COLUMNS = (
    "id", "title", "content_type", "content_data", "item_metadata", "creator_id",
    "created_at", "updated_at", "tags", "quality_score", "is_private",
)  # fmt: skip
JOB_COLUMNS = (
    "user_id", "job_type", "prompt", "parameters", "status", "result_content_id",
    "created_at", "updated_at", "started_at", "completed_at", "error_message",
)  # fmt: skip

Columns = dict[str, Sequence[enc.Field]]

_TAG_JSON = [json.dumps(t, ensure_ascii=False) for t in TAG_POOL]
MAX_TAGS = min(200, len(TAG_POOL))
MAX_FAVORITE_TAGS = 10


def n_blocks(rows: int) -> int:
    return (rows + BLOCK_ROWS - 1) // BLOCK_ROWS


def block_bounds(block: int, rows: int) -> tuple[int, int]:
    lo = block * BLOCK_ROWS
    return lo, min(lo + BLOCK_ROWS, rows)


def _tag_lists(rng: np.random.Generator, counts: np.ndarray) -> list[str]:
    """JSON arrays of ``counts[i]`` distinct tags each, in random order."""
    n = len(counts)
    order = np.argsort(rng.random((n, len(TAG_POOL))), axis=1)
    out = []
    for i, k in enumerate(counts.tolist()):
        out.append("[" + ", ".join(_TAG_JSON[j] for j in order[i, :k].tolist()) + "]")
    return out


# -- users ---------------------------------------------------------------------


def users_block(seed: int, block: int, attempt: int, n: int, lo: int, hi: int) -> Columns:
    """``n`` candidate users; ``attempt`` > 0 draws replacements for dropped rows."""
    rng = stream(seed, "users", "block", block, "attempt", attempt)
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)
    sep = rng.integers(0, len(SEPARATORS), n)
    num = rng.integers(1, 10_000, n)
    dom = rng.integers(0, len(EMAIL_DOMAINS), n)
    usernames = [
        f"{FIRST_NAMES[f]}{SEPARATORS[s]}{LAST_NAMES[la]}{k}"
        for f, s, la, k in zip(
            first.tolist(), sep.tolist(), last.tolist(), num.tolist(), strict=True
        )
    ]
    emails = [f"{u}@{EMAIL_DOMAINS[d]}" for u, d in zip(usernames, dom.tolist(), strict=True)]
    ts = np.sort(rng.integers(lo, hi + 1, (n, 2)), axis=1)
    fav = _tag_lists(rng, rng.integers(0, MAX_FAVORITE_TAGS + 1, n))
    return {
        "id": enc.uuid4_strings(rng.integers(0, 256, (n, 16), dtype=np.uint8)),
        "username": usernames,
        "email": emails,
        "created_at": enc.timestamp_field(ts[:, 0]),
        "updated_at": enc.timestamp_field(ts[:, 1]),
        "preferences": ['{"favorite_tags": ' + f + "}" for f in fav],
        "is_active": enc.bool_field(rng.random(n) < 0.99),
        "_created_s": [str(v) for v in ts[:, 0].tolist()],
    }


# -- prompts -------------------------------------------------------------------


class _PromptVocab:
    """Domain and general phrases as one id space, with per-domain overlap masks."""

    def __init__(self) -> None:
        self.domains = list(DOMAIN_PROMPTS)
        self.phrases: list[str] = [p for d in self.domains for p in DOMAIN_PROMPTS[d]]
        self.offsets = np.cumsum([0] + [len(DOMAIN_PROMPTS[d]) for d in self.domains])
        self.lengths = np.diff(self.offsets)
        self.max_len = int(self.lengths.max())
        self.general_base = len(self.phrases)
        self.phrases += list(GENERAL_PHRASES)
        # A general phrase that is also in the row's domain list is left out, so no
        # phrase appears twice in one prompt ("cinematic lighting" is in both lists).
        lowered = [{p.lower() for p in DOMAIN_PROMPTS[d]} for d in self.domains]
        self.overlap = np.array(
            [[g.lower() in lowered[i] for g in GENERAL_PHRASES] for i in range(len(self.domains))]
        )


_VOCAB = _PromptVocab()


def prompts(rng: np.random.Generator, n: int, domains: tuple[str, ...]) -> list[str]:
    """One domain per prompt; 4-30 distinct domain phrases and 0-10 distinct general
    phrases, shuffled together and joined with ", "."""
    v = _VOCAB
    allowed = np.array([v.domains.index(d) for d in domains])
    dom = allowed[rng.integers(0, len(allowed), n)]
    n_dom = np.minimum(rng.integers(4, 31, n), v.lengths[dom])
    n_gen = rng.integers(0, 11, n)
    # Distinct picks: sort random keys, masking positions past each list's end.
    dkeys = rng.random((n, v.max_len))
    dkeys[np.arange(v.max_len)[None, :] >= v.lengths[dom][:, None]] = np.inf
    dpick = np.argsort(dkeys, axis=1)[:, :30] + v.offsets[dom][:, None]
    gkeys = rng.random((n, len(GENERAL_PHRASES)))
    gkeys[v.overlap[dom]] = np.inf
    gpick = np.argsort(gkeys, axis=1)[:, :10] + v.general_base
    n_gen = np.minimum(n_gen, (~v.overlap[dom]).sum(axis=1))
    # Shuffle the chosen phrases of each row together.
    ids = np.concatenate([dpick, gpick], axis=1)
    used = np.concatenate(
        [np.arange(30)[None, :] < n_dom[:, None], np.arange(10)[None, :] < n_gen[:, None]], axis=1
    )
    skeys = rng.random(ids.shape)
    skeys[~used] = np.inf
    ids = np.take_along_axis(ids, np.argsort(skeys, axis=1), axis=1)
    total = (n_dom + n_gen).tolist()
    phrases = v.phrases
    return [
        ", ".join([phrases[j] for j in row[:k]]) for row, k in zip(ids.tolist(), total, strict=True)
    ]


# -- content items and their jobs ----------------------------------------------


@dataclass(frozen=True)
class ItemsContext:
    """Everything a worker needs, fixed before the first block (picklable, small).

    It holds no user: the owner of each row arrives with its block (``Owners``),
    looked up by the writer, so memory does not grow with the number of users.
    """

    seed: int
    images_dir: str
    domains: tuple[str, ...]
    range_lo: int
    range_hi: int
    admin_id: str
    admin_created: int
    has_users: bool  # some non-admin user existed by the end of the range
    earliest: int  # the earliest moment a non-admin user could own something
    targets: dict[str, int]  # content table -> rows this run
    id_start: dict[str, int]  # content table -> first reserved id
    admin_positions: dict[str, tuple[int, ...]]  # content table -> row indexes owned by admin
    extra_status: tuple[str, ...] = ()  # statuses of the non-completed jobs, in order


@dataclass(frozen=True)
class Owners:
    """The owner of each row of one block: user id and account creation (epoch s)."""

    ids: list[str]
    created: np.ndarray


@dataclass(frozen=True)
class Draws:
    """A block's first draws: each row's time and the uniform that picks its owner
    (a user whose account existed then). The writer computes them to look the
    owners up; the worker computes them again and goes on with ``rng``."""

    rng: np.random.Generator
    t: np.ndarray
    owner_u: np.ndarray
    is_admin: np.ndarray


def item_draws(ctx: ItemsContext, table: str, block: int) -> Draws:
    lo, hi = block_bounds(block, ctx.targets[table])
    n = hi - lo
    rng = stream(ctx.seed, table, "block", block)
    pos = np.arange(lo, hi)
    is_admin = np.isin(pos, np.asarray(ctx.admin_positions[table], dtype=np.int64))
    u = rng.random(n)
    t_user = ctx.earliest + (u * (ctx.range_hi - ctx.earliest + 1)).astype(np.int64)
    t_admin = ctx.admin_created + (u * (ctx.range_hi - ctx.admin_created + 1)).astype(np.int64)
    t = np.minimum(np.where(is_admin, t_admin, t_user), ctx.range_hi)
    owner_u = rng.random(n) if ctx.has_users else np.zeros(n)
    return Draws(rng, t, owner_u, is_admin)


def extra_draws(ctx: ItemsContext, block: int) -> Draws:
    lo, hi = block_bounds(block, len(ctx.extra_status))
    n = hi - lo
    rng = stream(ctx.seed, "generation_jobs", "extra", "block", block)
    t = ctx.earliest + (rng.random(n) * (ctx.range_hi - ctx.earliest + 1)).astype(np.int64)
    t = np.minimum(t, ctx.range_hi)
    return Draws(rng, t, rng.random(n), np.zeros(n, dtype=bool))


def _job_start(rng: np.random.Generator, done: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """A job's created_at: seconds to minutes before it completed, never before ``floor``."""
    dur = np.clip(rng.lognormal(3.4, 0.8, len(done)), 1, 3600).astype(np.int64)
    out: np.ndarray = np.maximum(done - dur, floor)
    return out


def items_block(
    ctx: ItemsContext, table: str, block: int, owners: Owners
) -> tuple[Columns, Columns]:
    """Rows ``[block*BLOCK_ROWS, ...)`` of a content table, and one completed job per row."""
    lo, hi = block_bounds(block, ctx.targets[table])
    n = hi - lo
    d = item_draws(ctx, table, block)
    rng, t, is_admin = d.rng, d.t, d.is_admin
    pos = np.arange(lo, hi)
    creators = np.where(
        is_admin,
        ctx.admin_id,
        np.asarray(owners.ids, dtype=object) if ctx.has_users else ctx.admin_id,
    ).tolist()
    owner_created = np.where(is_admin, ctx.admin_created, owners.created if ctx.has_users else 0)
    texts = prompts(rng, n, ctx.domains)
    paths = enc.uuid4_strings(rng.integers(0, 256, (n, 16), dtype=np.uint8))
    base = ctx.images_dir.rstrip("/")
    style = rng.integers(0, len(STYLES), n).tolist()
    res = rng.integers(0, len(RESOLUTIONS), n).tolist()
    tags = _tag_lists(rng, rng.integers(0, MAX_TAGS + 1, n))
    quality = np.round(rng.random(n), 2)
    private = rng.random(n) < 0.10
    ids = ctx.id_start[table] + pos
    stamps = enc.timestamp_field(t)
    items: Columns = {
        "id": enc.int_field(ids),
        "title": [p[:20] for p in texts],
        "content_type": ["image"] * n,
        "content_data": [f"{base}/{p}.png" for p in paths],
        "item_metadata": [
            f'{{"style": "{STYLES[s]}", "resolution": "{RESOLUTIONS[r]}", "tags": {tg}}}'
            for s, r, tg in zip(style, res, tags, strict=True)
        ],
        "creator_id": creators,
        "created_at": stamps,
        "updated_at": stamps,
        "tags": tags,
        "quality_score": enc.float2_field(quality),
        "is_private": enc.bool_field(private),
    }
    started = _job_start(rng, t, np.maximum(ctx.range_lo, owner_created))
    jobs: Columns = {
        "user_id": creators,
        "job_type": [JOB_TYPE] * n,
        "prompt": list(texts),
        "parameters": ["{}"] * n,
        "status": ["completed"] * n,
        "result_content_id": items["id"] if table == "content_items" else [enc.NULL] * n,
        "created_at": enc.timestamp_field(started),
        "updated_at": stamps,
        "started_at": [enc.NULL] * n,
        "completed_at": stamps,
        "error_message": [enc.NULL] * n,
    }
    return items, jobs


def extra_job_counts(items: int) -> dict[str, int]:
    """Non-completed jobs to add so that ``items`` completed jobs are 98% of the table."""
    return {s: int(np.floor(items * share / COMPLETED_SHARE + 0.5)) for s, share in STATUS_SHARES}


def extra_statuses(seed: int, items: int) -> tuple[str, ...]:
    counts = extra_job_counts(items)
    statuses = np.array([s for s, c in counts.items() for _ in range(c)], dtype=object)
    stream(seed, "generation_jobs", "statuses").shuffle(statuses)
    return tuple(statuses.tolist())


def extra_jobs_block(ctx: ItemsContext, block: int, owners: Owners) -> Columns:
    """Pending, canceled and error jobs (no content item)."""
    lo, hi = block_bounds(block, len(ctx.extra_status))
    n = hi - lo
    d = extra_draws(ctx, block)
    rng, t = d.rng, d.t
    status = np.asarray(ctx.extra_status[lo:hi], dtype=object)
    owner_created = owners.created
    pending = status == "pending"
    started = np.where(pending, t, _job_start(rng, t, np.maximum(ctx.range_lo, owner_created)))
    created = enc.timestamp_field(started)
    done = enc.timestamp_field(t, null_mask=pending)
    return {
        "user_id": list(owners.ids),
        "job_type": [JOB_TYPE] * n,
        "prompt": list(prompts(rng, n, ctx.domains)),
        "parameters": ["{}"] * n,
        "status": status.tolist(),
        "result_content_id": [enc.NULL] * n,
        "created_at": created,
        "updated_at": [
            c if p else d for c, d, p in zip(created, done, pending.tolist(), strict=True)
        ],
        "started_at": [enc.NULL] * n,
        "completed_at": done,
        "error_message": [enc.NULL] * n,
    }


def encode(columns: Columns, names: tuple[str, ...]) -> bytes:
    return enc.encode_rows([columns[c] for c in names])


# -- the worker entry point (runs in pool processes) ---------------------------


def work(ctx: ItemsContext, args: tuple[str, int, Owners]) -> dict[str, tuple[int, bytes]]:
    kind, block, owners = args
    if kind == "generation_jobs":
        jobs = extra_jobs_block(ctx, block, owners)
        return {"generation_jobs": (len(jobs["status"]), encode(jobs, JOB_COLUMNS))}
    items, jobs = items_block(ctx, kind, block, owners)
    n = len(items["id"])
    return {
        kind: (n, encode(items, CONTENT_COLUMNS)),
        "generation_jobs": (n, encode(jobs, JOB_COLUMNS)),
    }
