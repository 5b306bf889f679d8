"""The social pack's config (spec 004's flags, issue 11's ratios and presets).

Layering, later wins (``pgseed.layers``)::

    defaults < --market preset < --config file < PGSEED_* env < flags < --set key=value

``run_seed`` is spec 004's ``--runSeed``: any string. Absent, a run draws one, prints it and
prints the command that reproduces the run. ``seed`` is its integer key
(``keys.seed_key``), set from it; it is what the engine's own keyed values use.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ... import layers
from ...config import Date, Float, Int, check_values, read_yaml
from .keys import seed_key
from .people import GENDERS, INTENTS, Ratios

Share = Annotated[Float, Field(ge=0.0, le=1.0)]
Odds = Annotated[Float, Field(gt=0.0, le=100.0)]
RunSeed = Annotated[str, Field(min_length=1, max_length=200)]
DEFAULT_ODDS = {"UNSPECIFIED": 1.2, "MALE": 2.5, "FEMALE": 0.9, "NONBINARY": 1.2, "OTHER": 1.2}
JOB_PLACEHOLDERS = ("job", "as_of", "database_url")  # --jobs-command's
_SEED_TEXT = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces: safe on a command line


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class SocialConfig(_Strict):
    run_seed: RunSeed | None = None
    seed: Annotated[Int, Field(ge=0, le=2**63 - 1)] = 0  # set from run_seed
    count: Annotated[Int, Field(ge=0, le=1_000_000)] = 100  # spec 5.3: --count 100
    start_date: Date = dt.date(2024, 1, 1)  # spec 5.3
    activity_days: Annotated[Int, Field(ge=0, le=3660)] = 30  # seed-all's window
    # Accounts are created over this many days before start_date.
    signup_days: Annotated[Int, Field(ge=0, le=3660)] = 30
    gender_ratio: dict[str, Share] = {
        "MALE": 0.47,
        "FEMALE": 0.47,
        "NONBINARY": 0.04,
        "OTHER": 0.01,
        "UNSPECIFIED": 0.01,
    }
    intent_ratio: dict[str, Share] = {
        "FRIENDS": 0.12,
        "CASUAL": 0.28,
        "LONG_TERM": 0.42,
        "MARRIAGE": 0.13,
        "UNSPECIFIED": 0.05,
    }
    market: Literal["default", "realistic"] = "default"
    # The default like model's odds multiplier for the viewer's gender (activity/likes.py);
    # the "realistic" market widens the gap (docs/social.md "Markets").
    # A gender left out keeps its default odds (``--set "like_odds={MALE: 3}"``).
    like_odds: dict[str, Odds] = DEFAULT_ODDS
    # "default": the model of activity/likes.py; "spec": spec 004's calculateLikeProbability.
    like_model: Literal["default", "spec"] = "default"
    skip_activity: bool = False
    skip_jobs: bool = False
    # "… {job} …": run each job through the application's own runner instead.
    jobs_command: str | None = None
    batch_size: Annotated[Int, Field(ge=1, le=10_000_000)] = 50_000
    # Model columns the application renamed, ``table.old=new`` (``--map``): written to
    # ``new``, and read under ``old`` by the pack's own queries (``binding.shadowed``).
    map: tuple[str, ...] = ()

    @field_validator("run_seed", "jobs_command", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        # --set run_seed=007 reads 007 as YAML (the number 7): take what was typed.
        return (
            str(v).lower() if isinstance(v, bool) else (str(v) if isinstance(v, int | float) else v)
        )

    @field_validator("run_seed")
    @classmethod
    def _printable(cls, v: str | None) -> str | None:
        if v is not None and not _SEED_TEXT.match(v):
            raise ValueError("use printable ASCII without spaces (e.g. demo-2024)")
        return v

    @field_validator("start_date")
    @classmethod
    def _when(cls, v: dt.date) -> dt.date:
        if not dt.date(1900, 1, 1) <= v <= dt.date(2200, 12, 31):
            raise ValueError("must lie between 1900-01-01 and 2200-12-31")
        return v

    @field_validator("like_odds")
    @classmethod
    def _odds(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(v) - set(GENDERS))
        if unknown:
            raise ValueError(f"unknown {', '.join(unknown)}; known: {', '.join(GENDERS)}")
        return v

    @field_validator("gender_ratio", "intent_ratio")
    @classmethod
    def _shares(cls, v: dict[str, float], info: Any) -> dict[str, float]:
        names = GENDERS if info.field_name == "gender_ratio" else INTENTS
        unknown = sorted(set(v) - set(names))
        if unknown:
            raise ValueError(f"unknown {', '.join(unknown)}; known: {', '.join(names)}")
        if sum(v.values()) <= 0:
            raise ValueError("the shares add up to 0")
        return v

    @field_validator("jobs_command")
    @classmethod
    def _has_job(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if "{job}" not in v:
            raise ValueError('must contain {job} (e.g. "npm run job -- {job}")')
        unknown = sorted(set(re.findall(r"{([^{}]*)}", v)) - set(JOB_PLACEHOLDERS))
        if unknown:
            raise ValueError(
                f"unknown placeholder {{{unknown[0]}}}; use {', '.join('{' + k + '}' for k in JOB_PLACEHOLDERS)}"
            )
        try:
            shlex.split(v)
        except ValueError as exc:  # unbalanced quotes
            raise ValueError(f"cannot be split into words: {exc}") from None
        return v

    @model_validator(mode="before")
    @classmethod
    def _seed_text(cls, data: Any) -> Any:
        """The engine's integer ``seed`` (``pgseed.engine``, the pack contract) names a run
        seed: its text. Given with a run seed it must be that run seed's key (a config
        dumped whole and read back); any other value would say two different runs."""
        if not isinstance(data, Mapping) or data.get("seed") in (None, 0):
            return data
        seed, run_seed = data["seed"], data.get("run_seed")
        if run_seed is None and isinstance(seed, int) and not isinstance(seed, bool):
            return {**{k: v for k, v in data.items() if k != "seed"}, "run_seed": str(seed)}
        if isinstance(run_seed, str) and seed == seed_key(run_seed):
            return {k: v for k, v in data.items() if k != "seed"}
        raise ValueError(
            f"seed {seed!r} is derived from the run seed; set --runSeed (any text) instead"
        )

    @model_validator(mode="after")
    def _seed(self) -> SocialConfig:
        if self.run_seed is not None:
            object.__setattr__(self, "seed", seed_key(self.run_seed))
        end = self.start_date + dt.timedelta(days=self.activity_days)
        if end > dt.date(2201, 1, 1):
            raise ValueError(f"start_date + activity_days ends on {end}, after 2200-12-31")
        return self

    def odds(self) -> tuple[float, ...]:
        """``like_odds`` per GENDERS (the default's for a gender it leaves out)."""
        return tuple(self.like_odds.get(g, DEFAULT_ODDS[g]) for g in GENDERS)

    def ratios(self) -> Ratios:
        return Ratios(
            gender=tuple(self.gender_ratio.get(g, 0.0) for g in GENDERS),
            intent=tuple(self.intent_ratio.get(i, 0.0) for i in INTENTS),
        )


# "realistic": men like about half the profiles they are shown and women about one in ten,
# so a man's like becomes a match about 7 % of the time and a woman's about 29 % (1,000 x 30:
# docs/social.md "Markets"), the shape dating-app studies report (Tyson et al., "A First
# Look at User Activity on Tinder", ASONAM 2016), while the overall match rate stays in
# spec 004's 5-15 % band.
PRESETS: dict[str, dict[str, Any]] = {
    "default": {},
    "realistic": {
        "like_odds": {
            "UNSPECIFIED": 1.2,
            "MALE": 6.0,
            "FEMALE": 0.4,
            "NONBINARY": 1.2,
            "OTHER": 1.2,
        }
    },
}


def build(
    *,
    file: Path | None,
    environ: Mapping[str, str],
    flags: Mapping[str, Any],
    sets: tuple[str, ...] = (),
) -> SocialConfig:
    """The engine's layering with the ``market`` preset."""
    file_values = read_yaml(file) if file is not None else {}
    if file is not None:
        layers.check_known(file_values, SocialConfig, str(file))
        check_values(file_values, SocialConfig, str(file))
    return layers.build(
        SocialConfig,
        presets=PRESETS,
        preset_key="market",
        default_preset="default",
        file=(str(file), file_values) if file is not None else None,
        environ=environ,
        env_aliases={},
        flags=flags,
        sets=sets,
        title="invalid social config",
    )
