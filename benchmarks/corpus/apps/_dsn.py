"""The target database, from ``CORPUS_DSN`` (a libpq URL), in the forms the apps take.

Runs inside an application's venv: standard library only.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, quote, urlsplit


def parts() -> dict[str, str]:
    """user, password, host (a socket directory or a name), port, dbname."""
    u = urlsplit(os.environ["CORPUS_DSN"])
    q = {k: v[-1] for k, v in parse_qs(u.query).items()}
    return {
        "user": u.username or q.get("user", "postgres"),
        "password": u.password or q.get("password", ""),
        "host": q.get("host") or u.hostname or "localhost",
        "port": str(u.port or q.get("port", "5432")),
        "dbname": u.path.lstrip("/") or q.get("dbname", "postgres"),
    }


def sqlalchemy_url(driver: str) -> str:
    """``postgresql+DRIVER://user:pw@/db?host=/socket/dir`` (or ``@host:port/db``)."""
    p = parts()
    auth = quote(p["user"]) + (":" + quote(p["password"]) if p["password"] else "")
    if p["host"].startswith("/"):
        return (
            f"postgresql+{driver}://{auth}@/{p['dbname']}?host={quote(p['host'])}&port={p['port']}"
        )
    return f"postgresql+{driver}://{auth}@{p['host']}:{p['port']}/{p['dbname']}"
