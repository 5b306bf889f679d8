"""A complete pgseed pack in one file: authors and their books (docs/packs.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, Field
from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, MetaData, Numeric, Table, Text

from pgseed import RunContext, SchemaSpec
from pgseed.checks import Check, ZeroRule, zeros
from pgseed.encode import encode_rows, int_field
from pgseed.pool import Task, run_tasks
from pgseed.rng import stream

metadata = MetaData()
Table("authors", metadata, Column("id", Integer, primary_key=True), Column("name", Text))
Table(
    "books",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("author_id", Integer, ForeignKey("authors.id"), nullable=False),
    Column("title", Text, nullable=False),
    Column("price", Numeric(8, 2), CheckConstraint("price > 0"), nullable=False),
)
COLUMNS = {"authors": ("id", "name"), "books": ("id", "author_id", "title", "price")}
BLOCK = 1000  # rows per task, fixed: the bytes do not depend on workers or batch sizes
WORDS = np.array("river stone glass winter garden silent paper city night light".split())


class Config(BaseModel, extra="forbid", frozen=True):
    seed: int | None = None
    authors: int = Field(100, ge=1, le=1_000_000)
    books_per_author: int = Field(5, ge=0, le=100)


@dataclass(frozen=True)
class Plan:
    rows: dict[str, int]


def work(authors: int, task: tuple[int, str, int, int]) -> dict[str, tuple[int, bytes]]:
    """One block of a table, in a worker: its values keyed by (seed, table, block)."""
    seed, table, block, n = task
    rng, ids = stream(seed, table, block), np.arange(block * BLOCK + 1, block * BLOCK + n + 1)
    names = [" ".join(w).title() for w in WORDS[rng.integers(0, len(WORDS), (n, 2))]]
    if table == "authors":
        return {table: (n, encode_rows([int_field(ids), names]))}
    owners, cents = rng.integers(1, authors + 1, n), rng.integers(100, 10_000, n)
    prices = [f"{c / 100:.2f}" for c in cents]
    return {table: (n, encode_rows([int_field(ids), int_field(owners), names, prices]))}


class BookshopPack:
    name, help, cli = "bookshop", "An example pack: authors and their books.", None
    schema = SchemaSpec(metadata=metadata, migrations=None, columns=COLUMNS)
    default_database, workers = "bookshop_demo", ("examples.bookshop",)
    config_model, replaces = Config, True

    def plan(self, cfg: Config, conn: object) -> Plan:
        return Plan({"authors": cfg.authors, "books": cfg.authors * cfg.books_per_author})

    def run(self, ctx: RunContext, plan: Plan) -> None:
        rows = plan.rows
        tasks = [Task(t, (ctx.seed, t, b, min(BLOCK, n - b * BLOCK)))
                 for t, n in rows.items() for b in range(-(-n // BLOCK))]  # fmt: skip
        sizes = dict.fromkeys(COLUMNS, 5000)  # rows per COPY statement
        run_tasks(ctx.sink, tasks, work, rows["authors"], order=tuple(COLUMNS), batch_sizes=sizes,
                  pool=ctx.pool)  # fmt: skip

    def samples(self, cfg: Config, plan: Plan, seed: int) -> dict[str, list[dict[str, str | None]]]:
        return {}  # optional: shown by --dry-run

    def verify(self, conn: object, cfg: Config) -> list[Check]:
        rule = ZeroRule(
            "every book has a positive price", "SELECT count(*) FROM books WHERE price <= 0"
        )
        return zeros(conn, [rule])  # type: ignore[arg-type]


PACK = BookshopPack()
