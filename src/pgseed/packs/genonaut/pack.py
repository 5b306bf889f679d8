"""The Genonaut pack's run: admin and users in the writer, items and jobs in workers.

All of it happens on the engine's connection, inside one transaction that the
caller commits or rolls back. The pack never opens a connection itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from psycopg import sql

from ...binding import parse_maps
from ...catalog import serial_sequence
from ...errors import ConfigError, GenerationError, SchemaMismatchError
from ...pg import Conn
from ...pool import Task, run_tasks
from ...rng import stream
from ...unique import ConflictFilter, MemoryConflicts
from ..contract import RunContext, Samples
from . import generate as g
from .config import GenonautConfig
from .models import metadata
from .owners import MemoryOwners
from .owners import load as load_owners
from .users import admin_row, insert_admin, insert_users, with_ord

TABLES = ("users", "content_items", "content_items_auto", "generation_jobs")
COLUMNS = {
    "users": g.USER_COLUMNS,
    "content_items": g.CONTENT_COLUMNS,
    "content_items_auto": g.CONTENT_COLUMNS,
    "generation_jobs": g.JOB_COLUMNS,
}


@dataclass(frozen=True)
class Plan:
    """Rows each table gains, and what the database already holds that shapes them."""

    users: int
    admin_exists: bool
    admin_needed: dict[str, int]  # content table -> admin rows to add
    items: dict[str, int]
    extra_jobs: dict[str, int]

    @property
    def rows(self) -> dict[str, int]:
        jobs = sum(self.items.values()) + sum(self.extra_jobs.values())
        return {
            "users": self.users + (0 if self.admin_exists else 1),
            **self.items,
            "generation_jobs": jobs,
        }


def live_name(cfg: GenonautConfig, table: str, column: str) -> str:
    """The application's name for a model column (``--map table.column=new``): the
    pack's own queries read an evolved database under it."""
    return parse_maps(cfg.map).get(table, {}).get(column, column)


def live(cfg: GenonautConfig, table: str, column: str) -> sql.Identifier:
    return sql.Identifier(live_name(cfg, table, column))


def plan(cfg: GenonautConfig, conn: Conn | None) -> Plan:
    """Validate the run against the database (None: an empty one) before writing."""
    admin = cfg.admin
    admin_exists = False
    have = dict.fromkeys(g.CONTENT_TABLES, 0)
    if conn is not None:
        admin_exists = (
            conn.execute(
                sql.SQL("SELECT 1 FROM users WHERE {} = %s").format(live(cfg, "users", "id")),
                [admin],
            ).fetchone()
            is not None
        )
        for table in g.CONTENT_TABLES:
            row = conn.execute(
                sql.SQL("SELECT count(*) FROM {} WHERE {} = %s").format(
                    sql.Identifier(table), live(cfg, table, "creator_id")
                ),
                [admin],
            ).fetchone()
            have[table] = int(str(row[0])) if row else 0
    need = {}
    for table in g.CONTENT_TABLES:
        want = cfg.admin_items_per_table
        if have[table] > want:
            raise GenerationError(
                f"{table} already has {have[table]} rows owned by the admin {admin}; the rule is "
                f"exactly {want}. pgseed does not delete or reassign existing rows.\n"
                "Fix: seed a fresh *_demo/*_test database, or use another DB_USER_ADMIN_UUID."
            )
        need[table] = want - have[table]
        if cfg.target(table) < need[table]:
            raise ConfigError(
                f"target_rows_{table} is {cfg.target(table)}, but {need[table]} admin-owned rows "
                f"are needed to reach exactly {want}.\nFix: pass --target-rows-{table.replace('_', '-')} "
                f"{need[table]} or more (or lower --admin-items-per-table)."
            )
    items = {t: cfg.target(t) for t in g.CONTENT_TABLES}
    non_admin = sum(items[t] - need[t] for t in g.CONTENT_TABLES)
    if non_admin and cfg.target_rows_users == 0 and conn is None:
        raise ConfigError(
            "target_rows_users is 0, so no user can own the non-admin items.\n"
            "Fix: ask for at least one user (--target-rows-users 1)."
        )
    return Plan(
        users=cfg.target_rows_users,
        admin_exists=admin_exists,
        admin_needed=need,
        items=items,
        extra_jobs=g.extra_job_counts(sum(items.values())),
    )


# -- content items and jobs (in workers) ----------------------------------------


def _reserve_ids(conn: Conn, table: str, n: int, key: str) -> int:
    """Reserve ``n`` consecutive ids of ``table``'s serial (its id column: ``key``);
    return the first."""
    if n == 0:
        return 1
    seq = serial_sequence(conn, table, key)
    if seq is None:
        raise SchemaMismatchError(
            f"{table}.id has no sequence (serial or identity), so pgseed cannot reserve ids.\n"
            f"Fix: give {table}.id a serial or identity default, or seed a new *_demo/*_test "
            "database (pgseed creates it with the pack's schema)."
        )
    row = conn.execute(
        sql.SQL("SELECT greatest(nextval(%s), coalesce((SELECT max({}) + 1 FROM {}), 1))").format(
            sql.Identifier(key), sql.Identifier(table)
        ),
        [seq],
    ).fetchone()
    assert row is not None
    start = int(str(row[0]))
    conn.execute("SELECT setval(%s, %s)", [seq, start + n - 1])
    return start


def _admin_positions(seed: int, table: str, rows: int, k: int) -> tuple[int, ...]:
    if k == 0:
        return ()
    pick = stream(seed, table, "admin").choice(rows, size=k, replace=False)
    return tuple(sorted(int(x) for x in pick))


def items_context(
    cfg: GenonautConfig,
    seed: int,
    p: Plan,
    admin: uuid.UUID,
    admin_created: int,
    owners: OwnerPool,
    id_start: dict[str, int],
) -> g.ItemsContext:
    lo, hi = cfg.range_utc
    if not owners.count() and any(p.items[t] > p.admin_needed[t] for t in g.CONTENT_TABLES):
        raise GenerationError(
            "no user account (besides the admin) exists before the end of the date range, so no "
            "one can own the non-admin items.\nFix: ask for users (--target-rows-users N)."
        )
    first = owners.earliest()
    return g.ItemsContext(
        seed=seed,
        images_dir=cfg.images_dir,
        domains=cfg.domains,
        range_lo=lo,
        range_hi=hi,
        admin_id=str(admin),
        admin_created=max(lo, admin_created),
        has_users=owners.count() > 0,
        earliest=lo if first is None else max(lo, first),
        targets=dict(p.items),
        id_start=id_start,
        admin_positions={
            t: _admin_positions(seed, t, p.items[t], p.admin_needed[t]) for t in g.CONTENT_TABLES
        },
        extra_status=g.extra_statuses(seed, sum(p.items.values())),
    )


class OwnerPool(Protocol):
    def count(self) -> int: ...
    def earliest(self) -> int | None: ...
    def pick(self, t: np.ndarray, u: np.ndarray) -> g.Owners: ...


def _owners_of(ctx: g.ItemsContext, owners: OwnerPool, d: g.Draws) -> g.Owners:
    if not ctx.has_users:
        return g.Owners([], np.zeros(0, dtype=np.int64))
    return owners.pick(d.t, d.owner_u)


def tasks(ctx: g.ItemsContext, p: Plan, owners: OwnerPool) -> Iterator[Task]:
    """Every block's task, its owners looked up just before it is handed to a worker."""
    for t in g.CONTENT_TABLES:
        for b in range(g.n_blocks(p.items[t])):
            yield Task(t, (t, b, _owners_of(ctx, owners, g.item_draws(ctx, t, b))))
    for b in range(g.n_blocks(len(ctx.extra_status))):
        d = g.extra_draws(ctx, b)
        yield Task("generation_jobs", ("generation_jobs", b, _owners_of(ctx, owners, d)))


def _epoch(value: object) -> int:
    import datetime as dt

    assert isinstance(value, dt.datetime)
    return int(value.replace(tzinfo=dt.UTC).timestamp())


def run(ctx: RunContext, p: Plan) -> None:
    """Fill the tables inside the engine's transaction, which has locked them against
    other writers before ``p`` was planned (admin rows counted, ids reserved below).
    With no connection (``--output``), write what an empty database would get."""
    if ctx.conn is None:
        _run_without_database(ctx, p)
        return
    cfg: GenonautConfig = ctx.cfg
    conn, loader, reporter, admin = ctx.conn, ctx.sink, ctx.reporter, cfg.admin
    lo, hi = cfg.range_utc
    bound = ctx.binding.tables.get("users") if ctx.binding is not None else None
    filt = ConflictFilter(conn, "users", g.USER_COLUMNS, reporter, bound)
    if not p.admin_exists:
        insert_admin(loader, filt, admin, _admin_created(lo))
    uid, created = live(cfg, "users", "id"), live(cfg, "users", "created_at")
    row = conn.execute(
        sql.SQL("SELECT {} FROM users WHERE {} = %s").format(created, uid), [admin]
    ).fetchone()
    assert row is not None
    insert_users(ctx, lambda cand, n: filt.conflicts(with_ord(cand, range(n))))
    owners = load_owners(conn, admin, hi, (uid, created))
    id_start = {
        t: _reserve_ids(conn, t, p.items[t], live_name(cfg, t, "id")) for t in g.CONTENT_TABLES
    }
    _items(ctx, p, _epoch(row[0]), owners, id_start)


def _admin_created(lo: int) -> str:
    return np.datetime_as_string(np.datetime64(lo, "s"), unit="s").replace("T", " ")


def _run_without_database(ctx: RunContext, p: Plan) -> None:
    """The rows an empty database would get: the admin, users judged by the models'
    unique keys, ids from 1, owners from the users written."""
    cfg: GenonautConfig = ctx.cfg
    lo, hi = cfg.range_utc
    judge = MemoryConflicts(metadata.tables["users"])
    admin = admin_row(cfg.admin, _admin_created(lo), "")
    judge.accept(admin, [0])
    ctx.sink.copy("users", g.encode(admin, g.USER_COLUMNS), 1)
    ids: list[str] = []
    created: list[int] = []

    def accept(cand: g.Columns, keep: list[int]) -> None:
        judge.accept(cand, keep)
        for i in keep:
            t = int(str(cand["_created_s"][i]))
            if t <= hi:
                ids.append(str(cand["id"][i]))
                created.append(t)

    insert_users(ctx, judge.conflicts, accept)
    _items(ctx, p, lo, MemoryOwners(ids, created), dict.fromkeys(g.CONTENT_TABLES, 1))


def _items(
    ctx: RunContext, p: Plan, admin_created: int, owners: OwnerPool, id_start: dict[str, int]
) -> None:
    """Content items and their jobs, generated in the workers."""
    cfg: GenonautConfig = ctx.cfg
    items = items_context(cfg, ctx.seed, p, cfg.admin, admin_created, owners, id_start)
    run_tasks(
        ctx.sink,
        tasks(items, p, owners),
        g.work,
        items,
        order=TABLES,
        batch_sizes={t: cfg.batch(t) for t in TABLES},
        pool=ctx.pool,
    )


def samples(cfg: GenonautConfig, p: Plan, seed: int, k: int = 3) -> Samples:
    """The first ``k`` rows each table would get from an empty database (for --dry-run)."""
    admin = cfg.admin
    lo, hi = cfg.range_utc
    n = max(1, min(cfg.target_rows_users, g.BLOCK_ROWS))
    users = g.users_block(seed, 0, 0, n, lo, hi)
    created = [int(str(s)) for s in users["_created_s"]]
    owners = MemoryOwners(
        [str(i) for i, c in zip(users["id"], created, strict=True) if c <= hi],
        [c for c in created if c <= hi],
    )
    ctx = items_context(cfg, seed, p, admin, lo, owners, dict.fromkeys(g.CONTENT_TABLES, 1))

    def rows(cols: g.Columns, names: tuple[str, ...]) -> list[dict[str, str | None]]:
        count = len(cols[names[0]]) if names[0] in cols else len(cols["status"])
        return [{c: cols[c][i] for c in names} for i in range(min(k, count))]

    out = {"users": rows(users, g.USER_COLUMNS) if cfg.target_rows_users else []}
    jobs: list[dict[str, str | None]] = []
    for t in g.CONTENT_TABLES:
        if p.items[t]:
            items, job = g.items_block(ctx, t, 0, _owners_of(ctx, owners, g.item_draws(ctx, t, 0)))
            out[t] = rows(items, g.CONTENT_COLUMNS)
            jobs += rows(job, g.JOB_COLUMNS)
        else:
            out[t] = []
    out["generation_jobs"] = jobs[:k]
    return out
