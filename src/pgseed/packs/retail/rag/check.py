"""recall@k over pgseed's own index: for every question, do the k nearest chunks
include one of the document that holds its answer?"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ....pg import Conn
from .documents import Question
from .embedder import Embedder
from .index import search


@dataclass(frozen=True)
class Miss:
    question: Question
    got: tuple[str, ...]  # the documents of the k chunks retrieved instead


@dataclass(frozen=True)
class Recall:
    k: int
    total: int
    hits: int
    threshold: float
    misses: tuple[Miss, ...]
    # Questions whose hit is certain whatever the embedder: k is larger than the number
    # of chunks of every other document (a tiny data set, a large top_k).
    certain: int = 0

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 0.0

    @property
    def vacuous(self) -> bool:
        """Nothing was tested: no questions, or every hit was certain before searching."""
        return self.certain >= self.total

    @property
    def passed(self) -> bool:
        # No questions at all (an empty data set), or only certain hits, prove nothing:
        # that fails too.
        return not self.vacuous and self.value >= self.threshold

    def describe(self) -> str:
        return (
            f"recall@{self.k} = {self.hits}/{self.total} = {self.value:.3f} "
            f"(threshold {self.threshold:g})"
        )


def recall(
    conn: Conn,
    embedder: Embedder,
    questions: Sequence[Question],
    k: int,
    threshold: float,
    chunks: Mapping[str, int] | None = None,
) -> Recall:
    """``chunks``: chunks per document path in the index, to count the certain hits."""
    if not questions:
        return Recall(k, 0, 0, threshold, ())
    total_chunks = sum((chunks or {}).values())
    certain = sum(1 for q in questions if chunks and k > total_chunks - chunks.get(q.path, 0))
    vectors = embedder.embed([q.text for q in questions])
    hits, misses = 0, []
    for q, v in zip(questions, vectors, strict=True):
        got = tuple(h.path for h in search(conn, v, k))
        if q.path in got:
            hits += 1
        else:
            misses.append(Miss(q, got))
    return Recall(k, len(questions), hits, threshold, tuple(misses), certain)
