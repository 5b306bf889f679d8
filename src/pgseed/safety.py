"""Guards that judge the database actually reached, not the text of a URL.

* ``APP_ENV=production`` refuses every write.
* The target database's name must end in ``_demo`` or ``_test``: checked on the
  name libpq will use (URL, keywords, PGDATABASE, user name) before connecting,
  and again on ``current_database()`` after.
* A local development database with another name is a target only when the user
  names it exactly (``--allow-database NAME``, ``PGSEED_ALLOW_DATABASE=a,b``, or
  ``allowing(["NAME"])`` from Python), and never under ``APP_ENV=production``.
* A ``_demo``/``_test`` database that does not exist yet is created.
* spec 003's policy: ``SEEDER_ALLOW_PRODUCTION`` never lifts the production block;
  destructive operations need ``--confirm`` unless ``SEEDER_REQUIRE_CONFIRM=false``.
"""

from __future__ import annotations

import contextlib
import getpass
import multiprocessing
import os
import shlex
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from . import locks
from .dsn import FIX, parse, redact
from .errors import ConfigError, DatabaseMissing, DatabaseUnavailable, SafetyError
from .pg import Conn

__all__ = [
    "ALLOW_ENV",
    "Target",
    "allowed_databases",
    "allowing",
    "check_app_env",
    "check_name",
    "confirm_replace",
    "effective_dbname",
    "env_flag",
    "open_target",
    "parse_allowed",
    "production_guard",
    "redact",
    "require_confirm",
]

ALLOWED_SUFFIXES = ("_demo", "_test")


def check_app_env(action: str = "write to") -> None:
    if os.environ.get("APP_ENV", "").strip().lower() == "production":
        raise SafetyError(
            f"APP_ENV=production: pgseed refuses to {action} any database.\n"
            "Fix: run it where APP_ENV is not production (it seeds demo and test databases only)."
        )


def effective_dbname(dsn: str) -> str:
    """The database name libpq will connect to for ``dsn``."""
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        raise ConfigError(f"cannot parse the database URL {redact(dsn)}.\n{FIX}") from None
    name = params.get("dbname") or os.environ.get("PGDATABASE")
    if not name:
        name = params.get("user") or os.environ.get("PGUSER") or getpass.getuser()
    return str(name)


ALLOW_ENV = "PGSEED_ALLOW_DATABASE"
# Names allowed by the command being run (``--allow-database``); a ContextVar, so an
# allowance ends with the command that gave it (the CLI resets it when the command's
# context closes), even when several commands run in one process (tests, a notebook).
_ALLOWED: ContextVar[frozenset[str]] = ContextVar("pgseed_allowed", default=frozenset())


def parse_allowed(raw: str, source: str) -> frozenset[str]:
    """The database names in ``raw`` (comma-separated), from ``source`` (a flag or variable).

    ConfigError (exit 2) for an empty name or a URL: the allowance names one database
    exactly, never a pattern or a server."""
    names = [n.strip() for n in raw.split(",")]
    for name in names:
        if not name:
            raise ConfigError(
                f"{source}: an empty database name in {raw!r}.\n"
                "Fix: name the database exactly, e.g. --allow-database forecastlab "
                "(several: PGSEED_ALLOW_DATABASE=forecastlab,shop)."
            )
        if "://" in name or "=" in name:
            raise ConfigError(
                f"{source}: expected a database name, got a connection string.\n"
                "Fix: give the URL to --database-url and only the database's name here, "
                "e.g. --allow-database forecastlab."
            )
    return frozenset(names)


@contextlib.contextmanager
def allowing(names: Iterable[str]) -> Iterator[None]:
    """Within the block, the databases named in ``names`` may be targets although their
    names lack ``_demo``/``_test`` (never under ``APP_ENV=production``)."""
    token = _ALLOWED.set(_ALLOWED.get() | frozenset(names))
    try:
        yield
    finally:
        _ALLOWED.reset(token)


def allowed_databases() -> frozenset[str]:
    """The names ``allowing`` and ``PGSEED_ALLOW_DATABASE`` allow."""
    raw = os.environ.get(ALLOW_ENV, "")
    from_env = parse_allowed(raw, ALLOW_ENV) if raw.strip() else frozenset()
    return _ALLOWED.get() | from_env


def check_name(name: str) -> None:
    if name.endswith(ALLOWED_SUFFIXES):
        return
    allowed = allowed_databases()
    if name in allowed:
        if os.environ.get("APP_ENV", "").strip().lower() == "production":
            raise SafetyError(
                f'refusing database "{name}": APP_ENV=production, and --allow-database '
                f"(or {ALLOW_ENV}) never applies there.\nFix: run it where APP_ENV is not "
                "production, against a local development database."
            )
        return
    named = (
        f" (--allow-database/{ALLOW_ENV} name only: {', '.join(sorted(allowed))})"
        if allowed
        else ""
    )
    raise SafetyError(
        f'refusing database "{name}": pgseed writes only to databases whose name ends in '
        f"_demo or _test{named}.\nFix: point --database-url (or DATABASE_URL) at e.g. "
        f"{name}_demo, or use --embedded; or, if {name} is a local development database "
        f"you mean pgseed to fill, name it: --allow-database {shlex.quote(name)} "
        f"(or {ALLOW_ENV}={shlex.quote(name)})."
    )


def env_flag(name: str, default: bool) -> bool:
    """A true/false environment variable (1/0, yes/no, on/off); ConfigError otherwise."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={raw!r}: expected true or false.")


def production_guard() -> None:
    """spec 003: production is blocked, for every operation on a database (dry runs too)."""
    allow = env_flag("SEEDER_ALLOW_PRODUCTION", False)
    if os.environ.get("APP_ENV", "").strip().lower() == "production" and allow:
        raise SafetyError(
            "APP_ENV=production: pgseed never writes to production, and "
            "SEEDER_ALLOW_PRODUCTION=true does not lift that.\nFix: run it against a "
            "demo or test environment."
        )
    check_app_env()


def require_confirm(action: str, confirm: bool) -> None:
    """spec 003's guards: production blocked, --confirm for destructive operations."""
    production_guard()
    require = env_flag("SEEDER_REQUIRE_CONFIRM", True)
    if not confirm and require:
        raise SafetyError(
            f"{action} is destructive and needs --confirm.\n"
            f"Fix: add --confirm (or --dry-run to preview what it would do)."
        )


def confirm_replace(action: str, held: Mapping[str, int], confirm: bool) -> None:
    """A run that replaces tables holding rows is destructive: ``require_confirm``.

    Called inside the run's transaction with the tables locked, on counts read under
    that lock, so rows another run wrote meanwhile are never replaced unconfirmed."""
    held = {t: n for t, n in held.items() if n}
    if held:
        require_confirm(
            f"{action} into tables that hold rows ("
            + ", ".join(f"{t} {n:,}" for t, n in held.items())
            + ")",
            confirm,
        )


@dataclass
class Target:
    conn: Conn
    dbname: str
    created: bool


SESSION = "SET lc_monetary TO 'C'; SET DateStyle TO 'ISO, MDY'; SET IntervalStyle TO 'postgres'"
"""Every session of pgseed reads and writes text in one form, whatever the database or
its role sets: these settings change how PostgreSQL prints a CHECK's constants and a
sample, and how it reads money. Under de_DE the money text ``12.34`` is 1.234,00 EUR
and a bound prints as ``'10,00 EUR'``; ``DateStyle = German`` prints ``'01.03.2020'``;
``IntervalStyle = sql_standard`` prints ``'1 2:00:00'``. None of them changes a stored
value (money is an int64 of cents), so the application's own sessions show the same
rows in their styles."""


def _connect(dsn: str) -> Conn:
    conn = psycopg.connect(dsn, autocommit=False, connect_timeout=10)
    conn.execute(SESSION)
    conn.commit()  # for the session: a later rollback does not undo it
    return conn


def _missing_database(exc: psycopg.OperationalError, name: str) -> bool:
    # The server's words for this database: a role of the same name that does not exist
    # ('role "x_test" does not exist') is not a database to create.
    return f'database "{name}" does not exist' in str(exc)


def refuse_in_worker_bootstrap() -> None:
    """A worker process imports the caller's script before it runs anything (``spawn``):
    a script that calls pgseed at import time would run it again in every worker, each
    waiting for the parent's run lock while the parent waits for them. Refused before
    connecting (ConfigError, exit 2); the parent then reports the worker's death."""
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise ConfigError(
            "pgseed was called while a worker process was importing your script.\n"
            'Fix: call pgseed under `if __name__ == "__main__":` in the script.'
        )


def open_target(dsn: str, *, write: bool, create: bool) -> Target:
    """Connect to ``dsn`` after the safety checks; create the database if allowed.

    ``dsn`` may be any URL ``dsn.parse`` accepts (a library caller's SQLAlchemy URL
    too): it is read here, so every way in judges and reaches the same database."""
    refuse_in_worker_bootstrap()
    if write:
        check_app_env()
    dsn = parse(dsn, "the database URL")
    name = effective_dbname(dsn)
    check_name(name)
    created = False
    try:
        conn = _connect(dsn)
    except psycopg.OperationalError as exc:
        if not _missing_database(exc, name):
            raise DatabaseUnavailable(
                f"cannot connect to {redact(dsn)}: {str(exc).strip()}\n"
                "Fix: check the URL and that the server is running (or use --embedded)."
            ) from exc
        if not create:
            raise DatabaseMissing(
                f'database "{name}" does not exist, and this command does not create one.\n'
                "Fix: check the database name in the URL. pgseed creates a database only to "
                "generate or seed a pack into it; fill, append and delete need one that exists."
                if write
                else f'database "{name}" does not exist: nothing to read.\n'
                "Fix: check the database name in the URL, or seed it first."
            ) from exc
        _create_database(dsn, name)
        created = True
        conn = _connect(dsn)
    row = conn.execute("SELECT current_database()").fetchone()
    actual = str(row[0]) if row else ""
    try:
        check_name(actual)
    except SafetyError:
        conn.close()
        raise
    conn.rollback()
    return Target(conn, actual, created)


def require_existing(dsn: str) -> None:
    """A verb that continues data already there (an activity append, a job) creates no
    database: DatabaseMissing (exit 5) when it does not exist. The run's transaction
    would create it, schema and all, then fail on the empty tables and leave it behind."""
    open_target(dsn, write=False, create=False).conn.close()


def _create_database(dsn: str, name: str) -> None:
    """CREATE DATABASE, serialised between pgseed runs (``locks``): a run that finds the
    database created by another one meanwhile uses it."""
    admin_dsn = make_conninfo(dsn, dbname="postgres")
    try:
        with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=10) as admin:
            admin.execute("SELECT pg_advisory_lock(%s)", [locks.key("pgseed", "create", name)])
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            # DuplicateDatabase: created meanwhile by someone who does not take the lock.
            if exists.fetchone() is None:
                with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.errors.InsufficientPrivilege as exc:
        raise DatabaseUnavailable(
            f'database "{name}" does not exist and could not be created: {str(exc).strip()}\n'
            "Fix: create it yourself (createdb) or grant CREATEDB to the user."
        ) from exc
    except psycopg.Error as exc:
        raise DatabaseUnavailable(
            f'database "{name}" does not exist and could not be created: {str(exc).strip()}\n'
            "Fix: create it yourself (createdb), or check that the user may connect to the "
            '"postgres" database to create it.'
        ) from exc
