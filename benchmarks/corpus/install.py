"""Create an application's venv and install its pinned requirements (idempotent)."""

from __future__ import annotations

import subprocess
import sys

from .registry import APPS, App


def install(app: App, *, quiet: bool = True) -> None:
    stamp = app.venv / ".installed"
    wanted = "\n".join(app.requirements)
    if stamp.exists() and stamp.read_text() == wanted:
        return
    app.venv.parent.mkdir(parents=True, exist_ok=True)
    if not app.python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(app.venv)], check=True)
    pip = [str(app.python), "-m", "pip", "install", *(["--quiet"] if quiet else [])]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, *app.requirements], check=True)
    stamp.write_text(wanted)


if __name__ == "__main__":
    for name in sys.argv[1:] or list(APPS):
        install(APPS[name], quiet=False)
