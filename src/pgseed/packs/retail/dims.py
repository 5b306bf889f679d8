"""Dimensions: stores, products and the calendar (with holidays).

Small tables, generated in the writer process from keyed streams. Each store's
and product's demand level is a function of its stored fields (code, name,
SKU), so an ``--append`` run that reads them back from the database computes
the same levels the full run used, whatever seed it is given.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import numpy as np

from ...rng import hashed_normal, stream
from .config import Holiday, RetailConfig

CITIES = """Springfield Riverside Franklin Greenville Bristol Clinton Fairview Salem Madison
Georgetown Arlington Ashland Burlington Manchester Oxford Milton Newport Clayton Dayton
Lexington Milford Winchester Hudson Kingston Dover Jackson Auburn Marion Harrison Lincoln
Chester Bedford Camden Dalton Easton Florence Hamilton Lebanon Monroe Norwood Plymouth
Quincy Richmond Shelby Trenton Union Vernon Warren York Aurora Belmont Cedar Eden Glendale
Hanover Irving Jasper Kent Lakewood""".split()

STORE_SIZES = {"supermarket": (1800, 4500), "express": (150, 600), "warehouse": (6000, 14000)}

NOUNS = {
    "Beverage": "Cola|Sparkling Water|Iced Tea|Orange Juice|Cold Brew|Lemonade|Energy Drink|Ginger Ale|Kombucha|Sports Drink",
    "Snack": "Potato Chips|Pretzels|Trail Mix|Popcorn|Granola Bar|Tortilla Chips|Crackers|Rice Cakes|Cookies|Nut Mix",
    "Dairy": "Whole Milk|Greek Yogurt|Cheddar|Butter|Cream Cheese|Skim Milk|Mozzarella|Sour Cream|Kefir|Cottage Cheese",
    "Frozen": "Pizza|Ice Cream|Peas|Fish Sticks|Waffles|Dumplings|Burritos|Berries Mix|Fries|Lasagna",
    "Gift": "Gift Card|Chocolate Box|Candle Set|Gift Basket|Mug Set|Tea Sampler|Cookie Tin|Wine Glasses",
    "Seasonal": "Pumpkin Spice Mix|Eggnog|Candy Canes|Ornament Set|Advent Calendar|Holiday Cookies|Gingerbread Kit",
}
GENERIC_NOUNS = "Classic|Essentials|Select|Value Pack|Family Size|Original|Signature|Fresh".split(
    "|"
)
ADJECTIVES = (
    "Classic|Organic|Light|Zero|Premium|Original|Fresh|Crunchy|Creamy|Bold|Mild|Smart".split("|")
)
SIZES = "250ml|330ml|500ml|1L|2L|100g|200g|400g|1kg|6-pack|12-pack|family size".split("|")
PRICE_RANGE = {  # base price range in dollars, by category
    "Beverage": (0.99, 6.99),
    "Snack": (1.49, 7.99),
    "Dairy": (0.89, 8.99),
    "Frozen": (2.49, 12.99),
    "Gift": (9.99, 49.99),
    "Seasonal": (2.99, 24.99),
}
DEFAULT_PRICE_RANGE = (0.99, 19.99)


def epoch_day(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def from_epoch_day(n: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(n))


def _unit_hash(*parts: object) -> float:
    """A uniform [0, 1) value from the bytes of ``parts`` (no seed: stored fields carry it)."""
    h = hashlib.blake2b(
        "\x1f".join(map(str, parts)).encode(), digest_size=8, person=b"pgseed-retail"
    )
    return int.from_bytes(h.digest(), "little") / 2**64


def _lognormal_from(u: float, sigma: float) -> float:
    """Mean-one lognormal factor from a uniform, via the normal quantile."""
    from statistics import NormalDist

    z = NormalDist().inv_cdf(min(max(u, 1e-12), 1 - 1e-12))
    return float(np.exp(sigma * z - sigma * sigma / 2))


def store_factor(code: str, name: str) -> float:
    return _lognormal_from(_unit_hash("store", code, name), 0.3)


def product_factor(sku: str, name: str) -> float:
    return _lognormal_from(_unit_hash("product", sku, name), 0.6)


def entity_key(*parts: object) -> int:
    """A 64-bit key from the bytes of ``parts`` (a store's code, a product's SKU)."""
    return int(_unit_hash(*parts) * 2**64)


def pair_factors(store_keys: np.ndarray, product_keys: np.ndarray) -> np.ndarray:
    """Mean-one lognormal factor per (store, product), one vectorised draw for all pairs."""
    z = hashed_normal(0, "retail-pair", store_keys, product_keys)
    out: np.ndarray = np.exp(0.25 * z - 0.25**2 / 2)
    return out


@dataclass(frozen=True)
class Stores:
    id: np.ndarray
    code: list[str]
    name: list[str]
    region: list[str]
    store_type: list[str]
    city: list[str]
    size_sqm: np.ndarray
    opened_on: np.ndarray  # epoch days


@dataclass(frozen=True)
class Products:
    id: np.ndarray
    sku: list[str]
    name: list[str]
    category: list[str]
    brand: list[str]
    base_cents: np.ndarray
    cost_cents: np.ndarray
    launch: np.ndarray  # epoch days


def stores(cfg: RetailConfig) -> Stores:
    sc = cfg.dimensions.stores
    n = sc.count
    rng = stream(cfg.seed, "store")
    ids = np.arange(1, n + 1, dtype=np.int64)
    regions = list(sc.regions) or ["Central"]
    types = list(sc.types) or ["supermarket"]
    type_weights = np.array(
        [3.0 if t == "supermarket" else 1.5 if t == "express" else 1.0 for t in types]
    )
    t_idx = rng.choice(len(types), size=n, p=type_weights / type_weights.sum())
    r_idx = rng.integers(0, len(regions), size=n)
    c_idx = rng.integers(0, len(CITIES), size=n)
    u = rng.random(n)
    sizes = np.empty(n, dtype=np.int64)
    for i, t in enumerate(t_idx.tolist()):
        lo, hi = STORE_SIZES.get(types[t], (400, 3000))
        sizes[i] = int(lo + u[i] * (hi - lo))
    start = epoch_day(cfg.date_range.start)
    opened = start - rng.integers(90, 15 * 365, size=n)
    city = [CITIES[i] for i in c_idx.tolist()]
    stype = [types[i] for i in t_idx.tolist()]
    return Stores(
        id=ids,
        code=[f"S{i:04d}" for i in ids.tolist()],
        name=[f"{c} {t.title()}" for c, t in zip(city, stype, strict=True)],
        region=[regions[i] for i in r_idx.tolist()],
        store_type=stype,
        city=city,
        size_sqm=sizes,
        opened_on=opened,
    )


def products(cfg: RetailConfig) -> Products:
    pc = cfg.dimensions.products
    n = pc.count
    rng = stream(cfg.seed, "product")
    ids = np.arange(1, n + 1, dtype=np.int64)
    cats = list(pc.categories) or ["General"]
    brands = list(pc.brands) or ["Generic"]
    cat_idx = rng.integers(0, len(cats), size=n)
    brand_idx = rng.integers(0, len(brands), size=n)
    noun_u, adj_u, size_u, price_u, cost_u = rng.random((5, n))
    names, skus, base = [], [], np.empty(n, dtype=np.int64)
    for i in range(n):
        cat = cats[cat_idx[i]]
        nouns = NOUNS[cat].split("|") if cat in NOUNS else GENERIC_NOUNS
        noun = nouns[int(noun_u[i] * len(nouns))]
        adj = ADJECTIVES[int(adj_u[i] * len(ADJECTIVES))]
        size = SIZES[int(size_u[i] * len(SIZES))]
        names.append(f"{brands[brand_idx[i]]} {adj} {noun} {size}"[:200])
        prefix = "".join(ch for ch in cat.upper() if ch.isalnum())[:3] or "GEN"
        skus.append(f"{prefix}-{int(ids[i]):06d}")
        lo, hi = PRICE_RANGE.get(cat, DEFAULT_PRICE_RANGE)
        # Shelf prices end in 9 cents: 2.49, 3.99.
        base[i] = int((lo + (hi - lo) * price_u[i] ** 1.5) * 10) * 10 + 9
    cost = (base * (0.45 + 0.25 * cost_u)).astype(np.int64)
    start, end = epoch_day(cfg.date_range.start), epoch_day(cfg.date_range.end)
    launch = start - rng.integers(30, 5 * 365, size=n)
    is_new = rng.random(n) < pc.new_product_share
    last_launch = max(start, end - 14)
    launch = np.where(is_new, rng.integers(start, last_launch + 1, size=n), launch)
    return Products(
        id=ids,
        sku=skus,
        name=names,
        category=[cats[i] for i in cat_idx.tolist()],
        brand=[brands[i] for i in brand_idx.tolist()],
        base_cents=base,
        cost_cents=cost,
        launch=launch,
    )


# -- calendar and holidays -----------------------------------------------------


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th (1-based; -1 = last) ``weekday`` (0 = Monday) of a month."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    q = (a + 11 * h + 22 * m) // 451
    month = (h + m - 7 * q + 114) // 31
    day = (h + m - 7 * q + 114) % 31 + 1
    return dt.date(year, month, day)


def builtin_holidays(first_year: int, last_year: int) -> list[Holiday]:
    """US retail's big days with demand multipliers, for every year in the range."""
    out = []
    for y in range(first_year, last_year + 1):
        thanksgiving = _nth_weekday(y, 11, 3, 4)
        days = [
            (dt.date(y, 1, 1), "New Year's Day", 0.5),
            (_nth_weekday(y, 2, 6, 2), "Super Bowl Sunday", 1.3),
            (dt.date(y, 2, 14), "Valentine's Day", 1.15),
            (_easter(y), "Easter Sunday", 0.7),
            (_nth_weekday(y, 5, 0, -1), "Memorial Day", 1.25),
            (dt.date(y, 7, 4), "Independence Day", 1.4),
            (_nth_weekday(y, 9, 0, 1), "Labor Day", 1.25),
            (dt.date(y, 10, 31), "Halloween", 1.2),
            (thanksgiving, "Thanksgiving", 1.5),
            (thanksgiving + dt.timedelta(days=1), "Black Friday", 2.5),
            (thanksgiving + dt.timedelta(days=4), "Cyber Monday", 1.3),
            (dt.date(y, 12, 24), "Christmas Eve", 1.6),
            (dt.date(y, 12, 25), "Christmas Day", 0.3),
            (dt.date(y, 12, 31), "New Year's Eve", 1.3),
        ]
        out += [Holiday(date=d, name=n, multiplier=m) for d, n, m in days]
    return out


def holidays(cfg: RetailConfig, start: dt.date, end: dt.date) -> dict[int, tuple[str, float]]:
    """Epoch day -> (name, demand multiplier) for the holidays in [start, end]."""
    listed = cfg.holidays if cfg.holidays is not None else builtin_holidays(start.year, end.year)
    out: dict[int, tuple[str, float]] = {}
    for h in listed:
        if start <= h.date <= end:
            out[epoch_day(h.date)] = (h.name, h.multiplier)
    return out


@dataclass(frozen=True)
class CalendarRows:
    days: np.ndarray  # epoch days
    holiday_name: list[str | None]


def calendar(cfg: RetailConfig, start: dt.date, end: dt.date) -> CalendarRows:
    days = np.arange(epoch_day(start), epoch_day(end) + 1, dtype=np.int64)
    hol = holidays(cfg, start, end)
    return CalendarRows(
        days=days, holiday_name=[hol[d][0] if d in hol else None for d in days.tolist()]
    )
