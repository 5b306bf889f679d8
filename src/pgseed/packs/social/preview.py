"""``--dry-run`` for the seeding verbs: the command's phases run in memory (``ledger.Memory``)
against what the target holds, read only, into a sink that counts rows and keeps the first
few of each table. Nothing is written and no database is created; the counts are the real
run's, not estimates (activity is simulated, day by day, as the real run simulates it),
and the same refusals come from the same code (a window already simulated, another run
seed, dates out of range).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from ...errors import DatabaseMissing
from ...safety import production_guard
from ...sinks.decode import decode_text
from ..contract import Samples
from .config import SocialConfig
from .ledger import Memory
from .ops import Phases, write_phases
from .tables import COLUMNS, SCHEMA

SAMPLE_ROWS = 3


class SampleSink:
    """A sink that counts the rows of each table and keeps its first ``k`` as text."""

    def __init__(self, k: int = SAMPLE_ROWS) -> None:
        self.k = k
        self.written: dict[str, int] = {}  # tables in the order they are first written
        self.binary: dict[str, int] = {}  # always text: the samples decode it
        self.samples: Samples = {}

    def copy(self, table: str, data: Sequence[bytes] | bytes, rows: int) -> None:
        if rows == 0:
            return
        self.written[table] = self.written.get(table, 0) + rows
        kept = self.samples.setdefault(table, [])
        if len(kept) >= self.k:
            return
        first = data if isinstance(data, bytes) else data[0]
        # Rows end in a raw newline (one inside a value is escaped): cut after the k-th.
        cut = 0
        for _ in range(self.k - len(kept)):
            nl = first.find(b"\n", cut)
            if nl < 0:
                break
            cut = nl + 1
        names = COLUMNS[table]
        cols = decode_text(first[:cut], len(names))
        kept += [dict(zip(names, row, strict=True)) for row in zip(*cols, strict=True)]


@dataclass
class Preview:
    """What a seeding command would do. ``dbname`` None: the database does not exist yet
    (or the command writes files); ``state`` as ``run.open_checked`` says it."""

    dbname: str | None
    state: str
    rows: dict[str, int]
    samples: Samples
    users: tuple[int, int] | None = None
    already: str = ""
    notes: list[str] = field(default_factory=list)


def preview(dsn: str | None, cfg: SocialConfig, phases: Phases) -> Preview:
    """The rows, samples and users of ``phases`` run against ``dsn`` (None: an empty
    database, as ``--output`` writes), computed in memory with the database read only."""
    from ...binding import bind, shadow
    from ...engine import maps_of
    from ...run import open_checked

    production_guard()
    target, state = None, "missing-database"
    if dsn is not None:
        with contextlib.suppress(DatabaseMissing):  # one to be created: previewed as empty
            target, state = open_checked(dsn, SCHEMA, write=False, dry_run=True)
    try:
        conn = None
        if target is not None and state in ("ok", "bind"):
            conn = target.conn
            maps = maps_of(cfg)
            if state == "bind" or maps:  # the pack's reads see renamed columns (--map)
                shadow(conn, bind(conn, SCHEMA, maps))  # temporary views, rolled back
                conn.execute("SET TRANSACTION READ ONLY")  # allowed after the views
            else:
                conn.read_only = True  # a dry run cannot write, whatever the code below does
        if target is not None and state == "absent":
            from ...fresh import check_fresh  # the refusal a real run would give

            check_fresh(target.conn, SCHEMA, target.dbname)
        sink = SampleSink()
        notes: list[str] = []
        users, already = write_phases(Memory(conn), sink, cfg, phases, notes)
    finally:
        if target is not None:
            target.conn.close()
    rows = {t: n for t, n in sink.written.items() if n}
    return Preview(
        target.dbname if target is not None else None,
        state,
        rows,
        {t: s for t, s in sink.samples.items() if s},
        users,
        already,
        notes,
    )
