"""Alembic environment for the retail schema (the body lives in ``pgseed.migrate.run_env``).

pgseed renders it offline to SQL and runs that in the run's own transaction, so the
schema and the data land together. From a shell, run ``alembic upgrade head`` at the
repo root with DATABASE_URL set (or ``-x url=...``).
"""

from pgseed.migrate import run_env
from pgseed.packs.retail.models import metadata

# Its own version table: Genonaut's migration owns "alembic_version", and a database may
# hold both packs' tables.
run_env(metadata, version_table="alembic_version_retail")
