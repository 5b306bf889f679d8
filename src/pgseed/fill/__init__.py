"""``pgseed fill``: any PostgreSQL schema, read from the live catalog (issue 10).

model.py     what the catalog says: tables, columns, types, keys, checks
reflect.py   pg_catalog -> model
rules.py     CHECKs and config -> one value rule per column
values/      per-type, vectorised value generators (COPY text fields)
plan.py      rows per table, FK order, cycles, key columns
run.py       generation and COPY in the run's one transaction
"""
