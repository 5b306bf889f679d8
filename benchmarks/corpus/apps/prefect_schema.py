"""prefect: `prefect server database upgrade -y` against the target (asyncpg)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _dsn import sqlalchemy_url

env = dict(os.environ)
env["PREFECT_API_DATABASE_CONNECTION_URL"] = sqlalchemy_url("asyncpg")
env["PREFECT_HOME"] = tempfile.mkdtemp(prefix="prefect-home-")
prefect = Path(sys.executable).parent / "prefect"
subprocess.run([str(prefect), "server", "database", "upgrade", "-y"], env=env, check=True)
