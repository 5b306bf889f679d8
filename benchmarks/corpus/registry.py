"""The real-schema corpus: which applications, at which version, created how.

Each application is installed from PyPI into its own venv under
``benchmarks/out/venvs/<name>`` (never the project's), and creates its schema in
an empty database with its own command or API: the script ``apps/<name>_schema.py``,
run by that venv's Python with the target as ``CORPUS_DSN`` (a libpq URL).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
VENVS = REPO / "benchmarks" / "out" / "venvs"


@dataclass(frozen=True)
class App:
    name: str
    package: str
    """The PyPI project, pinned."""
    requirements: tuple[str, ...]
    """Everything pip installs into the app's venv (the package, a driver, pins)."""
    how: str
    """How the schema is created, in words (the app's own command or API)."""
    tables: int
    """Tables the schema has, as measured (``make corpus`` re-counts and warns)."""

    @property
    def venv(self) -> Path:
        return VENVS / self.name

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def script(self) -> Path:
        return HERE / "apps" / f"{self.name}_schema.py"


APPS: dict[str, App] = {
    a.name: a
    for a in [
        App(
            "optuna",
            "optuna==5.0.0",
            ("optuna==5.0.0", "psycopg[binary]>=3.2"),
            "optuna.storages.RDBStorage(url): SQLAlchemy create_all + alembic stamp",
            13,
        ),
        App(
            "mlflow",
            "mlflow==3.17.2",
            ("mlflow==3.17.2", "psycopg2-binary>=2.9"),
            "mlflow.store.tracking.sqlalchemy_store.SqlAlchemyStore(url): alembic upgrade head",
            65,
        ),
        App(
            "dagster",
            "dagster-postgres==0.29.27",
            ("dagster==1.13.27", "dagster-postgres==0.29.27", "psycopg[binary]>=3.2"),
            "dagster_postgres Postgres{Run,EventLog,Schedule}Storage.create_clean_storage(url)",
            22,
        ),
        App(
            "prefect",
            "prefect==3.9.1",
            ("prefect==3.9.1",),
            "`prefect server database upgrade -y` (alembic) with "
            "PREFECT_API_DATABASE_CONNECTION_URL=postgresql+asyncpg://...",
            37,
        ),
        App(
            "wagtail",
            "wagtail==8.0.1",
            ("wagtail==8.0.1", "psycopg[binary]>=3.2"),
            "`django-admin migrate` on a minimal project with wagtail's default INSTALLED_APPS",
            52,
        ),
        App(
            "airflow",
            "apache-airflow==3.3.2",
            ("apache-airflow[postgres]==3.3.2",),
            "`airflow db migrate` (alembic) with AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
            58,
        ),
        App(
            "pretix",
            "pretix==2026.8.0",
            ("pretix==2026.8.0",),
            "`python -m pretix migrate` with a pretix.cfg naming the database (Django)",
            155,
        ),
    ]
}
