"""What a command finds before it runs, and where its rows that are not COPY go.

The phases (``ops.write_profiles``, ``ops.write_activity``) read the state they continue
(the highest ids, the reference rows, the earlier runs, the activity so far) and write the
reference rows, "InterestDirty" and "SeedRun" as well as their COPY data. Two ledgers:

- ``Database``: a real run, inside its transaction: reads the database, writes those rows
  with SQL (the reference rows keep ids an application may already point at).
- ``Memory``: ``--output`` and ``--dry-run``: reads a database when there is one (read
  only, for a dry run against it) or nothing (an empty database), and writes every row
  through the sink, numbered as the database's identities would number them, so the
  files and the preview hold what a real run would write.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ... import __version__
from ...encode import Field, encode_rows
from ...load import Sink
from ...pg import Conn
from . import pools, reference, vocab
from .activity import state as prior
from .activity.emit import Ids
from .activity.sim import Simulation
from .config import SocialConfig
from .db import fetch, value
from .profiles import RefIds
from .tables import ACTIVITY_TABLES
from .world import ProfileRun, config_of

# Execution knobs that change no row: left out of the "SeedRun" config so a run's bytes do
# not depend on them (ARCHITECTURE rule 1: "whatever the batch size").
UNRECORDED = frozenset({"seed", "batch_size"})


@dataclass(frozen=True)
class Run:
    """One "SeedRun" row as the phases read it back."""

    run_seed: str
    kind: str
    start: dt.date | None
    days: int | None
    config: dict[str, Any]


def _ts(at: dt.datetime) -> str:
    return at.isoformat(sep=" ", timespec="milliseconds")


def run_row(
    cfg: SocialConfig,
    kind: str,
    start: dt.date | None,
    days: int | None,
    extra: Mapping[str, object],
    users: int,
) -> tuple[Run, list[Field]]:
    """A "SeedRun" row: the run seed, the phase, its window and its whole config (every
    key but ``UNRECORDED``), as a ``Run`` and as COPY fields after the id."""
    assert cfg.run_seed is not None
    config = {**cfg.model_dump(mode="json", exclude=set(UNRECORDED)), **extra}
    count = cfg.count if kind == "profiles" else users
    created = dt.datetime.combine(start or cfg.start_date, dt.time())
    fields: list[Field] = [
        cfg.run_seed,
        kind,
        None if start is None else start.isoformat(),
        None if days is None else str(days),
        str(count),
        __version__,
        json.dumps(config),
        _ts(created),
    ]
    return Run(cfg.run_seed, kind, start, days, config), fields


class Database:
    """A real run's ledger: the run's connection, inside its transaction."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    def max_id(self, table: str) -> int:
        return int(value(self.conn, f'SELECT coalesce(max(id), 0) FROM "{table}"'))

    def reference(self, sink: Sink, at: dt.datetime) -> RefIds:
        return reference.ensure(self.conn, at, sink.written)

    def mark_dirty(self, sink: Sink, dirty: dict[int, int]) -> None:
        """ "InterestDirty": every interest a user touched, at its latest touch (spec 5.1)."""
        if not dirty:
            return
        ids = list(dirty)
        at = [dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=dirty[i]) for i in ids]
        self.conn.execute(
            'UPDATE "InterestDirty" d SET "touchedAt" = greatest(d."touchedAt", v.at) '
            'FROM unnest(%s::bigint[], %s::timestamp[]) AS v(id, at) WHERE d."interestId" = v.id',
            [ids, at],
        )
        sink.written["InterestDirty"] += self.conn.execute(
            'INSERT INTO "InterestDirty" ("interestId", "touchedAt") '
            "SELECT v.id, v.at FROM unnest(%s::bigint[], %s::timestamp[]) AS v(id, at) "
            'WHERE NOT EXISTS (SELECT 1 FROM "InterestDirty" d WHERE d."interestId" = v.id)',
            [ids, at],
        ).rowcount

    def users(self) -> int:
        return int(value(self.conn, 'SELECT count(*) FROM "User"'))

    def record(self, sink: Sink, run: Run, fields: list[Field]) -> None:
        self.conn.execute(
            'INSERT INTO "SeedRun" ("runSeed", kind, "startDate", days, "profileCount", '
            '"pgseedVersion", config, "createdAt") VALUES (%s, %s, %s, %s, %s, %s, %s, %s)',
            fields,
        )
        sink.written["SeedRun"] += 1

    def runs(self) -> list[Run]:
        return [
            Run(str(s), str(k), start, None if days is None else int(days), dict(c))
            for s, k, start, days, c in fetch(
                self.conn,
                'SELECT "runSeed", kind, "startDate", days, config FROM "SeedRun" ORDER BY id',
            )
        ]

    def prior(self, sim: Simulation, start: dt.date) -> Ids:
        return prior.load(self.conn, sim, start)


@dataclass
class Memory:
    """``--output`` and ``--dry-run``: ``conn`` (read only) is the database a dry run
    previews, None an empty one; every row goes through the sink."""

    conn: Conn | None = None
    added: list[Run] = field(default_factory=list)
    new_users: int = 0
    _next: dict[str, int] = field(default_factory=dict)

    def max_id(self, table: str) -> int:
        if self.conn is None:
            return 0
        return int(value(self.conn, f'SELECT coalesce(max(id), 0) FROM "{table}"'))

    def _ids(self, table: str, n: int) -> list[str]:
        first = self._next.get(table, self.max_id(table) + 1)
        self._next[table] = first + n
        return [str(i) for i in range(first, first + n)]

    def _emit(
        self, sink: Sink, table: str, have: dict[Any, int], rows: Sequence[tuple[Any, list[Field]]]
    ) -> dict[Any, int]:
        """The rows (key, fields after the id) ``have`` lacks, numbered and written; every
        key's id."""
        missing = [(k, f) for k, f in rows if k not in have]
        ids = self._ids(table, len(missing))
        if missing:
            cols = [ids, *map(list, zip(*(f for _, f in missing), strict=True))]
            sink.copy(table, encode_rows(cols), len(missing))
        return {**have, **{k: int(i) for (k, _), i in zip(missing, ids, strict=True)}}

    def _have(self, query: str) -> dict[Any, int]:
        if self.conn is None:
            return {}
        out: dict[Any, int] = {}
        for *key, i in fetch(self.conn, query):
            out[tuple(key) if len(key) > 1 else key[0]] = int(i)
        return out

    def reference(self, sink: Sink, at: dt.datetime) -> RefIds:
        """What ``reference.ensure`` inserts, written through the sink."""
        subj = self._emit(
            sink,
            "InterestSubject",
            self._have('SELECT key, id FROM "InterestSubject"'),
            [(s.key, [s.key, s.label]) for s in vocab.SUBJECTS],
        )
        interest = self._emit(
            sink,
            "Interest",
            self._have('SELECT "subjectId", key, id FROM "Interest"'),
            [
                ((subj[s.key], i.key), [str(subj[s.key]), i.key, i.label])
                for s, i in pools.INTERESTS
            ],
        )
        quiz = pools.QUIZ
        stamp = _ts(at)
        quiz_id = self._emit(
            sink,
            "Quiz",
            self._have('SELECT slug, id FROM "Quiz"'),
            [(quiz.slug, [quiz.slug, quiz.title, "t", stamp, stamp])],
        )[quiz.slug]
        question = self._emit(
            sink,
            "QuizQuestion",
            self._have('SELECT "quizId", "order", id FROM "QuizQuestion"'),
            [((quiz_id, q.order), [str(quiz_id), q.prompt, str(q.order)]) for q in quiz.questions],
        )
        options: list[tuple[Any, list[Field]]] = [
            (
                (question[(quiz_id, q.order)], o.order),
                [
                    str(question[(quiz_id, q.order)]),
                    o.label,
                    o.value,
                    str(o.order),
                    json.dumps(dict(o.trait_values)),
                ],
            )
            for q in quiz.questions
            for o in q.options
        ]
        self._emit(
            sink,
            "QuizOption",
            self._have('SELECT "questionId", "order", id FROM "QuizOption"'),
            options,
        )
        return RefIds(
            subject=np.array([subj[s.key] for s in vocab.SUBJECTS], dtype=np.int64),
            interest=np.array(
                [interest[(subj[s.key], i.key)] for s, i in pools.INTERESTS], dtype=np.int64
            ),
            quiz=quiz_id,
            question=np.array(
                [question[(quiz_id, q.order)] for q in quiz.questions], dtype=np.int64
            ),
        )

    def mark_dirty(self, sink: Sink, dirty: dict[int, int]) -> None:
        """The "InterestDirty" rows the database lacks (a later touch of one it holds
        updates it: no new row)."""
        held = set(self._have('SELECT "interestId", 0 FROM "InterestDirty"'))
        new = [i for i in dirty if i not in held]
        if new:
            at = [_ts(dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=dirty[i])) for i in new]
            sink.copy("InterestDirty", encode_rows([[str(i) for i in new], at]), len(new))

    def users(self) -> int:
        held = 0 if self.conn is None else int(value(self.conn, 'SELECT count(*) FROM "User"'))
        return held + self.new_users

    def record(self, sink: Sink, run: Run, fields: list[Field]) -> None:
        sink.copy("SeedRun", encode_rows([[x] for x in [*self._ids("SeedRun", 1), *fields]]), 1)
        self.added.append(run)
        if run.kind == "profiles":
            self.new_users += int(run.config["last_user_id"]) - int(run.config["first_user_id"]) + 1

    def runs(self) -> list[Run]:
        return (Database(self.conn).runs() if self.conn is not None else []) + self.added

    def prior(self, sim: Simulation, start: dt.date) -> Ids:
        if self.conn is None:
            return Ids(last=dict.fromkeys(ACTIVITY_TABLES, 0))
        return prior.load(self.conn, sim, start)


Ledger = Database | Memory


def profile_runs(ledger: Ledger) -> list[ProfileRun]:
    """The profile runs, oldest first, with the config and user ids each recorded."""
    return [
        ProfileRun(
            r.run_seed,
            config_of(r.config),
            int(r.config["first_user_id"]),
            int(r.config["last_user_id"]),
        )
        for r in ledger.runs()
        if r.kind == "profiles"
    ]
