"""Database URLs: read once, refuse malformed ones clearly, never show a password.

Every URL pgseed is given (``--database-url``, ``DATABASE_URL``, a library call)
goes through ``parse`` first. It accepts libpq's URL and keyword forms and the URLs
an application hands SQLAlchemy: ``postgresql+<driver>://`` (asyncpg, psycopg,
psycopg2, pg8000, ...; pgseed always connects with psycopg 3, so the driver part is
dropped) and ``postgres://``. Their query options are made libpq's: asyncpg's
``ssl=require`` becomes ``sslmode=require``; options that only tune the
application's driver (``DRIVER_ONLY``: statement caches, timeouts of asyncpg) are
dropped; any other option libpq does not know is refused (exit 2) by name. A URL for
another database (``mysql+pymysql://``) is refused (exit 2). ``parse`` also refuses,
with exit 2 and the percent-encoding fix, what libpq cannot read or reads as
something else than the user meant (``me:p@ss@host`` becomes the host ``ss@host``;
``me:pa/ss@host`` becomes host ``me``, port ``pa``).

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
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*)(?:\+([A-Za-z0-9_.-]*))?://")
POSTGRES_SCHEMES = ("postgresql", "postgres")
# Query options of SQLAlchemy's PostgreSQL drivers that tune only the application's
# client (asyncpg's statement caches and timeouts, SQLAlchemy's plugins): they do not
# change which database a URL names, so pgseed (which connects with psycopg 3) drops them.
DRIVER_ONLY = frozenset(
    {
        "prepared_statement_cache_size",
        "statement_cache_size",
        "max_cached_statement_lifetime",
        "max_cacheable_statement_size",
        "command_timeout",
        "timeout",
        "async_fallback",
        "plugin",
    }
)
# asyncpg's ``ssl=`` takes libpq's sslmode names, and true/false.
_SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_SSL_BOOL = {"true": "require", "1": "require", "yes": "require", "on": "require",
             "false": "disable", "0": "disable", "no": "disable", "off": "disable"}  # fmt: skip
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
    """Surrounding whitespace dropped; ``postgresql+driver://`` read as ``postgresql://``;
    ``ssl=MODE`` as ``sslmode=MODE``; the options in ``DRIVER_ONLY`` dropped. Never
    raises: what stays unreadable is for ``parse`` to refuse."""
    out = _DRIVER_SCHEME.sub(r"\1://", raw.strip())
    if "://" not in out or "?" not in out:
        return out
    base, query = out.split("?", 1)
    query, hash_, fragment = query.partition("#")
    kept = []
    for part in query.split("&"):
        key, _, value = part.partition("=")
        name = unquote(key).strip()
        if name in DRIVER_ONLY:
            continue
        mode = _ssl_mode(unquote(value)) if name == "ssl" else None
        kept.append(f"sslmode={mode}" if mode else part)
    return base + ("?" + "&".join(kept) if kept else "") + hash_ + fragment


def _ssl_mode(value: str) -> str | None:
    value = value.strip().lower()
    return value if value in _SSL_MODES else _SSL_BOOL.get(value)


def libpq_options() -> list[str]:
    """Every connection option (URL query parameter) the installed libpq knows."""
    return [o.keyword.decode() for o in psycopg.pq.Conninfo.get_defaults()]


def _check_scheme(raw: str, source: str) -> None:
    """ConfigError (exit 2) for a URL of another database than PostgreSQL."""
    from .config import did_you_mean

    m = _SCHEME.match(raw.strip())
    if m and m.group(1) not in POSTGRES_SCHEMES:
        scheme = m.group(0)[:-3]
        raise ConfigError(
            f"the database URL given by {source} ({_display(raw)}) is a {scheme}:// URL: "
            f"pgseed fills PostgreSQL databases only.{did_you_mean(m.group(1), POSTGRES_SCHEMES)}"
            "\nFix: give a postgresql:// URL (SQLAlchemy's postgresql+asyncpg://, "
            "+psycopg://, +psycopg2:// and +pg8000:// work too)."
        )


def _check_options(raw: str, dsn: str, source: str) -> None:
    """ConfigError (exit 2) naming a query option libpq does not know (left after
    ``normalise`` mapped ssl= and dropped the drivers' own), with the fix."""
    from .config import did_you_mean

    if "://" not in dsn or "?" not in dsn:
        return
    known = libpq_options()
    for part in dsn.split("?", 1)[1].partition("#")[0].split("&"):
        key, _, value = part.partition("=")
        name = unquote(key).strip()
        if name == "ssl":
            raise ConfigError(
                f"the database URL given by {source} ({_display(raw)}) has ssl={value!r}: "
                f"expected one of {', '.join(_SSL_MODES)} (or true/false).\n"
                "Fix: write e.g. ssl=require (or libpq's sslmode=require)."
            )
        if name and name not in known:
            raise ConfigError(
                f"the database URL given by {source} ({_display(raw)}) has the option "
                f"{name!r}, which neither libpq nor pgseed knows.{did_you_mean(name, known)}\n"
                f"Fix: remove ?{name}=... from the URL given to pgseed (options of the "
                f"application's driver that pgseed drops by itself: {', '.join(sorted(DRIVER_ONLY))}; "
                "ssl= is read as sslmode=)."
            )


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
    _check_scheme(raw, source)
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as exc:
        if "invalid URI query parameter" in str(exc):
            _check_options(raw, dsn, source)
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


# Any URL's userinfo: scheme://user:password@host (greedy to the authority's last '@',
# so an unencoded '@' in the password stays hidden too).
_URL_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)([^/?#\s]*)@")


def redact_urls(text: str) -> str:
    """``text`` with the password of every URL in it (any scheme: an ``--api-url``, an
    embeddings endpoint, a database URL) replaced by ``***``, then ``mask``-ed. For
    values pgseed writes down (the history's config, the reproduce line) whose URLs
    were never registered: a config file's."""

    def hide(m: re.Match[str]) -> str:
        userinfo = m.group(2)
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        return f"{m.group(1)}{userinfo}@"

    return mask(_URL_USERINFO.sub(hide, text))
