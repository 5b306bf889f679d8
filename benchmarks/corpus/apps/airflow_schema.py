"""airflow: `airflow db migrate` against the target, in a throw-away AIRFLOW_HOME."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _dsn import sqlalchemy_url

env = dict(os.environ)
env["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="airflow-home-")
env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = sqlalchemy_url("psycopg2")
env["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
airflow = Path(sys.executable).parent / "airflow"
subprocess.run([str(airflow), "db", "migrate"], env=env, check=True)
