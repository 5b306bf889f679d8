"""Server-side levers, measured on the rows pgseed produced (no generation cost).

Each reloads the dumped rows of the pgseed run into a fresh database holding the
empty schema, in-process (psycopg), wall time only:

- ``reload bulk text``: one session, one transaction, pgseed's bulk mode (drop
  secondary indexes and FKs, TRUNCATE, COPY FREEZE, rebuild): the floor of what
  pgseed's current loader can reach, with generation costing nothing;
- ``reload bulk binary``: the same with binary COPY (``FORMAT binary``);
- ``reload 2 sessions``: keys and indexes dropped and committed first, two
  sessions COPY in parallel (content_items_auto | the rest), then the indexes
  are rebuilt in two parallel sessions and the FKs re-added: what parallel COPY
  streams would gain (outside one transaction: not yet safe for pgseed to do).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from pgseed import bulk

TABLES = ("users", "content_items", "content_items_auto", "generation_jobs")


def dump_binary(src: str, where: Path) -> None:
    with psycopg.connect(src) as c, c.cursor() as cur:
        for t in TABLES:
            with (
                (where / f"{t}.bin").open("wb") as f,
                cur.copy(f"COPY {t} TO STDOUT (FORMAT binary)") as cp,
            ):
                for chunk in cp:
                    f.write(chunk)


def _load(
    conn: psycopg.Connection[tuple[object, ...]], table: str, path: Path, options: str
) -> None:
    with (
        conn.cursor() as cur,
        cur.copy(f"COPY {table} FROM STDIN {options}") as cp,
        path.open("rb") as f,
    ):
        while chunk := f.read(1 << 20):
            cp.write(chunk)


def reload_bulk(dsn: str, where: Path, binary: bool) -> float:
    started = time.perf_counter()
    with psycopg.connect(dsn) as c:
        plan = bulk.begin(c, list(TABLES))
        for t in TABLES:
            if binary:
                _load(c, t, where / f"{t}.bin", "(FORMAT binary, FREEZE)")
            else:
                _load(c, t, where / f"{t}.copy", "(FREEZE)")
        bulk.finish(c, plan)
        c.commit()
    return time.perf_counter() - started


def _parallel(jobs: list[Callable[[], None]]) -> None:
    errors: list[BaseException] = []

    def wrap(fn: Callable[[], None]) -> None:
        try:
            fn()
        except BaseException as exc:  # re-raised below, in the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=wrap, args=(fn,)) for fn in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def reload_two_sessions(dsn: str, where: Path) -> float:
    with psycopg.connect(dsn) as c:
        plan = bulk.begin(c, list(TABLES))
        c.commit()
    started = time.perf_counter()

    def load(tables: tuple[str, ...]) -> Callable[[], None]:
        def run() -> None:
            with psycopg.connect(dsn) as c:
                for t in tables:
                    _load(c, t, where / f"{t}.copy", "")
                c.commit()

        return run

    def build(defs: list[str]) -> Callable[[], None]:
        def run() -> None:
            with psycopg.connect(dsn) as c:
                c.execute("SET maintenance_work_mem = '256MB'")
                for d in defs:
                    c.execute(d.encode())
                c.commit()

        return run

    _parallel([load(("content_items_auto",)), load(("users", "content_items", "generation_jobs"))])
    jobs_idx = [i.definition for i in plan.indexes if i.name.startswith("ix_generation_jobs")]
    other_idx = [i.definition for i in plan.indexes if not i.name.startswith("ix_generation_jobs")]
    _parallel([build(jobs_idx), build(other_idx)])
    with psycopg.connect(dsn) as c:
        plan.indexes = []
        bulk.finish(c, plan)  # the foreign keys
        c.commit()
    return time.perf_counter() - started
