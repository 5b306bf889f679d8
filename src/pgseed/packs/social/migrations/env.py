"""Alembic environment for the social schema (the body lives in ``pgseed.migrate.run_env``).

pgseed renders it offline to SQL and runs that in the run's own transaction, so the
schema and the data land together, and only in a database with no tables but
pgseed's (``pgseed.fresh``). Creating the pack's schema by hand in an empty database:
``alembic -c <ini with script_location=src/pgseed/packs/social/migrations> upgrade head``
with DATABASE_URL set (or ``-x url=...``); never against an application's database.
"""

from pgseed.migrate import run_env
from pgseed.packs.social.models import metadata

# Its own version table: the other packs' migrations own theirs, and a database may hold
# several packs' tables.
run_env(metadata, version_table="alembic_version_social")
