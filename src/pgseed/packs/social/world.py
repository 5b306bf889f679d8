"""Every seeded user, recomputed: the profile runs recorded in "SeedRun" (read back by
``ledger.profile_runs``) say which run seed and config made which ids, and
``people.people`` gives them back (issue 11: "the personality is a pure function of
(runSeed, userId), so later phases recompute it").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from . import pools, profiles
from .activity import clock
from .activity.likes import interest_matrix
from .activity.sim import Traits
from .config import SocialConfig
from .keys import seed_key
from .people import People, people


@dataclass(frozen=True)
class ProfileRun:
    """One profile run: its seed, config and the user ids it made (``first..last``)."""

    run_seed: str
    cfg: SocialConfig
    first: int
    last: int


@dataclass(frozen=True)
class World:
    p: People  # every user, ids ascending
    traits: Traits
    created: np.ndarray  # epoch ms per user
    first_names: list[str]


def config_of(config: dict[str, Any]) -> SocialConfig:
    known = {f for f in SocialConfig.model_fields}
    return SocialConfig(**{k: v for k, v in config.items() if k in known and k != "seed"})


def build(runs: list[ProfileRun]) -> World:
    """Everyone the profile runs made, with what the activity decisions read."""
    parts: list[People] = []
    created, vectors, took, names = [], [], [], []
    for r in runs:
        if r.last < r.first:
            continue
        key = seed_key(r.run_seed)
        ids = np.arange(r.first, r.last + 1, dtype=np.int64)
        p = people(key, ids, r.cfg.ratios(), r.cfg.start_date)
        parts.append(p)
        created.append(profiles.created_ms(key, ids, r.cfg.start_date, r.cfg.signup_days))
        takes, picks = profiles.answers(key, p)
        n_opt = np.array([len(q.options) for q in pools.QUIZ.questions])
        vectors.append(picks / np.maximum(1, n_opt - 1))
        took.append(takes)
        names += profiles.first_names(key, p)
    if not parts:
        empty = people(0, np.empty(0, dtype=np.int64), SocialConfig().ratios(), dt.date(2024, 1, 1))
        return World(
            empty,
            Traits(
                interest_matrix(empty),
                np.empty((0, len(pools.QUIZ.questions))),
                np.empty(0, dtype=bool),
                np.empty(0, dtype=np.int64),
            ),
            np.empty(0, dtype=np.int64),
            [],
        )
    p = People(
        **{f.name: np.concatenate([getattr(x, f.name) for x in parts]) for f in fields(People)}
    )
    c = np.concatenate(created)
    order = np.argsort(p.ids, kind="stable")
    p = p.take(order)
    c = c[order]
    traits = Traits(
        held=interest_matrix(p),
        vectors=np.concatenate(vectors)[order],
        took=np.concatenate(took)[order],
        join=clock.local_day(c, p.city) + 1,  # the day after the account was made
    )
    return World(p, traits, c, [names[i] for i in order.tolist()])
