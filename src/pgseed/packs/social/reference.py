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
from .profiles import RefIds


def ensure(conn: Conn, at: dt.datetime) -> RefIds:
    """Insert what is missing of the taxonomy and the quiz; return their ids in pools order."""
    with conn.cursor() as cur:
        for s in vocab.SUBJECTS:
            cur.execute(
                'INSERT INTO "InterestSubject" (key, label) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING',
                [s.key, s.label],
            )
        subject = dict(cur.execute('SELECT key, id FROM "InterestSubject"').fetchall())
        for s, i in pools.INTERESTS:
            cur.execute(
                'INSERT INTO "Interest" ("subjectId", key, label) VALUES (%s, %s, %s) '
                'ON CONFLICT ("subjectId", key) DO NOTHING',
                [subject[s.key], i.key, i.label],
            )
        interest = {
            (sid, k): iid
            for iid, sid, k in cur.execute('SELECT id, "subjectId", key FROM "Interest"')
        }
        quiz = pools.QUIZ
        cur.execute(
            'INSERT INTO "Quiz" (slug, title, "isActive", "createdAt", "updatedAt") '
            "VALUES (%s, %s, true, %s, %s) ON CONFLICT (slug) DO NOTHING",
            [quiz.slug, quiz.title, at, at],
        )
        row = cur.execute('SELECT id FROM "Quiz" WHERE slug = %s', [quiz.slug]).fetchone()
        assert row is not None
        quiz_id = int(row[0])
        questions = []
        for q in quiz.questions:
            cur.execute(
                'INSERT INTO "QuizQuestion" ("quizId", prompt, "order") VALUES (%s, %s, %s) '
                'ON CONFLICT ("quizId", "order") DO NOTHING',
                [quiz_id, q.prompt, q.order],
            )
            got = cur.execute(
                'SELECT id FROM "QuizQuestion" WHERE "quizId" = %s AND "order" = %s',
                [quiz_id, q.order],
            ).fetchone()
            assert got is not None
            questions.append(int(got[0]))
            for o in q.options:
                cur.execute(
                    'INSERT INTO "QuizOption" ("questionId", label, value, "order", "traitValues") '
                    'VALUES (%s, %s, %s, %s, %s) ON CONFLICT ("questionId", "order") DO NOTHING',
                    [got[0], o.label, o.value, o.order, json.dumps(dict(o.trait_values))],
                )
    return RefIds(
        subject=np.array([subject[s.key] for s in vocab.SUBJECTS], dtype=np.int64),
        interest=np.array(
            [interest[(subject[s.key], i.key)] for s, i in pools.INTERESTS], dtype=np.int64
        ),
        quiz=quiz_id,
        question=np.array(questions, dtype=np.int64),
    )
