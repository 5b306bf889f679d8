"""The like model's markets (issue 11: "Optionally, a --market realistic preset"): what
``realistic`` changes, that an append keeps the first window's model (debug-user's use of
the run's model: test_cli.py::test_debug_user_regenerates_a_user_identically)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from pgseed.packs.social import people, profiles
from pgseed.packs.social.activity import clock, sim
from pgseed.packs.social.activity.likes import interest_matrix
from pgseed.packs.social.config import PRESETS, SocialConfig
from pgseed.packs.social.keys import seed_key
from pgseed.packs.social.people import FEMALE, MALE
from tests.packs.social.support import START, digests, seed

pytestmark = pytest.mark.db


def _rates(cfg: SocialConfig, n: int, days: int) -> dict[str, float]:
    """Like rate and the share of likes that became matches, per viewer gender, from an
    in-memory run of ``n`` users x ``days``."""
    key = seed_key("market")
    p = people.people(key, np.arange(1, n + 1), cfg.ratios(), START)
    takes, picks = profiles.answers(key, p)
    created = profiles.created_ms(key, p.ids, START, cfg.signup_days)
    traits = sim.Traits(
        interest_matrix(p), picks / 4.0, takes, clock.local_day(created, p.city) + 1
    )
    s = sim.Simulation(key, p, traits, odds=cfg.odds())
    post_ids = itertools.count(1)
    out = [s.day(d, post_ids) for d in range(START.toordinal(), START.toordinal() + days)]
    viewer = np.concatenate([d.views["viewer"] for d in out if len(d.views["viewer"])])
    viewed = np.concatenate([d.views["viewed"] for d in out if len(d.views["viewed"])])
    like = np.concatenate([d.views["like"] for d in out if len(d.views["like"])]).astype(bool)
    pairs = {
        (int(a), int(b))
        for d in out
        for a, b in zip(d.matches["a"].tolist(), d.matches["b"].tolist(), strict=True)
    }
    matched = np.array(
        [
            (a, b) in pairs or (b, a) in pairs
            for a, b in zip(viewer.tolist(), viewed.tolist(), strict=True)
        ]
    )
    rates = {"match": len(pairs) / like.sum()}
    for g, name in ((MALE, "men"), (FEMALE, "women")):
        mine = p.gender[viewer] == g
        rates[f"{name} like"] = like[mine].mean()
        rates[f"{name} match"] = (matched & like & mine).sum() / (like & mine).sum()
    return rates


def test_the_realistic_market_gives_men_single_digit_match_rates_and_keeps_the_band() -> None:
    default = _rates(SocialConfig(run_seed="m"), 600, 21)
    real = _rates(SocialConfig(run_seed="m", market="realistic", **PRESETS["realistic"]), 600, 21)
    assert real["men like"] > 0.4 and real["women like"] < 0.15  # men like ~half, women ~1 in 10
    assert real["men like"] > 3 * real["women like"]
    assert real["men match"] < 0.10 < 0.20 < real["women match"]  # single digits for men
    assert default["men match"] > real["men match"]  # the preset is what changed it
    assert 0.05 <= real["match"] <= 0.15  # spec 004's band still holds overall


def test_the_preset_comes_through_the_cli_config_layers() -> None:
    from pgseed.packs.social.config import build

    cfg = build(file=None, environ={}, flags={"market": "realistic"})
    assert cfg.like_odds["MALE"] == 6.0 and cfg.like_odds["FEMALE"] == 0.4
    over = build(
        file=None, environ={}, flags={"market": "realistic"}, sets=("like_odds={MALE: 3}",)
    )
    assert over.odds()[MALE] == 3.0 and over.odds()[FEMALE] == 0.4
    alone = build(file=None, environ={}, flags={}, sets=("like_odds={MALE: 3}",))
    assert alone.odds()[MALE] == 3.0 and alone.odds()[FEMALE] == 0.9  # the default's


@pytest.mark.parametrize(
    "bad", ["like_odds={MALE: 0}", "like_odds={ROBOT: 1}", "like_odds={FEMALE: -2}"]
)
def test_bad_like_odds_are_config_errors(bad: str) -> None:
    from pgseed.errors import ConfigError
    from pgseed.packs.social.config import build

    with pytest.raises(ConfigError, match="like_odds"):
        build(file=None, environ={}, flags={}, sets=(bad,))


def test_an_append_keeps_the_first_windows_market(db_dsn: str) -> None:
    from pgseed.errors import ConfigError

    seed(db_dsn, count=80, days=4, market="realistic", **PRESETS["realistic"])
    before = digests(db_dsn)
    with pytest.raises(ConfigError, match="--market realistic"):
        seed(db_dsn, days=3, start=START.replace(day=5))
    assert digests(db_dsn) == before
    seed(db_dsn, days=3, start=START.replace(day=5), market="realistic", **PRESETS["realistic"])
    assert digests(db_dsn) != before
