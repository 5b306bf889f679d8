"""The quizzes seeded with the social pack (Quiz, QuizQuestion, QuizOption rows).

From ``data/quiz.json`` (hand-written). Each option carries ``trait_values``, the
QuizOption.traitValues jsonb: trait key -> integer weight in -10..10 (``TRAIT_KEYS``), so
the build-user-traits job has something to compute. ``Question.preferred`` gives, for each
archetype key, the index of the option a user of that archetype picks (spec 4.1: about
90% of answers follow it). Question ``order`` and option ``order`` start at 0 and equal
their positions, so an answer's scoreVec entry is ``order / (len(options) - 1)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pgseed.packs.social.vocab._data import read_json

TRAIT_MIN, TRAIT_MAX = -10, 10


@dataclass(frozen=True, slots=True)
class Option:
    """A QuizOption: ``value`` is the slug stored in QuizResult.answers."""

    label: str
    value: str
    order: int
    trait_values: tuple[tuple[str, int], ...]

    def traits(self) -> dict[str, int]:
        """The traitValues jsonb object, keys sorted."""
        return dict(self.trait_values)


@dataclass(frozen=True, slots=True)
class Question:
    prompt: str
    order: int
    options: tuple[Option, ...]
    preferred: tuple[tuple[str, int], ...]

    def preferred_option(self, archetype_key: str) -> int:
        """The index into ``options`` that ``archetype_key`` prefers."""
        for key, index in self.preferred:
            if key == archetype_key:
                return index
        raise ValueError(f"question {self.order} has no preferred option for {archetype_key!r}")


@dataclass(frozen=True, slots=True)
class Quiz:
    slug: str
    title: str
    questions: tuple[Question, ...]


def _option(o: dict[str, Any]) -> Option:
    return Option(
        label=o["label"],
        value=o["value"],
        order=int(o["order"]),
        trait_values=tuple(sorted((k, int(v)) for k, v in o["traitValues"].items())),
    )


QUIZZES: tuple[Quiz, ...] = tuple(
    Quiz(
        slug=q["slug"],
        title=q["title"],
        questions=tuple(
            Question(
                prompt=qq["prompt"],
                order=int(qq["order"]),
                options=tuple(_option(o) for o in qq["options"]),
                preferred=tuple(sorted((k, int(v)) for k, v in qq["preferred"].items())),
            )
            for qq in q["questions"]
        ),
    )
    for q in read_json("quiz.json")["quizzes"]
)

TRAIT_KEYS: tuple[str, ...] = tuple(
    sorted(
        {k for q in QUIZZES for qq in q.questions for o in qq.options for k, _ in o.trait_values}
    )
)
