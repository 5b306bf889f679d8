"""verify's expectations for the dimensions hold for whatever dims.py draws, for any
config: a rule that is too strict would fail a clean dataset (property tests,
no database; the integration suites run the SQL)."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pgseed.packs.retail import dims
from pgseed.packs.retail.config import build
from pgseed.packs.retail.verify.dimensions import (
    LAST_LAUNCH_MARGIN,
    LAUNCH_DAYS,
    OPENED_DAYS,
    UNKNOWN_TYPE_SIZE,
    name_pattern,
    price_bounds,
    sku_prefix,
)

names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
)
lists = st.lists(names, max_size=4, unique=True)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    count=st.integers(0, 40),
    categories=st.one_of(st.just(["Beverage", "Snack", "Gift", "Seasonal"]), lists),
    brands=lists,
    types=st.one_of(st.just(["supermarket", "express", "warehouse"]), lists),
    start=st.dates(dt.date(1950, 1, 1), dt.date(2150, 1, 1)),
    days=st.integers(0, 800),
    share=st.floats(0, 1),
)
def test_generated_dimensions_meet_the_rules(
    seed: int,
    count: int,
    categories: list[str],
    brands: list[str],
    types: list[str],
    start: dt.date,
    days: int,
    share: float,
) -> None:
    cfg = build(
        scenario=None,
        file=None,
        environ={},
        flags={
            "seed": seed,
            "dimensions.stores.count": count,
            "dimensions.products.count": count,
            "dimensions.products.categories": categories,
            "dimensions.products.brands": brands,
            "dimensions.products.new_product_share": share,
            "dimensions.stores.types": types,
            "date_range.start": start,
            "date_range.end": start + dt.timedelta(days=days),
        },
    )
    end = cfg.date_range.end
    p = dims.products(cfg)
    for i in range(count):
        cat, brand, name = p.category[i], p.brand[i], p.name[i]
        lo, hi = price_bounds(cat)
        base, cost = int(p.base_cents[i]), int(p.cost_cents[i])
        assert lo <= base <= hi and base % 10 == 9
        assert base * 45 // 100 <= cost <= base * 70 // 100
        assert p.sku[i] == f"{sku_prefix(cat)}-{i + 1:06d}"
        assert name.startswith(brand + " ") or len(name) == 200
        if len(name) < 200:
            assert re.fullmatch(name_pattern(cat), name[len(brand) + 1 :]), name
        launch = dims.from_epoch_day(int(p.launch[i]))
        before = start - dt.timedelta(days=LAUNCH_DAYS[1]) <= launch
        assert (before and launch <= start - dt.timedelta(days=LAUNCH_DAYS[0])) or (
            start <= launch <= max(start, end - dt.timedelta(days=LAST_LAUNCH_MARGIN))
        )
    s = dims.stores(cfg)
    for i in range(count):
        t = s.store_type[i]
        lo, hi = dims.STORE_SIZES.get(t, UNKNOWN_TYPE_SIZE)
        assert lo <= int(s.size_sqm[i]) <= hi - 1
        assert s.name[i] == f"{s.city[i]} {t.title()}" and s.code[i] == f"S{i + 1:04d}"
        opened = dims.from_epoch_day(int(s.opened_on[i]))
        assert start - dt.timedelta(days=OPENED_DAYS[1]) <= opened
        assert opened <= start - dt.timedelta(days=OPENED_DAYS[0])


def test_price_bounds_are_the_generators_extremes() -> None:
    assert price_bounds("Beverage") == (99, 699)
    assert price_bounds("Gift") == (999, 4999)
    assert price_bounds("anything else") == (99, 1999)
