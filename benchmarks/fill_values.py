"""Micro-benchmark of ``pgseed fill``'s value generators: values per second per type.

    python -m benchmarks.fill_values [ROWS]

Not a test (timings vary by machine); prints a table. Each column is generated in
blocks of 10,000 rows, as the engine asks for them; the first call of a column (pool
loading, pattern pools) is included, once.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from pgseed.anyschema.model import ColumnPlan, PgType, Rule
from pgseed.anyschema.values import generate

BLOCK = 10_000

INT4 = PgType("integer", "int4")
TEXT = PgType("text", "text")
CASES: list[tuple[str, PgType, Rule]] = [
    ("integer", INT4, Rule()),
    ("integer unique [1, 10**9]", INT4, Rule(unique=True, low="1", high="1000000000")),
    ("bigint epoch", PgType("bigint", "int8"), Rule(provider="epoch")),
    ("numeric(10,2)", PgType("numeric(10,2)", "numeric", precision=10, scale=2), Rule()),
    ("double precision", PgType("double precision", "float8"), Rule()),
    ("boolean", PgType("boolean", "bool"), Rule()),
    ("timestamptz", PgType("timestamp with time zone", "timestamptz"), Rule()),
    ("date", PgType("date", "date"), Rule()),
    ("interval", PgType("interval", "interval"), Rule()),
    ("uuid", PgType("uuid", "uuid"), Rule()),
    ("text (2 words)", TEXT, Rule()),
    ("text unique, max 12", TEXT, Rule(unique=True, max_length=12)),
    ("varchar(80) email", PgType("character varying(80)", "varchar", length=80), Rule(provider="email")),
    ("text email unique", TEXT, Rule(provider="email", unique=True)),
    ("text city", TEXT, Rule(provider="city")),
    ("text choices weighted", TEXT, Rule(choices=("a", "b", "c"), weights=(1, 2, 3))),
    ("text pattern", TEXT, Rule(pattern="^[A-Z]{3}-[0-9]{4}$")),
    ("text pattern unique", TEXT, Rule(pattern="^[A-Z]{3}-[0-9]{4}$", unique=True)),
    ("enum", PgType("mood", "mood", kind="e", labels=("sad", "ok", "happy")), Rule()),
    ("integer[]", PgType("integer[]", "_int4", category="A", element=INT4), Rule()),
    ("tstzrange", PgType("tstzrange", "tstzrange", kind="r", element=PgType("timestamptz", "timestamptz")), Rule()),
    ("jsonb", PgType("jsonb", "jsonb"), Rule()),
    ("inet", PgType("inet", "inet"), Rule()),
    ("text null_rate 0.2", TEXT, Rule(null_rate=0.2)),
]  # fmt: skip


def main(rows: int) -> None:
    print(f"{'column':32} {'values/s':>12} {'100k in':>9}")
    for label, t, rule in CASES:
        plan = ColumnPlan("public.bench", label, t, rule)
        start = time.perf_counter()
        for lo in range(0, rows, BLOCK):
            generate(plan, np.arange(lo, min(rows, lo + BLOCK)), 1)
        took = time.perf_counter() - start
        print(f"{label:32} {rows / took:>12,.0f} {took * 100_000 / rows:>8.3f}s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
