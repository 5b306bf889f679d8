"""optuna: the RDB storage creates its tables (SQLAlchemy) and stamps its alembic version."""

from __future__ import annotations

import optuna
from _dsn import sqlalchemy_url

optuna.storages.RDBStorage(sqlalchemy_url("psycopg"))
