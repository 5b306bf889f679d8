"""Stores, products and the calendar: every field as ``dims.py`` builds it.

Expectations come from the config (regions, types, categories, brands, the date
range, the holiday list) and from the generator's own tables (cities, store sizes,
price ranges, name words), never from the seed: a dataset verifies with the config
it was generated with, whatever seed drew it. Lists the query needs are passed as
arrays and joined with ``unnest``, so the rules stay one query each.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from ....checks import Check, ZeroRule, count, share_ok, zeros
from ....pg import Conn
from .. import dims
from ..config import RetailConfig

# dims.stores() and dims.products() fall back to these when the config's lists are empty.
DEFAULT_REGIONS = ["Central"]
DEFAULT_TYPES = ["supermarket"]
DEFAULT_CATEGORIES = ["General"]
DEFAULT_BRANDS = ["Generic"]
UNKNOWN_TYPE_SIZE = (400, 3000)  # dims.stores(): a type outside STORE_SIZES
OPENED_DAYS = (90, 15 * 365 - 1)  # days before the range's start a store opened
LAUNCH_DAYS = (30, 5 * 365 - 1)  # days before the range's start an old product launched
LAST_LAUNCH_MARGIN = 14  # a new product launches at least this many days before the end


def _distinct(values: tuple[str, ...]) -> list[str]:
    # A name listed twice would join its rows twice.
    return list(dict.fromkeys(values))


def _regions(cfg: RetailConfig) -> list[str]:
    return _distinct(cfg.dimensions.stores.regions) or DEFAULT_REGIONS


def _types(cfg: RetailConfig) -> list[str]:
    return _distinct(cfg.dimensions.stores.types) or DEFAULT_TYPES


def _categories(cfg: RetailConfig) -> list[str]:
    return _distinct(cfg.dimensions.products.categories) or DEFAULT_CATEGORIES


def _brands(cfg: RetailConfig) -> list[str]:
    return _distinct(cfg.dimensions.products.brands) or DEFAULT_BRANDS


def sku_prefix(category: str) -> str:
    """What dims.products() puts before a SKU's number."""
    return "".join(ch for ch in category.upper() if ch.isalnum())[:3] or "GEN"


def price_bounds(category: str) -> tuple[int, int]:
    """Lowest and highest base price (cents) dims.products() can give a category.

    It draws ``int((lo + (hi - lo) * u**1.5) * 10) * 10 + 9`` with u in [0, 1).
    """
    lo, hi = dims.PRICE_RANGE.get(category, dims.DEFAULT_PRICE_RANGE)
    return int(lo * 10) * 10 + 9, math.floor(hi * 10) * 10 + 9


def _alternatives(words: list[str]) -> str:
    # Escape every character that is not a word character or a space: valid in
    # PostgreSQL's regular expressions and Python's alike.
    return "(" + "|".join(re.sub(r"([^\w ])", r"\\\1", w) for w in words) + ")"


def name_pattern(category: str) -> str:
    """What follows "{brand} " in a product's name: adjective, a noun of its category, size."""
    nouns = dims.NOUNS[category].split("|") if category in dims.NOUNS else dims.GENERIC_NOUNS
    return f"^{_alternatives(dims.ADJECTIVES)} {_alternatives(nouns)} {_alternatives(dims.SIZES)}$"


def store_rules(cfg: RetailConfig) -> list[ZeroRule]:
    types = _types(cfg)
    sizes = [dims.STORE_SIZES.get(t, UNKNOWN_TYPE_SIZE) for t in types]
    start = cfg.date_range.start
    by_type = "unnest(%(types)s::text[], %(titles)s::text[], %(lo)s::int[], %(hi)s::int[])"
    type_params: dict[str, object] = {
        "types": types,
        "titles": [t.title() for t in types],
        "lo": [lo for lo, _ in sizes],
        # int(lo + u * (hi - lo)) with u in [0, 1): hi itself is never drawn
        "hi": [hi - 1 for _, hi in sizes],
    }
    return [
        ZeroRule(
            "store: ids run 1..n; code = 'S' + the id, zero-padded to 4 digits",
            "SELECT count(*) FILTER (WHERE code <> 'S' || lpad(id::text, greatest(4,"
            " length(id::text)), '0')) + CASE WHEN count(*) > 0 AND (min(id) <> 1"
            " OR max(id) <> count(*)) THEN 1 ELSE 0 END FROM store",
        ),
        ZeroRule(
            "store: region is one of the configured regions",
            "SELECT count(*) FROM store WHERE region <> ALL(%s::text[])",
            [_regions(cfg)],
        ),
        ZeroRule(
            "store: store_type is one of the configured types",
            "SELECT count(*) FROM store WHERE store_type <> ALL(%s::text[])",
            [types],
        ),
        ZeroRule(
            "store: city is one of pgseed's cities",
            "SELECT count(*) FROM store WHERE city <> ALL(%s::text[])",
            [dims.CITIES],
        ),
        ZeroRule(
            "store: name = '{city} {Store_type}'",
            f"SELECT count(*) FROM store s LEFT JOIN {by_type} t(type, title, lo, hi)"
            " ON t.type = s.store_type WHERE s.name IS DISTINCT FROM s.city || ' ' || t.title",
            type_params,
        ),
        ZeroRule(
            "store: size_sqm within its type's range (dims.STORE_SIZES)",
            f"SELECT count(*) FROM store s LEFT JOIN {by_type} t(type, title, lo, hi)"
            " ON t.type = s.store_type WHERE s.size_sqm NOT BETWEEN"
            f" coalesce(t.lo, {UNKNOWN_TYPE_SIZE[0]}) AND coalesce(t.hi, {UNKNOWN_TYPE_SIZE[1] - 1})",
            type_params,
        ),
        ZeroRule(
            f"store: opened_on {OPENED_DAYS[0]} days to 15 years before the range's start",
            "SELECT count(*) FROM store WHERE opened_on NOT BETWEEN %s AND %s",
            [start - dt.timedelta(days=OPENED_DAYS[1]), start - dt.timedelta(days=OPENED_DAYS[0])],
        ),
    ]


def product_rules(cfg: RetailConfig) -> list[ZeroRule]:
    cats = _categories(cfg)
    bounds = [price_bounds(c) for c in cats]
    default_lo, default_hi = price_bounds("")  # a category outside PRICE_RANGE
    by_cat = (
        "unnest(%(cats)s::text[], %(prefix)s::text[], %(pattern)s::text[]) t(cat, prefix, pattern)"
    )
    cat_params: dict[str, object] = {
        "cats": cats,
        "prefix": [sku_prefix(c) for c in cats],
        "pattern": [name_pattern(c) for c in cats],
    }
    start, end = cfg.date_range.start, cfg.date_range.end
    last_launch = max(start, end - dt.timedelta(days=LAST_LAUNCH_MARGIN))
    return [
        ZeroRule(
            "product: ids run 1..n; sku = category prefix + '-' + the id, zero-padded to 6",
            f"SELECT count(*) FILTER (WHERE p.sku IS DISTINCT FROM t.prefix || '-' ||"
            " lpad(p.id::text, greatest(6, length(p.id::text)), '0'))"
            " + CASE WHEN count(*) > 0 AND (min(p.id) <> 1 OR max(p.id) <> count(*))"
            f" THEN 1 ELSE 0 END FROM product p LEFT JOIN {by_cat} ON t.cat = p.category",
            cat_params,
        ),
        ZeroRule(
            "product: category is one of the configured categories",
            "SELECT count(*) FROM product WHERE category <> ALL(%s::text[])",
            [cats],
        ),
        ZeroRule(
            "product: brand is one of the configured brands",
            "SELECT count(*) FROM product WHERE brand <> ALL(%s::text[])",
            [_brands(cfg)],
        ),
        ZeroRule(
            # Brands hold at most 50 characters (config), so a name never reaches the
            # column's 200: every name must have the full shape.
            "product: name = '{brand} {adjective} {noun of its category} {size}'",
            f"SELECT count(*) FROM product p LEFT JOIN {by_cat} ON t.cat = p.category"
            " WHERE t.pattern IS NULL OR left(p.name, length(p.brand) + 1) <> p.brand || ' '"
            " OR NOT substr(p.name, length(p.brand) + 2) ~ t.pattern",
            cat_params,
        ),
        ZeroRule(
            "product: base_price in its category's range (dims.PRICE_RANGE), ending in 9 cents",
            "SELECT count(*) FROM product p LEFT JOIN unnest(%(cats)s::text[], %(lo)s::int[],"
            " %(hi)s::int[]) t(cat, lo, hi) ON t.cat = p.category"
            " WHERE (p.base_price * 100) %% 10 <> 9"
            " OR p.base_price * 100 NOT BETWEEN coalesce(t.lo, %(dlo)s) AND coalesce(t.hi, %(dhi)s)",
            {
                "cats": cats,
                "lo": [lo for lo, _ in bounds],
                "hi": [hi for _, hi in bounds],
                "dlo": default_lo,
                "dhi": default_hi,
            },
        ),
        ZeroRule(
            # int(base x (0.45 + 0.25 u)) cents, u in [0, 1)
            "product: unit_cost 45% to 70% of base_price (whole cents, rounded down)",
            "SELECT count(*) FROM product WHERE unit_cost * 100 <> trunc(unit_cost * 100)"
            " OR unit_cost * 100 < floor(base_price * 45) OR unit_cost * 100 > floor(base_price * 70)",
        ),
        ZeroRule(
            "product: launch_date 30 days to 5 years before the range, or inside it until"
            f" {LAST_LAUNCH_MARGIN} days before its end",
            "SELECT count(*) FROM product WHERE launch_date NOT BETWEEN %s AND %s"
            " AND launch_date NOT BETWEEN %s AND %s",
            [
                start - dt.timedelta(days=LAUNCH_DAYS[1]),
                start - dt.timedelta(days=LAUNCH_DAYS[0]),
                start,
                last_launch,
            ],
        ),
    ]


def new_products(conn: Conn, cfg: RetailConfig) -> Check:
    """Each product launches inside the range with probability new_product_share."""
    share = cfg.dimensions.products.new_product_share
    n = count(conn, "SELECT count(*) FROM product")
    new = count(
        conn, "SELECT count(*) FROM product WHERE launch_date >= %s", [cfg.date_range.start]
    )
    ok, detail = share_ok(new, n, share)
    return Check("product: about new_product_share of products launch inside the range", ok, detail)


# (calendar column, the expression its date gives; ISO week, 0 = Monday)
CALENDAR_FIELDS = [
    ("day_of_week", "extract(isodow FROM date) - 1"),
    ("day_of_month", "extract(day FROM date)"),
    ("day_of_year", "extract(doy FROM date)"),
    ("week_of_year", "extract(week FROM date)"),
    ("month", "extract(month FROM date)"),
    ("quarter", "extract(quarter FROM date)"),
    ("year", "extract(year FROM date)"),
    ("is_weekend", "extract(isodow FROM date) >= 6"),
    ("is_holiday", "holiday_name IS NOT NULL"),
]


CALENDAR = [
    ZeroRule(
        "calendar has no missing day between its first and last",
        "SELECT (max(date) - min(date) + 1) - count(*) FROM calendar",
    ),
]


def calendar_fields(conn: Conn) -> Check:
    """Every field derived from its date; the detail names the fields that are off."""
    counts = ", ".join(f"count(*) FILTER (WHERE {c} <> ({e}))" for c, e in CALENDAR_FIELDS)
    row = conn.execute(f"SELECT {counts} FROM calendar").fetchone() or ()
    bad = {c: int(str(n)) for (c, _), n in zip(CALENDAR_FIELDS, row, strict=True) if n}
    return Check(
        "calendar fields match their date (0 = Monday)",
        not bad,
        "ok" if not bad else "wrong " + ", ".join(f"{c} on {n:,} days" for c, n in bad.items()),
    )


def calendar_holidays(conn: Conn, cfg: RetailConfig) -> Check:
    """is_holiday and holiday_name are exactly the configured list's, day by day.

    The list is the YAML's ``holidays:`` or the built-in one for every year the
    calendar covers: computed for the calendar's own first..last day, because
    appends extend it past the config's range.
    """
    rule = "calendar: holidays are exactly the configured list (YAML or built-in)"
    span = conn.execute("SELECT min(date), max(date) FROM calendar").fetchone()
    if span is None or span[0] is None:
        return Check(rule, True, "no calendar days")
    first, last = span
    assert isinstance(first, dt.date) and isinstance(last, dt.date)
    want = {
        dims.from_epoch_day(d): name for d, (name, _) in dims.holidays(cfg, first, last).items()
    }
    rows = conn.execute(
        "SELECT date, is_holiday, holiday_name FROM calendar"
        " WHERE is_holiday OR holiday_name IS NOT NULL OR date = ANY(%s::date[]) ORDER BY date",
        [list(want)],
    ).fetchall()
    bad = []
    for day, is_holiday, name in rows:
        assert isinstance(day, dt.date)
        expected = want.get(day)
        if (bool(is_holiday), name) != (expected is not None, expected):
            got = f"{name!r}" if is_holiday or name else "no holiday"
            bad.append(f"{day}: {got}, configured {expected!r}" if expected else f"{day}: {got}")
    detail = f"{len(want):,} holidays from {first} to {last}"
    if bad:
        detail = f"{len(bad):,} days wrong, e.g. " + "; ".join(bad[:3])
    return Check(rule, not bad, detail)


def checks(conn: Conn, cfg: RetailConfig) -> list[Check]:
    return [
        *zeros(conn, store_rules(cfg)),
        *zeros(conn, product_rules(cfg)),
        new_products(conn, cfg),
        *zeros(conn, CALENDAR),
        calendar_fields(conn),
        calendar_holidays(conn, cfg),
    ]
