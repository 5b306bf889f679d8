"""The retail pack's config: spec 003's YAML shape, its dataclasses' every
parameter, scenarios, ``SEEDER_*`` variables and command-line overrides.

Layering, later wins::

    defaults < --scenario preset < seed_config.yaml (--config) < SEEDER_* env
             < named flags (--stores, --sparsity, ...) < --set section.key=value

A scenario named in the YAML file (``scenario: holiday_rush``) is applied under
the file's own values, the same as ``--scenario``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ... import layers
from ...config import Date, Float, Int, check_values, did_you_mean, read_yaml
from .rag.config import RagConfig

Share = Annotated[Float, Field(ge=0.0, le=1.0)]
# The columns these values go into are varchar(50) (models.py): longer values are
# refused when the config is read, not halfway through a load.
Label = Annotated[str, Field(min_length=1, max_length=50)]
Positive = Annotated[Float, Field(gt=0.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class StoresConfig(_Strict):
    count: Annotated[Int, Field(ge=0, le=100_000)] = 10
    regions: tuple[Label, ...] = ("North", "South", "East", "West")
    types: tuple[Label, ...] = ("supermarket", "express", "warehouse")


class ProductsConfig(_Strict):
    count: Annotated[Int, Field(ge=0, le=1_000_000)] = 50
    categories: tuple[Label, ...] = ("Beverage", "Snack", "Dairy", "Frozen")
    brands: tuple[Label, ...] = ("BrandA", "BrandB", "Generic")
    # Share of products launched inside the date range (they ramp up; before launch: no rows).
    new_product_share: Share = 0.1


class Dimensions(_Strict):
    stores: StoresConfig = StoresConfig()
    products: ProductsConfig = ProductsConfig()


class DateRange(_Strict):
    start: Date = dt.date(2024, 1, 1)
    end: Date = dt.date(2024, 12, 31)

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.end < self.start:
            raise ValueError(
                f"end ({self.end}) is before start ({self.start})\n"
                "Fix: swap --start-date and --end-date (date_range.start <= date_range.end)."
            )
        if self.start < dt.date(1900, 1, 1) or self.end > dt.date(2200, 12, 31):
            raise ValueError("dates must lie between 1900-01-01 and 2200-12-31")
        if (self.end - self.start).days > 20 * 366:
            raise ValueError("the range is longer than 20 years")
        return self


class TimeSeriesConfig(_Strict):
    """Spec 003's ``TimeSeriesConfig``, every parameter."""

    base_demand: Annotated[Float, Field(ge=0.0, le=100_000)] = 100
    trend: Literal["none", "linear", "exponential"] = "linear"
    trend_slope: Annotated[Float, Field(ge=-10.0, le=10.0)] = 0.1  # % change per day
    weekly_seasonality: tuple[Float, ...] = (0.8, 0.9, 1.0, 1.0, 1.1, 1.3, 1.2)  # Mon..Sun
    monthly_seasonality: dict[Int, Float] = {}  # {12: 1.5}: December sells 1.5x
    noise_sigma: Annotated[Float, Field(ge=0.0, le=3.0)] = 0.1
    anomaly_probability: Share = 0.01
    anomaly_magnitude: Annotated[Float, Field(ge=1.0, le=100.0)] = 2.0

    @field_validator("weekly_seasonality")
    @classmethod
    def _seven(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if len(v) != 7 or any(x < 0 for x in v):
            raise ValueError("needs 7 multipliers >= 0, Monday first")
        return v

    @field_validator("monthly_seasonality")
    @classmethod
    def _months(cls, v: dict[int, float]) -> dict[int, float]:
        for month, mult in v.items():
            if not 1 <= month <= 12 or mult < 0:
                raise ValueError(f"month {month}: {mult} (months are 1-12, multipliers >= 0)")
        return v


class RetailPatternConfig(_Strict):
    """Spec 003's ``RetailPatternConfig``, every parameter, plus the YAML's
    ``promotion_probability`` and ``stockout_probability`` and the knobs they need."""

    promotion_lift: Annotated[Float, Field(ge=0.0, le=20.0)] = 1.3
    stockout_behavior: Literal["zero", "backlog"] = "zero"
    price_elasticity: Annotated[Float, Field(ge=-10.0, le=10.0)] = -0.5
    new_product_ramp_days: Annotated[Int, Field(ge=0, le=3650)] = 30
    weekend_spike: Annotated[Float, Field(ge=0.0, le=20.0)] = 1.2  # on top of Sat/Sun profile
    # Share of a series' days covered by a promotion (about; promotions never overlap).
    promotion_probability: Share = 0.1
    promotion_min_days: Annotated[Int, Field(ge=1, le=365)] = 3
    promotion_max_days: Annotated[Int, Field(ge=1, le=365)] = 14
    discount_min: Share = 0.05
    discount_max: Share = 0.35
    # Chance that a replenishment delivery is missed (the main source of stockouts).
    stockout_probability: Share = 0.05
    lead_time_days: Annotated[Int, Field(ge=1, le=60)] = 2
    cover_days: Annotated[Int, Field(ge=1, le=365)] = 7  # order up to this many days of demand
    # Chance per day that a series' shelf price changes (a new price_history window).
    price_change_probability: Share = 0.02
    price_change_sigma: Annotated[Float, Field(ge=0.0, le=1.0)] = 0.1

    @model_validator(mode="after")
    def _bounds(self) -> RetailPatternConfig:
        if self.promotion_max_days < self.promotion_min_days:
            raise ValueError("promotion_max_days is below promotion_min_days")
        if self.discount_max < self.discount_min:
            raise ValueError("discount_max is below discount_min")
        return self


class SparsityConfig(_Strict):
    missing_combinations_pct: Share = 0.0  # store x product pairs that never sell
    random_gaps_per_series: Annotated[Int, Field(ge=0, le=1000)] = 0
    gap_max_days: Annotated[Int, Field(ge=1, le=365)] = 7  # gaps last 1..this many days


class Holiday(_Strict):
    date: Date
    name: Annotated[str, Field(min_length=1, max_length=100)]
    multiplier: Annotated[Float, Field(ge=0.0, le=100.0)] = 1.0


class RetailConfig(_Strict):
    scenario: str = "retail_standard"
    dimensions: Dimensions = Dimensions()
    date_range: DateRange = DateRange()
    time_series: TimeSeriesConfig = TimeSeriesConfig()
    retail: RetailPatternConfig = RetailPatternConfig()
    sparsity: SparsityConfig = SparsityConfig()
    # None: the built-in holiday list (US retail, every year of the range). A list
    # replaces it (config_holiday.yaml names four).
    holidays: tuple[Holiday, ...] | None = None
    seed: Annotated[Int, Field(ge=0, le=2**63 - 1)] = 42
    # Rows per COPY statement. spec 003 says 1000 (sized for INSERT batches); with COPY,
    # 1000-row statements made the 1M-row run 1.6x slower (15.5 s vs 9.5 s), so 20,000.
    batch_size: Annotated[Int, Field(ge=1, le=10_000_000)] = 20_000
    enable_progress: bool = True
    # Model columns the application renamed, ``table.old=new`` (``--map``): the pack's
    # values for ``old`` go to ``new`` when it runs on an application's own schema.
    map: tuple[str, ...] = ()
    # The rag-agent scenario's documents, index, checks and application API (rag/).
    rag: RagConfig = RagConfig()

    @field_validator("holidays")
    @classmethod
    def _unique_days(cls, v: tuple[Holiday, ...] | None) -> tuple[Holiday, ...] | None:
        seen: set[dt.date] = set()
        for h in v or ():
            if h.date in seen:
                raise ValueError(f"{h.date} is listed twice")
            seen.add(h.date)
        return v

    @field_validator("scenario")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in SCENARIOS:
            raise ValueError(
                f"unknown scenario {v!r}.{did_you_mean(v, SCENARIOS)} Known: {', '.join(SCENARIOS)}"
            )
        return v


RAG_SCENARIO = "rag-agent"
SCENARIOS: dict[str, dict[str, Any]] = {
    "retail_standard": {},
    "holiday_rush": {
        "time_series": {
            "trend": "exponential",
            "trend_slope": 0.02,
            "monthly_seasonality": {10: 1.0, 11: 1.3, 12: 1.8},
        },
        "retail": {"promotion_probability": 0.25, "stockout_probability": 0.15},
    },
    "high_variance": {
        "time_series": {"noise_sigma": 0.45, "anomaly_probability": 0.05, "anomaly_magnitude": 3.0},
        "retail": {"price_change_probability": 0.05, "price_change_sigma": 0.2},
    },
    "stockout_heavy": {
        "retail": {"stockout_probability": 0.35, "cover_days": 3, "lead_time_days": 4},
    },
    "new_launches": {
        "dimensions": {"products": {"new_product_share": 0.5}},
        "retail": {"new_product_ramp_days": 45},
    },
    "sparse": {
        "sparsity": {"missing_combinations_pct": 0.5, "random_gaps_per_series": 4},
    },
    # retail_standard's data, then the RAG steps (packs/retail/rag/, docs/retail.md).
    RAG_SCENARIO: {},
}

# SEEDER_* variables of spec 003 -> config keys (dotted). The safety ones live in safety.
ENV_KEYS = {
    "SEEDER_DEFAULT_SEED": "seed",
    "SEEDER_DEFAULT_STORES": "dimensions.stores.count",
    "SEEDER_DEFAULT_PRODUCTS": "dimensions.products.count",
    "SEEDER_BATCH_SIZE": "batch_size",
    "SEEDER_ENABLE_PROGRESS": "enable_progress",
}


def build(
    *,
    scenario: str | None,
    file: Path | None,
    environ: Mapping[str, str],
    flags: Mapping[str, Any],
    sets: tuple[str, ...] = (),
) -> RetailConfig:
    """The engine's layering (``pgseed.layers``) with the scenario as its preset: the one
    named last by ``--scenario``, ``--set scenario=``, ``PGSEED_SCENARIO`` or the file,
    else ``retail_standard``."""
    file_values = read_yaml(file) if file is not None else {}
    if file is not None:
        layers.check_known(file_values, RetailConfig, str(file))
        check_values(file_values, RetailConfig, str(file))
    named = dict(flags)
    if scenario is not None:
        named["scenario"] = scenario
    return layers.build(
        RetailConfig,
        presets=SCENARIOS,
        default_preset="retail_standard",
        file=(str(file), file_values) if file is not None else None,
        environ=environ,
        env_aliases=ENV_KEYS,
        flags=named,
        sets=sets,
        title="invalid retail config",
    )
