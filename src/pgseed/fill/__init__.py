"""``pgseed fill``: any PostgreSQL schema, read from the live catalog (issue 10).

model.py     what the catalog says: tables, columns, types, keys, checks
reflect.py   pg_catalog -> model
rules.py     CHECKs and config -> one value rule per column
values/      per-type, vectorised value generators (COPY text fields)
plan.py      rows per table, FK order, cycles, key columns
run.py       generation and COPY in the run's one transaction
audit.py     re-check a database from its data: violations, sequences behind, empty tables
snapshot.py  the definitions a run must leave as they were (constraints, indexes, triggers)
"""
