"""``verify`` and the reading connection, for every pack (the engine's read side).

On an application's own, evolved schema (``binding.py``) the rules read renamed
columns under the models' names (temporary views, ``binding.shadow``), and a rule
whose column the database lacks is skipped, not failed (``checks.Guarded``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import PgseedError, VerificationFailed
from .packs.contract import Pack
from .pg import Conn

if TYPE_CHECKING:
    from .checks import Check

__all__ = ["VerifyResult", "bound_reading", "reading", "verify"]


@dataclass(frozen=True)
class VerifyResult:
    dbname: str
    checks: list[Check]

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


@contextmanager
def reading(pack: Pack, dsn: str, purpose: str = "verify") -> Iterator[tuple[str, Conn]]:
    """A connection to a database that holds ``pack``'s schema, or an application's own,
    evolved one (``verify`` and retail's report bind to it).

    Raises VerificationFailed (exit 6) when the schema is not there and ``purpose``
    is "verify", PgseedError (exit 1) for another purpose; DatabaseUnavailable (exit 5) when the database
    does not exist.
    """
    for dbname, conn, _ in _reading(pack, dsn, purpose):
        yield dbname, conn


def _reading(pack: Pack, dsn: str, purpose: str) -> Iterator[tuple[str, Conn, str]]:
    from .run import open_checked

    target, state = open_checked(dsn, pack.schema, write=False, dry_run=False)
    assert target is not None
    try:
        if state not in ("ok", "bind"):
            error = VerificationFailed if purpose == "verify" else PgseedError
            raise error(
                f'database "{target.dbname}" has no {pack.name} schema yet: nothing to {purpose}.'
            )
        yield target.dbname, target.conn, state
    finally:
        target.conn.close()


@contextmanager
def bound_reading(
    pack: Pack, dsn: str, maps: Mapping[str, Mapping[str, str]], purpose: str = "verify"
) -> Iterator[tuple[str, Conn]]:
    """``reading``, bound: on an application's own schema (or with ``--map``) the pack's
    queries read renamed columns under the models' names (``binding.shadow``), and on
    an evolved schema a query naming a column the database lacks returns no rows
    instead of failing (``checks.Guarded``; ``checks.clear_missing`` resets what it
    noted). The transaction is rolled back at the end (the views go with it)."""
    from typing import cast

    from .binding import bind, shadow
    from .checks import Guarded, clear_missing

    for dbname, conn, state in _reading(pack, dsn, purpose):
        if state == "bind" or maps:
            shadow(conn, bind(conn, pack.schema, maps))
        # Only an application's own schema may lack a rule's column: on the pack's own,
        # a query naming a missing column is a bug in the rule, and fails.
        reader = cast("Conn", Guarded(conn)) if state == "bind" else conn
        clear_missing()
        try:
            yield dbname, reader
        finally:
            clear_missing()
            if not conn.closed:
                conn.rollback()


def verify(pack: Pack, cfg: Any, dsn: str | None = None) -> VerifyResult:
    """Every rule of the pack against ``dsn`` (None: ``$DATABASE_URL``); the caller decides
    what a failure means (the CLI exits 6). On an application's own schema the rules
    read renamed columns (``--map``) under the models' names, and a rule whose column
    the database lacks is skipped, not failed (``bound_reading``)."""
    from .engine import database_url, maps_of, pack_code

    with bound_reading(pack, dsn or database_url(), maps_of(cfg)) as (dbname, reader):
        with pack_code(pack, "verify"):
            checks = pack.verify(reader, cfg)
        return VerifyResult(dbname, checks)
