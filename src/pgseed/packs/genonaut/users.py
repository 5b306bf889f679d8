"""The Genonaut pack's users: the admin row and ``target_rows_users`` users, judged for
unique conflicts (by the database's own indexes, or the models' keys without one) and
redrawn (spec 000). They are written by the writer, not the workers: the judgement
needs each block's predecessors.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from ... import encode as enc
from ...errors import GenerationError
from ...load import Sink
from ...pool import split_rows
from ...unique import ConflictFilter
from ..contract import RunContext
from . import generate as g
from .config import GenonautConfig

ADMIN_USERNAME = "admin"


def admin_row(admin: uuid.UUID, created: str, suffix: str) -> g.Columns:
    name = ADMIN_USERNAME + (f"_{suffix}" if suffix else "")
    email = f"admin+{suffix}@genonaut.example" if suffix else "admin@genonaut.example"
    return {
        "id": [str(admin)],
        "username": [name],
        "email": [email],
        "created_at": [created],
        "updated_at": [created],
        "preferences": ['{"favorite_tags": []}'],
        "is_active": ["t"],
    }


def insert_admin(sink: Sink, filt: ConflictFilter, admin: uuid.UUID, created: str) -> None:
    """The admin row, named ``admin``; ``admin_<8 hex>`` when the database's own unique
    indexes (exact or not, e.g. on lower(email)) already hold that name or email. It
    goes through the sink like every row, so an application's evolved ``users`` (its
    own NOT NULL columns, renamed or dropped ones) takes it through the binding."""
    for suffix in ("", admin.hex[:8]):
        row = admin_row(admin, created, suffix)
        if not filt.conflicts(with_ord(row, [0])):
            sink.copy("users", g.encode(row, g.USER_COLUMNS), 1)
            return
    raise GenerationError(
        f"the admin user {admin} cannot be added: its username and email, with and without "
        "the suffix, conflict with rows already in users.\nFix: use another "
        "DB_USER_ADMIN_UUID, or seed a fresh *_demo/*_test database."
    )


def with_ord(cols: g.Columns, rows: Sequence[int]) -> bytes:
    """COPY text of the user columns plus each row's number (for ConflictFilter)."""
    return enc.encode_rows([*(cols[c] for c in g.USER_COLUMNS), [str(i) for i in rows]])


MAX_ATTEMPTS = 50


Judge = Callable[[g.Columns, int], dict[int, str]]  # candidates, count -> {row: index}


def insert_users(
    ctx: RunContext, judge: Judge, accept: Callable[[g.Columns, list[int]], None] | None = None
) -> None:
    """Exactly ``target_rows_users`` new users. Rows that conflict, under the database's
    own unique indexes, with each other or with the table (this run's earlier blocks
    included) are dropped, logged and redrawn (spec 000).

    Each judged set is COPYed before the next is judged, in statements of at most
    ``batch_size_users`` rows, so nothing of the accepted users stays in memory (unless
    ``accept``, called with each block's kept rows, keeps them).
    """
    cfg: GenonautConfig = ctx.cfg
    loader, reporter, seed = ctx.sink, ctx.reporter, ctx.seed
    lo, hi = cfg.range_utc
    for block in range(g.n_blocks(cfg.target_rows_users)):
        b_lo, b_hi = g.block_bounds(block, cfg.target_rows_users)
        want = b_hi - b_lo
        attempt = 0
        blocking: set[str] = set()  # the indexes the last draws kept hitting
        while want > 0:
            if attempt >= MAX_ATTEMPTS:
                raise GenerationError(
                    f"could not draw {want} users without unique conflicts after {attempt} "
                    f"tries: every draw conflicts on {', '.join(sorted(blocking))}, which admits "
                    "too few distinct values for the users asked for.\nFix: ask for fewer "
                    "users (--target-rows-users), or drop or widen that unique index on this "
                    "demo/test database."
                )
            cand = g.users_block(seed, block, attempt, want, lo, hi)
            n = len(cand["id"])
            bad = judge(cand, n)
            blocking = set(bad.values())
            if bad:
                names = [str(cand["username"][i]) for i in sorted(bad)]
                where = ", ".join(sorted(blocking))
                reporter.warn(
                    f"users: removed {len(bad)} row(s) with unique conflicts on {where} "
                    f"(usernames: {', '.join(names)}); drawing replacements"
                )
            keep = [i for i in range(n) if i not in bad]
            if accept is not None:
                accept(cand, keep)
            data = g.encode({c: [cand[c][i] for i in keep] for c in g.USER_COLUMNS}, g.USER_COLUMNS)
            for rows, piece in split_rows([data], len(keep), cfg.batch_size_users):
                loader.copy("users", piece, rows)
            want -= len(keep)
            attempt += 1
