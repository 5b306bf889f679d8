"""Create one application's real schema in an empty database, with its own code.

    python -m benchmarks.corpus.create NAME --dsn DSN [--fresh]

NAME is one of ``registry.APPS``; DSN a libpq URL of the target database. The app
is installed first into ``benchmarks/out/venvs/NAME`` when its venv is missing.
``--fresh`` drops and re-creates the database first (its name must end in
``_corpus``, so nothing else is ever dropped).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

if __package__ in (None, ""):  # run as a file: benchmarks/corpus/create.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from benchmarks.corpus.install import install
from benchmarks.corpus.registry import APPS, App

CREATE_TIMEOUT_S = 900
"""pretix's 600-odd Django migrations take about 6 minutes on 2 cores; a hung app must
not hang `make corpus`."""


def fresh_database(dsn: str) -> None:
    name = str(conninfo_to_dict(dsn).get("dbname", ""))
    if not name.endswith("_corpus"):
        raise SystemExit(f"refusing to drop {name!r}: --fresh only drops databases named *_corpus")
    with psycopg.connect(make_conninfo(dsn, dbname="postgres"), autocommit=True) as c:
        c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def as_url(dsn: str) -> str:
    """A libpq URL for ``dsn`` (a URL or a ``key=value`` string): what the apps' scripts parse."""
    info = {k: str(v) for k, v in conninfo_to_dict(dsn).items()}
    user = quote(info.get("user", "postgres"), safe="")
    auth = user + (":" + quote(info["password"], safe="") if info.get("password") else "")
    db = quote(info.get("dbname", "postgres"), safe="")
    host, port = info.get("host", "localhost"), info.get("port", "5432")
    if host.startswith("/"):
        return f"postgresql://{auth}@/{db}?host={quote(host, safe='/')}&port={port}"
    return f"postgresql://{auth}@{host}:{port}/{db}"


def create(app: App, dsn: str, *, fresh: bool = False) -> None:
    """Install ``app`` if needed and let it create its schema in ``dsn``."""
    install(app)
    if fresh:
        fresh_database(dsn)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["CORPUS_DSN"] = as_url(dsn)
    subprocess.run(
        [str(app.python), str(app.script)],
        env=env,
        check=True,
        timeout=CREATE_TIMEOUT_S,
        cwd=app.venv,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("name", choices=sorted(APPS))
    parser.add_argument("--dsn", required=True, help="libpq URL of the (empty) target database")
    parser.add_argument(
        "--fresh", action="store_true", help="drop and re-create a *_corpus database first"
    )
    args = parser.parse_args(argv)
    try:
        create(APPS[args.name], args.dsn, fresh=args.fresh)
    except subprocess.CalledProcessError as exc:
        print(f"{args.name}: schema creation failed (exit {exc.returncode})", file=sys.stderr)
        return 1
    except subprocess.TimeoutExpired:
        print(f"{args.name}: schema creation took over {CREATE_TIMEOUT_S} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
