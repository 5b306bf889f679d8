"""Alembic environment for the Genonaut schema (the body lives in ``pgseed.migrate.run_env``).

pgseed renders it offline to SQL and runs that in the run's own transaction, so the
schema and the data land together, and only in a database with no tables but
pgseed's (``pgseed.fresh``). Creating the pack's schema by hand in an empty database:
``alembic upgrade head`` at the repo root with DATABASE_URL set (or ``-x url=...``);
never against an application's database.
"""

from pgseed.migrate import run_env
from pgseed.packs.genonaut.models import metadata

run_env(metadata)
