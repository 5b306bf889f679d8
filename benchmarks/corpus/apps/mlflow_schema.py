"""mlflow: the tracking store runs its alembic migrations on an empty database."""

from __future__ import annotations

import tempfile

from _dsn import sqlalchemy_url
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

SqlAlchemyStore(sqlalchemy_url("psycopg2"), tempfile.mkdtemp(prefix="mlflow-artifacts-"))
