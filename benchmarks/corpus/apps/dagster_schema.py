"""dagster: the three Postgres storages of dagster-postgres create their tables."""

from __future__ import annotations

from _dsn import parts
from dagster_postgres.event_log import PostgresEventLogStorage
from dagster_postgres.run_storage import PostgresRunStorage
from dagster_postgres.schedule_storage import PostgresScheduleStorage
from dagster_postgres.utils import get_conn_string

p = parts()
url = get_conn_string(
    username=p["user"],
    password=p["password"],
    hostname="" if p["host"].startswith("/") else p["host"],
    db_name=p["dbname"],
    port=p["port"],
    # a unix socket directory goes in the query string, where libpq reads it
    params={"host": p["host"]} if p["host"].startswith("/") else None,
)
for storage in (PostgresRunStorage, PostgresEventLogStorage, PostgresScheduleStorage):
    storage.create_clean_storage(url)
