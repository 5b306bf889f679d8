"""pretix: `python -m pretix migrate` with a pretix.cfg naming the target database."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _dsn import parts

p = parts()
home = Path(tempfile.mkdtemp(prefix="pretix-home-"))
(home / "data").mkdir()
cfg = home / "pretix.cfg"
cfg.write_text(
    "[pretix]\n"
    f"datadir={home / 'data'}\n"
    "[database]\n"
    "backend=postgresql\n"
    f"name={p['dbname']}\n"
    f"user={p['user']}\n"
    f"password={p['password']}\n"
    f"host={p['host']}\n"
    f"port={p['port']}\n"
)
env = dict(os.environ, PRETIX_CONFIG_FILE=str(cfg))
subprocess.run(
    [sys.executable, "-m", "pretix", "migrate", "--noinput"], env=env, check=True, cwd=home
)
