"""The reference rows Phase A points at: the interest taxonomy and the quiz (spec 004
"seedInterests.ts", "seedQuizzes.ts"), written once and found again by key.

A database that already holds them (an earlier run, or the application's own taxonomy
with the same keys) keeps its rows and ids; missing ones are added. Their timestamps are
the profile run's first signup day, never the wall clock.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np

from ...pg import Conn
from . import pools, vocab
from .db import fetch, value
from .profiles import RefIds


def ensure(conn: Conn, at: dt.datetime, added: dict[str, int]) -> RefIds:
    """Insert what is missing of the taxonomy and the quiz, counting the rows in ``added``
    (per table, as the loader counts its COPYs); return their ids in pools order."""

    def insert(table: str, query: str, params: list[object]) -> None:
        added[table] = added.get(table, 0) + cur.execute(query, params).rowcount

    with conn.cursor() as cur:
        for s in vocab.SUBJECTS:
            insert(
                "InterestSubject",
                'INSERT INTO "InterestSubject" (key, label) SELECT %s, %s WHERE NOT EXISTS '
                '(SELECT 1 FROM "InterestSubject" WHERE key = %s)',
                [s.key, s.label, s.key],
            )
        subject = _subjects(conn)
        for s, i in pools.INTERESTS:
            insert(
                "Interest",
                'INSERT INTO "Interest" ("subjectId", key, label) SELECT %s, %s, %s WHERE NOT EXISTS '
                '(SELECT 1 FROM "Interest" WHERE "subjectId" = %s AND key = %s)',
                [subject[s.key], i.key, i.label, subject[s.key], i.key],
            )
        quiz = pools.QUIZ
        insert(
            "Quiz",
            'INSERT INTO "Quiz" (slug, title, "isActive", "createdAt", "updatedAt") '
            'SELECT %s, %s, true, %s, %s WHERE NOT EXISTS (SELECT 1 FROM "Quiz" WHERE slug = %s)',
            [quiz.slug, quiz.title, at, at, quiz.slug],
        )
        quiz_id = int(value(conn, 'SELECT id FROM "Quiz" WHERE slug = %s', [quiz.slug]))
        for q in quiz.questions:
            insert(
                "QuizQuestion",
                'INSERT INTO "QuizQuestion" ("quizId", prompt, "order") SELECT %s, %s, %s WHERE NOT '
                'EXISTS (SELECT 1 FROM "QuizQuestion" WHERE "quizId" = %s AND "order" = %s)',
                [quiz_id, q.prompt, q.order, quiz_id, q.order],
            )
            got = cur.execute(
                'SELECT id FROM "QuizQuestion" WHERE "quizId" = %s AND "order" = %s',
                [quiz_id, q.order],
            ).fetchone()
            assert got is not None
            for o in q.options:
                insert(
                    "QuizOption",
                    'INSERT INTO "QuizOption" ("questionId", label, value, "order", "traitValues") '
                    'SELECT %s, %s, %s, %s, %s WHERE NOT EXISTS (SELECT 1 FROM "QuizOption" '
                    'WHERE "questionId" = %s AND "order" = %s)',
                    [
                        got[0],
                        o.label,
                        o.value,
                        o.order,
                        json.dumps(dict(o.trait_values)),
                        got[0],
                        o.order,
                    ],
                )
    return lookup(conn)


def _subjects(conn: Conn) -> dict[str, int]:
    return {str(k): int(i) for k, i in fetch(conn, 'SELECT key, id FROM "InterestSubject"')}


def lookup(conn: Conn) -> RefIds:
    """The ids of the reference rows, read only (KeyError: a row is missing)."""
    subject = _subjects(conn)
    interest = {
        (int(sid), str(k)): int(iid)
        for iid, sid, k in fetch(conn, 'SELECT id, "subjectId", key FROM "Interest"')
    }
    quiz = pools.QUIZ
    quiz_id = int(value(conn, 'SELECT id FROM "Quiz" WHERE slug = %s', [quiz.slug]))
    questions = dict(
        fetch(conn, 'SELECT "order", id FROM "QuizQuestion" WHERE "quizId" = %s', [quiz_id])
    )
    return RefIds(
        subject=np.array([subject[s.key] for s in vocab.SUBJECTS], dtype=np.int64),
        interest=np.array(
            [interest[(subject[s.key], i.key)] for s, i in pools.INTERESTS], dtype=np.int64
        ),
        quiz=quiz_id,
        question=np.array([int(questions[q.order]) for q in quiz.questions], dtype=np.int64),
    )
