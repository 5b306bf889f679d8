from __future__ import annotations

from typing import Any, ClassVar

import pytest

from tests.packs.contract import PackContract


class TestSocialContract(PackContract):
    """The social pack through the engine: profiles, then three days of activity."""

    pack_name = "social"
    config: ClassVar[dict[str, Any]] = {
        "count": 30,
        "activity_days": 3,
        "start_date": "2024-01-01",
    }
    # COPY statements of a few rows each: the activity phase flushes by batch_size.
    batch_variant: ClassVar[dict[str, Any]] = {"batch_size": 7}


@pytest.mark.parametrize("seed", [7, 8, 2**63 - 1])
def test_the_engines_integer_seed_is_a_run_seed(seed: int) -> None:
    """The contract (and ``engine``) sets ``seed``; the social pack keys by run seed text."""
    from pgseed.packs.social.config import SocialConfig
    from pgseed.packs.social.keys import seed_key

    cfg = SocialConfig.model_validate({"seed": seed})
    assert cfg.run_seed == str(seed) and cfg.seed == seed_key(str(seed))
    assert SocialConfig.model_validate(cfg.model_dump()) == cfg  # a whole config read back


@pytest.mark.parametrize("bad", [{"seed": 5, "run_seed": "x"}, {"seed": True}, {"seed": "abc"}])
def test_a_seed_that_is_not_the_run_seeds_is_refused(bad: dict[str, Any]) -> None:
    from pydantic import ValidationError

    from pgseed.packs.social.config import SocialConfig

    with pytest.raises(ValidationError, match="--runSeed"):
        SocialConfig.model_validate(bad)
