"""docs/BENCHMARKS.md, written from a ``make bench`` run's results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

LEVERS = """\
## Levers

Kept (measured in the table above as `pgseed` against `pgseed --no-bulk`):

- **Bulk mode** (`src/pgseed/bulk.py`). When the tables are empty at the start of
  a run, pgseed drops their secondary indexes and foreign keys, truncates them,
  COPYs `WITH (FREEZE)`, then rebuilds the indexes (bulk builds; PostgreSQL 18 builds
  the GIN full-text indexes with parallel workers) and the foreign keys (one
  validating join each), all inside the run's one transaction, so a failure still
  rolls everything back. Tables that already hold rows are never touched this way.
- **Embedded server settings** (`src/pgseed/embedded.py`): `wal_level=minimal` (a
  table truncated in the same transaction is then loaded and indexed without WAL),
  larger `max_wal_size`, `shared_buffers`, `maintenance_work_mem`. The ceiling runs
  on the same server with the same settings.
- **Worker start-up overlapped**: the generator processes start when the run
  starts and import only numpy and the generator (0.17 s instead of 1 s), while the
  main process connects, creates the schema and writes the users.

Where the time goes now (default dataset): about 1 s of Python start-up, 5 s of
COPY (PostgreSQL parsing jsonb), 4.5 s rebuilding indexes, 3.8 s of which is
`to_tsvector` over the 122k job prompts for the GIN index, on one backend.

**Why naive / pgseed is not yet 8.** On 2 cores the run needs about 12.5 CPU
seconds of the server and 5.3 of the client: 17.8 CPU seconds, so even with both
cores busy all the time the wall cannot drop below about 8.9 s, and 8x the naive
seeder (60 s here) means 7.5 s. Reaching it takes both more parallelism (the load
and the index builds run in one backend today) and less CPU per row, on the server
(jsonb parsing: every item carries its tags twice, in `item_metadata` and `tags`,
as the spec asks) and in the generator (about 3 s of Python string building for
the JSON and the prompts).

Not yet done (issue #3 stays open for them):

- **Parallel COPY sessions.** One transaction lives in one backend, so the load
  and the index builds use one core of the server. Loading through two sessions
  needs either prepared transactions (two-phase commit) or staging tables and one
  final commit; both change the all-or-nothing story and are the next step.
- **Binary COPY** with a vectorised encoder: most of the server's parse time is
  jsonb, which binary COPY does not avoid (jsonb's binary form is its text).
- **COPY block size** and `QueuedLibpqWriter`: the writer is rarely the
  bottleneck (the client is idle most of the run, see client CPU).
"""


def write_docs(results: dict[str, Any], table: str, path: Path) -> None:
    m = results["machine"]
    settings = ", ".join(f"{k}={v}" for k, v in m["settings"].items())
    text = f"""# Benchmarks

Measured by `make bench` (`python -m benchmarks --write-docs`) on {results["when"]}:
every contender runs as its own process, side by side in one run, against the same
embedded PostgreSQL {m["postgres"]} ({settings}), each into a fresh database that
holds the Genonaut schema (indexes and keys) and no rows. Medians of
{len(results["rounds"])} runs. Machine: {m["cpus"]} cores, {m["memory_gib"]} GiB,
Python {m["python"]}, {m["platform"]}.

The dataset is the Genonaut default: 500 users (+ the admin), 20,000 content_items,
100,000 content_items_auto, 122,448 generation_jobs (242,949 rows, about 280 MB).

- **pgseed**: `pgseed genonaut generate --seed 1` (default: bulk mode, 2 workers).
- **pgseed --no-bulk**: the same with indexes and keys kept in place during the load.
- **ceiling**: the same rows, dumped with `COPY TO` beforehand, reloaded by one
  `psql` session (`\\copy ... FROM`, one transaction), indexes and keys in place.
- **naive**: Faker + SQLAlchemy ORM `session.add_all` in batches of 2000, one
  commit per batch (`benchmarks/naive.py`), same tables and counts.

Peak RSS is the sum over the contender's process tree (pgseed: main process and
workers), sampled every 50 ms. Client CPU is user + system time of that tree;
server CPU is the PostgreSQL server's.

{table}

Scaling runs pgseed alone at 1x, 4x and 16x the default size (1x is the median above).

![rows per second against size](bench-rows-per-s.png)

{LEVERS}
## Reproduce

```sh
make bench                       # python -m benchmarks: 3 runs, scales 1,4,16, prints the table
make bench ARGS="--write-docs"   # ... and rewrites this page and its plot
make bench ARGS="--runs 1 --scales 1 --no-naive"   # a quick look (about a minute)
```

`PGSEED_BENCH_DSN=postgresql://...` benchmarks another server instead of the embedded
one (server CPU is then not measured). Raw results: `benchmarks/out/results.json`.
"""
    path.write_text(text)
