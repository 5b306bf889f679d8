"""The Genonaut pack's run: admin and users in the writer, items and jobs in workers.

All of it happens on the engine's connection, inside one transaction that the
caller commits or rolls back. The pack never opens a connection itself.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import numpy as np
import psycopg
from psycopg import sql

from ...errors import ConfigError, GenerationError
from ...load import CopyLoader
from ...progress import Reporter
from ...rng import stream
from ...run import Task, WorkerPool, run_tasks
from . import generate as g
from .config import GenonautConfig

TABLES = ("users", "content_items", "content_items_auto", "generation_jobs")
COLUMNS = {
    "users": g.USER_COLUMNS,
    "content_items": g.CONTENT_COLUMNS,
    "content_items_auto": g.CONTENT_COLUMNS,
    "generation_jobs": g.JOB_COLUMNS,
}
ADMIN_USERNAME = "admin"

Conn = psycopg.Connection[tuple[object, ...]]


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


def plan(cfg: GenonautConfig, conn: Conn | None, admin: uuid.UUID) -> Plan:
    """Validate the run against the database (None: an empty one) before writing."""
    admin_exists = False
    have = dict.fromkeys(g.CONTENT_TABLES, 0)
    if conn is not None:
        admin_exists = (
            conn.execute("SELECT 1 FROM users WHERE id = %s", [admin]).fetchone() is not None
        )
        for table in g.CONTENT_TABLES:
            row = conn.execute(
                sql.SQL("SELECT count(*) FROM {} WHERE creator_id = %s").format(
                    sql.Identifier(table)
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


# -- users (in the writer: conflicts need the database) -------------------------


def _insert_admin(conn: Conn, admin: uuid.UUID, created: str) -> None:
    name, email = ADMIN_USERNAME, "admin@genonaut.example"
    taken = conn.execute(
        "SELECT 1 FROM users WHERE username = %s OR email = %s", [name, email]
    ).fetchone()
    if taken:
        suffix = admin.hex[:8]
        name, email = f"{ADMIN_USERNAME}_{suffix}", f"admin+{suffix}@genonaut.example"
    conn.execute(
        "INSERT INTO users (id, username, email, created_at, updated_at, preferences, is_active)"
        " VALUES (%s, %s, %s, %s, %s, '{\"favorite_tags\": []}', true)",
        [admin, name, email, created, created],
    )


def _conflicts(conn: Conn, cols: g.Columns, seen: dict[str, set[str]]) -> set[int]:
    """Rows clashing on id, username or email with each other, this run, or the database."""
    bad: set[int] = set()
    keys = ("id", "username", "email")
    local: dict[str, set[str]] = {k: set() for k in keys}
    for i in range(len(cols["id"])):
        for k in keys:
            v = cols[k][i]
            if v in local[k] or v in seen[k]:
                bad.add(i)
            local[k].add(v)
    rows = conn.execute(
        "SELECT id::text, username, email FROM users"
        " WHERE id = ANY(%s::uuid[]) OR username = ANY(%s) OR email = ANY(%s)",
        [cols["id"], cols["username"], cols["email"]],
    ).fetchall()
    existing = {k: {str(r[j]) for r in rows} for j, k in enumerate(keys)}
    for i in range(len(cols["id"])):
        if any(cols[k][i] in existing[k] for k in keys):
            bad.add(i)
    return bad


MAX_ATTEMPTS = 50


def insert_users(
    conn: Conn, cfg: GenonautConfig, seed: int, loader: CopyLoader, reporter: Reporter
) -> None:
    """Exactly ``target_rows_users`` new users; conflicting rows are dropped and redrawn."""
    lo, hi = cfg.range_utc
    seen: dict[str, set[str]] = {"id": set(), "username": set(), "email": set()}
    pending: list[bytes] = []
    pending_rows = 0
    for block in range(g.n_blocks(cfg.target_rows_users)):
        b_lo, b_hi = g.block_bounds(block, cfg.target_rows_users)
        want = b_hi - b_lo
        kept: g.Columns = {c: [] for c in g.USER_COLUMNS}
        attempt = 0
        while want > 0:
            if attempt >= MAX_ATTEMPTS:
                raise GenerationError(
                    f"could not draw {want} users without unique conflicts after {attempt} tries."
                )
            cand = g.users_block(seed, block, attempt, want, lo, hi)
            bad = _conflicts(conn, cand, seen)
            if bad:
                names = [cand["username"][i] for i in sorted(bad)]
                reporter.warn(
                    f"users: removed {len(bad)} row(s) with unique conflicts "
                    f"(usernames: {', '.join(names)}); drawing replacements"
                )
            for i in range(len(cand["id"])):
                if i in bad:
                    continue
                for c in g.USER_COLUMNS:
                    kept[c].append(cand[c][i])
                for k in seen:
                    seen[k].add(cand[k][i])
            want -= len(cand["id"]) - len(bad)
            attempt += 1
        rows = len(kept["id"])
        pending.append(g.encode(kept, g.USER_COLUMNS))
        pending_rows += rows
        if pending_rows >= cfg.batch_size_users:
            loader.copy("users", pending, pending_rows)
            pending, pending_rows = [], 0
    loader.copy("users", pending, pending_rows)


# -- content items and jobs (in workers) ----------------------------------------


def _reserve_ids(conn: Conn, table: str, n: int) -> int:
    """Reserve ``n`` consecutive ids of ``table``'s serial; return the first."""
    if n == 0:
        return 1
    seq = conn.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table]).fetchone()
    assert seq is not None and seq[0]
    row = conn.execute(
        sql.SQL("SELECT greatest(nextval(%s), coalesce((SELECT max(id) + 1 FROM {}), 1))").format(
            sql.Identifier(table)
        ),
        [seq[0]],
    ).fetchone()
    assert row is not None
    start = int(str(row[0]))
    conn.execute("SELECT setval(%s, %s)", [seq[0], start + n - 1])
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
    users: list[tuple[str, int]],
    id_start: dict[str, int],
) -> g.ItemsContext:
    lo, hi = cfg.range_utc
    users = [u for u in users if u[1] <= hi]
    if not users and any(p.items[t] > p.admin_needed[t] for t in g.CONTENT_TABLES):
        raise GenerationError(
            "no user account (besides the admin) exists before the end of the date range, so no "
            "one can own the non-admin items.\nFix: ask for users (--target-rows-users N)."
        )
    return g.ItemsContext(
        seed=seed,
        images_dir=cfg.images_dir,
        domains=cfg.domains,
        range_lo=lo,
        range_hi=hi,
        admin_id=str(admin),
        admin_created=max(lo, admin_created),
        user_ids=tuple(u[0] for u in users),
        user_created=tuple(u[1] for u in users),
        targets=dict(p.items),
        id_start=id_start,
        admin_positions={
            t: _admin_positions(seed, t, p.items[t], p.admin_needed[t]) for t in g.CONTENT_TABLES
        },
        extra_status=g.extra_statuses(seed, sum(p.items.values())),
    )


def tasks(p: Plan) -> list[Task]:
    out = [Task(t, (t, b)) for t in g.CONTENT_TABLES for b in range(g.n_blocks(p.items[t]))]
    extra = sum(p.extra_jobs.values())
    out += [Task("generation_jobs", ("generation_jobs", b)) for b in range(g.n_blocks(extra))]
    return out


def _epoch(value: object) -> int:
    import datetime as dt

    assert isinstance(value, dt.datetime)
    return int(value.replace(tzinfo=dt.UTC).timestamp())


def run(
    conn: Conn,
    cfg: GenonautConfig,
    seed: int,
    admin: uuid.UUID,
    loader: CopyLoader,
    reporter: Reporter,
    pool: WorkerPool,
) -> Plan:
    """Fill the tables inside the caller's transaction."""
    # Nobody else writes these tables while we count admin rows and reserve ids.
    conn.execute(
        "LOCK TABLE users, content_items, content_items_auto, generation_jobs"
        " IN SHARE ROW EXCLUSIVE MODE"
    )
    p = plan(cfg, conn, admin)
    reporter.begin(p.rows)
    lo, _ = cfg.range_utc
    if not p.admin_exists:
        created = np.datetime_as_string(np.datetime64(lo, "s"), unit="s").replace("T", " ")
        _insert_admin(conn, admin, created)
        loader.written["users"] += 1
        reporter.advance("users", 1)
    row = conn.execute("SELECT created_at FROM users WHERE id = %s", [admin]).fetchone()
    assert row is not None
    admin_created = _epoch(row[0])
    insert_users(conn, cfg, seed, loader, reporter)
    users = [
        (str(r[0]), _epoch(r[1]))
        for r in conn.execute(
            "SELECT id::text, created_at FROM users WHERE id <> %s ORDER BY created_at, id", [admin]
        ).fetchall()
    ]
    id_start = {t: _reserve_ids(conn, t, p.items[t]) for t in g.CONTENT_TABLES}
    ctx = items_context(cfg, seed, p, admin, admin_created, users, id_start)
    run_tasks(
        loader,
        tasks(p),
        g.work,
        ctx,
        order=TABLES,
        batch_sizes={t: cfg.batch(t) for t in TABLES},
        pool=pool,
    )
    return p


def samples(
    cfg: GenonautConfig, seed: int, admin: uuid.UUID, p: Plan, k: int = 3
) -> dict[str, list[dict[str, str]]]:
    """The first ``k`` rows each table would get from an empty database (for --dry-run)."""
    lo, hi = cfg.range_utc
    n = max(1, min(cfg.target_rows_users, g.BLOCK_ROWS))
    users = g.users_block(seed, 0, 0, n, lo, hi)
    pool = sorted(
        zip(users["id"], (int(s) for s in users["_created_s"]), strict=True), key=lambda u: u[1]
    )
    ctx = items_context(cfg, seed, p, admin, lo, pool, dict.fromkeys(g.CONTENT_TABLES, 1))

    def rows(cols: g.Columns, names: tuple[str, ...]) -> list[dict[str, str]]:
        count = len(cols[names[0]]) if names[0] in cols else len(cols["status"])
        return [{c: cols[c][i] for c in names} for i in range(min(k, count))]

    out = {"users": rows(users, g.USER_COLUMNS) if cfg.target_rows_users else []}
    jobs: list[dict[str, str]] = []
    for t in g.CONTENT_TABLES:
        if p.items[t]:
            items, job = g.items_block(ctx, t, 0)
            out[t] = rows(items, g.CONTENT_COLUMNS)
            jobs += rows(job, g.JOB_COLUMNS)
        else:
            out[t] = []
    out["generation_jobs"] = jobs[:k]
    return out
