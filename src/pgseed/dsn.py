"""Database URLs: read once, refuse malformed ones clearly, never show a password.

Every URL pgseed is given (``--database-url``, ``DATABASE_URL``) goes through
``parse`` first. It accepts libpq's URL and keyword forms and SQLAlchemy's
driver spellings (``postgresql+psycopg://``, ``postgresql+asyncpg://``), and
refuses, with exit 2 and the percent-encoding fix, what libpq cannot read or
reads as something else than the user meant (``me:p@ss@host`` becomes the host
``ss@host``; ``me:pa/ss@host`` becomes host ``me``, port ``pa``).

Passwords never reach a message: ``redact`` hides the password of a URL for
display, and ``mask`` hides every password pgseed has been given (as written,
percent-decoded, and as libpq parsed it) from any text, such as a libpq error
that quotes part of a malformed URL. The CLI's error handler and the progress
reporter pass everything they print through ``mask``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import unquote

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from .errors import ConfigError

# SQLAlchemy spells the driver into the scheme; libpq knows only the plain schemes.
_DRIVER_SCHEME = re.compile(r"^(postgresql|postgres)\+[A-Za-z0-9_]+://")
# libpq's secret keywords: password, and sslpassword (the client key's passphrase).
SECRET_KEYS = ("password", "sslpassword")
_KEYWORD_PASSWORD = re.compile(r"""(?:ssl)?password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)""")
# An unquoted keyword password with a space runs to the next ``key=``.
_KEYWORD_RUN = re.compile(r"((?:ssl)?password)\s*=\s*(.*?)(?=\s+\w+\s*=|$)")
_QUOTED = re.compile(r'"([^"]*)"')
_QUERY_PASSWORD = re.compile(r"[?&]((?:ssl)?password)=([^&#]*)")

# Shorter strings are not masked: replacing every "ab" in a message would garble it,
# and pgseed never prints a URL's password part anyway (``redact``); masking is the
# second guard, for text pgseed does not control (libpq's errors).
MIN_MASKED = 3

FIX = (
    "Fix: percent-encode special characters in the user name and password: % as %25, "
    "@ as %40, : as %3A, / as %2F, # as %23, ? as %3F, a space as %20 (Python: "
    "urllib.parse.quote(password, safe='')); e.g. postgresql://me:p%40ss@localhost/app_test"
)

_secrets: set[str] = set()


def secrets_in(raw: str) -> set[str]:
    """Every spelling of a password ``raw`` may hold, parseable or not."""
    found: set[str] = set()
    rest = raw.split("://", 1)[1] if "://" in raw else ""
    if "@" in rest:
        userinfo = rest.rsplit("@", 1)[0]
        if ":" in userinfo:
            found.add(userinfo.split(":", 1)[1])
    found.update(value for _, value in _QUERY_PASSWORD.findall(raw))
    keyword = raw if not rest else ""
    found.update(value for _, value in _KEYWORD_RUN.findall(keyword))
    for value in _KEYWORD_PASSWORD.findall(keyword):
        found.add(value)
        found.add(value.strip("'").replace("\\'", "'").replace("\\\\", "\\"))
    try:
        params = conninfo_to_dict(normalise(raw))
    except psycopg.ProgrammingError:
        params = {}
    found.update(str(params[k]) for k in SECRET_KEYS if params.get(k))
    found |= {unquote(s) for s in found}
    return {s for s in found if s}


def register(raw: str) -> None:
    """Remember the passwords in ``raw`` so that ``mask`` hides them from any message."""
    _secrets.update(secrets_in(raw))


def register_argv(args: Sequence[str], environ: Mapping[str, str]) -> None:
    """Register the passwords of every URL on a command line (any flag, or none: a URL
    given to the wrong flag still must not be echoed) and of ``DATABASE_URL``, before
    anything parses them, so that every message, click's own included, hides them."""
    for arg in args:
        value = arg.split("=", 1)[1] if arg.startswith("--") and "=" in arg else arg
        if "://" in value or "password" in value.lower():
            register(value)
    for name in ("DATABASE_URL", "PGSEED_TEST_DSN"):
        if environ.get(name):
            register(environ[name])
    if environ.get("PGPASSWORD"):
        _secrets.add(environ["PGPASSWORD"])


def mask(text: str) -> str:
    """``text`` with every registered password replaced by ``***``."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if len(secret) >= MIN_MASKED:
            text = text.replace(secret, "***")
    return text


def normalise(raw: str) -> str:
    """Surrounding whitespace dropped; ``postgresql+driver://`` read as ``postgresql://``."""
    return _DRIVER_SCHEME.sub(r"\1://", raw.strip())


def _display(raw: str) -> str:
    """``raw`` for a message, its password parts replaced by ``***``, even when libpq
    cannot parse it (structural: userinfo up to the last '@', password= values)."""
    out = raw.strip()
    if "://" not in out:
        return _KEYWORD_RUN.sub(lambda m: f"{m.group(1)}=***", out)
    scheme, rest = out.split("://", 1)
    if "@" in rest:
        userinfo, host = rest.rsplit("@", 1)
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        rest = f"{userinfo}@{host}"
    rest = _QUERY_PASSWORD.sub(lambda m: f"{m.group(0)[0]}{m.group(1)}=***", rest)
    return f"{scheme}://{rest}"


def _scrub(message: str, secrets: set[str]) -> str:
    """A libpq message with each quoted token that overlaps a password hidden
    (libpq quotes the token it choked on, which may be a piece of the password)."""

    def hide(m: re.Match[str]) -> str:
        token = m.group(1)
        overlaps = any(
            token == s
            or (len(s) >= MIN_MASKED and s in token)
            or (len(token) >= MIN_MASKED and token in s)
            for s in secrets
        )
        return '"***"' if overlaps else m.group(0)

    return mask(_QUOTED.sub(hide, message))


def parse(raw: str, source: str) -> str:
    """The libpq connection string for ``raw`` (from ``source``, e.g. ``--database-url``).

    Raises ConfigError (exit 2) for a URL libpq cannot read, or one it would read
    with part of the password as the host, port or database name.
    """
    register(raw)
    dsn = normalise(raw)
    if not dsn:
        raise ConfigError(
            f"{source} is empty.\nFix: pass a URL like postgresql://me@localhost/app_test"
        )
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as exc:
        raise ConfigError(
            f"cannot parse the database URL given by {source} ({_display(raw)}): "
            f"{_scrub(str(exc).strip(), secrets_in(raw))}.\n{FIX}"
        ) from None
    odd = [k for k in ("host", "hostaddr", "port", "dbname", "user") if "@" in str(params.get(k))]
    if "://" in dsn:  # userinfo@host: one '@' at most before the path or the query
        authority = re.split(r"[/?]", dsn.split("://", 1)[1], maxsplit=1)[0]
        if authority.count("@") > 1:
            odd.append("password")
    port = str(params.get("port") or "")
    if odd or (port and not all(p.strip().isdigit() for p in port.split(","))):
        what = (
            "its password is cut at the first '@'"
            if odd == ["password"]
            else f"its {', '.join(o for o in odd if o != 'password')} would contain '@'"
            if odd
            else "its port is not a number"
        )
        raise ConfigError(
            f"the database URL given by {source} ({_display(raw)}) is malformed: {what}, "
            f"so a special character in the password is probably not percent-encoded.\n{FIX}"
        )
    return dsn


def redact(dsn: str) -> str:
    """The connection string with its password hidden, for messages."""
    try:
        params = conninfo_to_dict(normalise(dsn))
    except psycopg.ProgrammingError:
        return _display(dsn)
    for key in SECRET_KEYS:
        if key in params:
            params[key] = "***"
    return make_conninfo(**{k: str(v) for k, v in params.items()})
