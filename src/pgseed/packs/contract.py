"""The pack contract: what a domain pack gives the engine, and what the engine gives it.

A pack is data plus a little code (``../shared/ARCHITECTURE.md``, rule 6): its
SQLAlchemy models and migration (``schema``), its config model, its generation rules
(``plan``, ``run``, ``samples``) and its verify rules. The engine does the rest once for
every pack (``pgseed.engine``): the target and its safety guards, one connection and
one transaction per run, the run lock, the schema, the replace/confirm policy, bulk
mode, the worker pool, COPY or file output, progress, the summary and the reproduce
line. A pack never opens a connection itself.

Adding a pack: a folder (models, migration, config, rules, verify), an object that
satisfies :class:`Pack`, and one registry entry (``pgseed.packs.BUILTIN``, or the
``pgseed.packs`` entry-point group for a pack installed from elsewhere).
``docs/packs.md`` walks through a 60-line example.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..binding import Binding
    from ..checks import Check
    from ..load import Sink
    from ..pg import Conn
    from ..pool import WorkerPool
    from ..progress import Reporter
    from ..run import SchemaSpec

Samples = dict[str, list[dict[str, str | None]]]
"""A few rows per table as text, for ``--dry-run``: ``{table: [{column: value}]}``."""


class Plan(Protocol):
    """What a run will write: at least the rows each table gains."""

    @property
    def rows(self) -> Mapping[str, int]: ...


@dataclass(frozen=True)
class RunContext:
    """Everything a pack's ``run`` may use, so no signature carries seven arguments.

    ``conn`` is the run's one connection, inside its one transaction (the engine
    commits or rolls back); it is None when the run writes files (``--output``), where
    the pack must behave as on an empty database. ``seed`` is the run's seed (the
    config's ``seed``, drawn by the engine when absent); ``cfg`` is the config with
    that seed set. ``binding`` is the ``binding.Binding`` of an application's own,
    evolved schema the run writes through (``ctx.sink`` applies it to every COPY); None
    on the pack's own schema. A pack that names columns in statements of its own (a
    unique-conflict judge) reads it to name the live columns.
    """

    cfg: Any
    conn: Conn | None
    sink: Sink
    pool: WorkerPool
    reporter: Reporter
    seed: int
    binding: Binding | None = None


@runtime_checkable
class Pack(Protocol):
    """A domain pack, as the engine sees it.

    Attributes:
        name: the CLI group and registry key (``pgseed <name> generate``).
        help: one line for ``pgseed --help``.
        schema: the models, migrations and COPY columns (``run.SchemaSpec``).
        default_database: what ``--embedded`` targets, e.g. ``genonaut_demo``.
        workers: modules the worker processes import up front (numpy-only ones).
        config_model: the pydantic model of the config; it has a ``seed`` key.
        replaces: True when ``generate`` replaces the pack's tables (retail's
            ``--full-new``): the engine then locks them, asks for ``--confirm`` when
            they hold rows (``safety.confirm_replace``) and empties them, all inside
            the run's transaction. False: a run adds to what is there (Genonaut).
        cli: ``"module:attribute"`` of a click group with the pack's own flags and
            verbs (retail's append/delete/report), or None for the generic group
            (``generate`` and ``verify``, one flag per config key).

    Optional:
        env_aliases: environment variables the pack reads besides ``PGSEED_<KEY>``,
            variable -> dotted config key (retail: spec 003's ``SEEDER_*``); read by
            ``layers.build`` as the "environment" source.
    """

    name: str
    help: str
    schema: SchemaSpec
    default_database: str
    workers: tuple[str, ...]
    config_model: type[BaseModel]
    replaces: bool
    cli: str | None

    def plan(self, cfg: Any, conn: Conn | None) -> Plan:
        """Check the config against the database (None: an empty one) and say what a run
        writes. Raises ConfigError (exit 2) or GenerationError (exit 1) before anything
        is written."""
        ...

    def run(self, ctx: RunContext, plan: Plan) -> None:
        """Write the plan's rows through ``ctx.sink``, in FK order. With a connection it
        runs inside the engine's transaction (the engine has taken the run lock and,
        for a pack that replaces, emptied the tables)."""
        ...

    def samples(self, cfg: Any, plan: Plan, seed: int) -> Samples:
        """The first few rows each table would get (for ``--dry-run``); no database."""
        ...

    def verify(self, conn: Conn, cfg: Any) -> list[Check]:
        """Every rule of the pack's spec against a database; read only."""
        ...
