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
- **Embedded server settings** (`src/pgseed/embedded/__init__.py`): `wal_level=minimal` (a
  table truncated in the same transaction is then loaded and indexed without WAL),
  larger `max_wal_size`, `shared_buffers`, `maintenance_work_mem`. The ceiling runs
  on the same server with the same settings.
- **Worker start-up overlapped**: the generator processes start when the run
  starts and import only numpy and the generator (0.17 s instead of 1 s), while the
  main process connects, creates the schema and writes the users.

Where the time goes now (default dataset): about 1 s of Python start-up, 5 s of
COPY (PostgreSQL parsing jsonb), 4.5 s rebuilding indexes, 3.8 s of which is
`to_tsvector` over the 122k job prompts for the GIN index, on one backend.

The `reload ...` rows reload the exact rows pgseed produced, so generation costs
nothing there: they are the floor of each loading strategy on this machine
(`benchmarks/levers.py`). `reload 2 sessions` loads through two parallel
sessions with keys and indexes deferred (outside one transaction, so not yet
something pgseed may do); on 2 cores it gains little or nothing over one session,
because the rebuild, dominated by the parallel GIN build, already keeps both
cores busy. Binary COPY trims the COPY itself.

Not done:

- **Parallel COPY sessions.** One transaction lives in one backend, so the load
  and the index builds use one core of the server. Loading through two sessions
  needs either prepared transactions (two-phase commit) or staging tables and one
  final commit; both change the all-or-nothing story. On 2 cores the `reload 2
  sessions` row shows little to gain.
- **Binary COPY for Genonaut.** pgseed has a vectorised binary encoder
  (`src/pgseed/binary.py`, used by the retail pack below), but most of Genonaut's
  server parse time is jsonb, which binary COPY does not avoid (jsonb's binary form
  is its text); `reload bulk binary` shows the ceiling of that lever.

Measured and not kept (rows above, same run): psycopg's `QueuedLibpqWriter`
(`pgseed queued writer`, via `PGSEED_COPY_WRITER=queued`), five times larger COPY
statements (`pgseed 5x larger COPYs`, through the `--batch-size-*` flags; the
1000-row generation block is part of the determinism contract and stays fixed),
and one generator process instead of two (`pgseed 1 worker`): the writer is not
the bottleneck, the server is.
"""


def social_section(results: dict[str, Any]) -> str:
    runs = results.get("social")
    if not runs:
        return ""
    from .social import table as social_table

    tables = "\n\n".join(social_table(r) for r in runs)
    return f"""## Social: profiles, activity and jobs

spec 004's pack in the same run (`benchmarks/social.py`): `pgseed social seed-all` into a
fresh database, with the seven jobs and without them (`--skipJobs`), with the narrow
activity tables as binary COPY (the default) and as text (`PGSEED_SOCIAL_COPY=text`),
against the same rows dumped with `COPY TO` and reloaded by one session with `COPY FROM`.
Issue 11's targets: 1,000 x 30 under 20 s end to end; 10,000 x 90 under 5 minutes and
1 GB (`make bench-social`, or `make bench ARGS="--social-sizes 1000x30,10000x90"`).

{tables}

"""


def retail_section(results: dict[str, Any]) -> str:
    r = results.get("retail")
    if not r:
        return ""
    from .retail import table as retail_table

    p = r["median"]["pgseed"]
    return f"""## Retail: 1M sales rows

spec 003's performance target, in the same run (`benchmarks/retail.py`):
`pgseed retail generate --full-new --stores 50 --products 60` over 2024 into a fresh
database holding the retail schema and no rows, against the same rows dumped with
`COPY TO` and reloaded by one `psql` session (`\\copy`, one transaction) with the
indexes and keys in place. Medians of the same number of runs.

{retail_table(r)}

- Peak RSS ({p["peak_rss_mb"]:.0f} MB) is the process tree: the writer about 145 MB,
  each of the two generator processes about 100 MB (more workers cost about 100 MB
  each; `--max-workers` bounds it).
- Why pgseed is further ahead here than on Genonaut: the fact rows go in as binary
  COPY built by numpy in one pass (no text or jsonb parsing on the server), and bulk
  mode builds the secondary indexes and FKs after the load (the UNIQUE grain indexes
  stay in place), while the one-session reload maintains every index and checks
  every FK row by row.
- Rows per COPY statement matter here. Back-to-back runs on 2026-11-22: 1000 rows per
  statement (spec 003's default) 15.5 s, 5000 10.8 s, 20,000 9.5 s, 100,000 10.7 s;
  COPY time of the two big tables 9.9 s at 1000 against 4.2 s at 20,000. The retail
  default is 20,000.
- Measured and not kept: dropping the UNIQUE(date, store_id, product_id) constraints
  during the load and adding them back before the commit. Pairs of runs at 20,000
  rows per COPY: 10.2 and 14.6 s keeping them, 10.6 and 8.6 s dropping them; the
  rebuild costs 1.1-1.7 s more. No clear gain, and keeping them means a duplicate
  fails at the row that caused it.
"""


def floors(results: dict[str, Any]) -> str:
    """What the measured floors say about the naive/pgseed target."""
    med = results["median"]
    naive = med.get("naive") or {}
    if not naive or not med.get("reload bulk text"):
        return ""
    need = naive["wall"] / 8
    best = min(
        med[k]["wall"]
        for k in ("reload bulk text", "reload bulk binary", "reload 2 sessions")
        if med.get(k)
    )
    pg = med["pgseed"]
    cpu = (pg["client_cpu"] or 0) + (pg["server_cpu"] or 0)
    return (
        "**The naive / pgseed target, in this run's numbers.** 8x the naive seeder "
        f"({naive['wall']:.1f} s) means {need:.2f} s. Loading the finished rows with no "
        f"generation at all takes at best {best:.2f} s here (the `reload` rows), and pgseed's "
        f"run needs {cpu:.1f} CPU seconds (client + server) on {results['machine']['cpus']} cores, "
        f"at least {cpu / results['machine']['cpus']:.2f} s of wall even with every core busy. "
        "The remaining levers (binary COPY from a vectorised encoder, generation with less "
        "Python per row, parallel streams) narrow pgseed's gap to those floors; whether 8x "
        "is reachable on this machine depends on pushing below them."
    )


def write_docs(results: dict[str, Any], table: str, path: Path) -> None:
    m = results["machine"]
    settings = ", ".join(f"{k}={v}" for k, v in m["settings"].items())
    against = f" --against {results['against']}" if results.get("against") else ""
    text = f"""# Benchmarks

Measured by `make bench` (`python -m benchmarks --write-docs{against}`) on {results["when"]}:
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
The users table runs pgseed alone with the default items and 10,000 then 1,000,000
users (`benchmarks/users.py`): memory must not grow with the number of users.

![rows per second against size](bench-rows-per-s.png)

{floors(results)}

{LEVERS}
{retail_section(results)}
{social_section(results)}
## Reproduce

```sh
make bench                       # python -m benchmarks: 3 runs, scales 1,4,16, prints the table
make bench ARGS="--write-docs"   # ... and rewrites this page and its plot
make bench ARGS="--runs 1 --scales 1 --no-naive --no-retail --no-users --no-social"   # a quick look (about a minute)
make bench ARGS="--against v0.1.0"   # also run pgseed as of a git revision, side by side
```

`PGSEED_BENCH_DSN=postgresql://...` benchmarks another server instead of the embedded
one (server CPU is then not measured). Raw results: `benchmarks/out/results.json`.
"""
    path.write_text(text)
