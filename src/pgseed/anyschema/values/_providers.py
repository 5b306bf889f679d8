"""Providers: text that looks like what a column's name says (email, city, phone...).
``_names.provider_for`` picks one from the name; this module makes the values.

Each text provider is a function ``(keyed, rows) -> list[str]`` built from the
shipped pools; providers for ordered types (``epoch``, ``latitude``, ``longitude``,
``year``, ``age``) are default bounds, applied where the rule gives none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import numpy as np

from pgseed.anyschema.values import _ordered
from pgseed.anyschema.values._keys import Keyed, uuid_texts
from pgseed.anyschema.values._pools import pick, pool, words

Texts = list[str]
Maker = Callable[[Keyed, np.ndarray], Texts]

STRING_BASES = frozenset({"text", "varchar", "bpchar", "citext", "name"})


def _hex(k: Keyed, purpose: str, rows: np.ndarray, chars: int) -> Texts:
    parts = [k.bits(f"{purpose}/{j}", rows) for j in range((chars + 15) // 16)]
    joined = [
        "".join(f"{int(x):016x}" for x in t) for t in zip(*[p.tolist() for p in parts], strict=True)
    ]
    return [s[:chars] for s in joined]


def _lower_slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


@cache
def _slug_pool(name: str) -> np.ndarray:
    return np.array([_lower_slug(v) or "x" for v in pool(name).tolist()])


def _pick_slug(k: Keyed, purpose: str, rows: np.ndarray, name: str) -> list[str]:
    p = _slug_pool(name)
    return list(p[k.below(purpose, rows, len(p))].tolist())


def _email(k: Keyed, rows: np.ndarray) -> Texts:
    first = _pick_slug(k, "first", rows, "first_name")
    last = _pick_slug(k, "last", rows, "last_name")
    dom = pick(k, "domain", rows, "domain_word")
    tld = pick(k, "tld", rows, "tld")
    return [f"{f}.{la}@{d}.{t}" for f, la, d, t in zip(first, last, dom, tld, strict=True)]


def _full_name(k: Keyed, rows: np.ndarray) -> Texts:
    first = pick(k, "first", rows, "first_name")
    last = pick(k, "last", rows, "last_name")
    return [f"{f} {la}" for f, la in zip(first, last, strict=True)]


def _user_name(k: Keyed, rows: np.ndarray) -> Texts:
    first = _pick_slug(k, "first", rows, "first_name")
    last = _pick_slug(k, "last", rows, "last_name")
    return [f"{f[:1]}{la}" for f, la in zip(first, last, strict=True)]


def _phone(k: Keyed, rows: np.ndarray) -> Texts:
    n = k.below("phone", rows, 10**10).tolist()
    return [f"+1-{200 + x // 10**7 % 800:03d}-{x // 10**4 % 1000:03d}-{x % 10**4:04d}" for x in n]


def _url(k: Keyed, rows: np.ndarray) -> Texts:
    dom = pick(k, "domain", rows, "domain_word")
    tld = pick(k, "tld", rows, "tld")
    path = pick(k, "path", rows, "word")
    return [f"https://{d}.{t}/{p.lower()}" for d, t, p in zip(dom, tld, path, strict=True)]


def _domain(k: Keyed, rows: np.ndarray) -> Texts:
    dom = pick(k, "domain", rows, "domain_word")
    tld = pick(k, "tld", rows, "tld")
    return [f"{d}.{t}" for d, t in zip(dom, tld, strict=True)]


def _slug(k: Keyed, rows: np.ndarray) -> Texts:
    return [_lower_slug(w) for w in words(k, "slug", rows, 3)]


def _ipv4(k: Keyed, rows: np.ndarray) -> Texts:
    v = k.below("ip", rows, 1 << 32).tolist()
    return [f"{x >> 24}.{x >> 16 & 255}.{x >> 8 & 255}.{x & 255}" for x in v]


def _sentence(k: Keyed, rows: np.ndarray) -> Texts:
    return [w[:1].upper() + w[1:] + "." for w in words(k, "sentence", rows, 5)]


def _paragraph(k: Keyed, rows: np.ndarray) -> Texts:
    s = [_sentence(Keyed(k.seed, k.table, f"{k.column}/{j}"), rows) for j in range(3)]
    return [" ".join(t) for t in zip(*s, strict=True)]


def _iso_timestamp(k: Keyed, rows: np.ndarray) -> Texts:
    sp = _ordered.Span(_ordered.WINDOW_LO_US // 10**6, _ordered.WINDOW_HI_US // 10**6, True)
    sec = _ordered.draw(k, rows, sp, False).astype(np.int64)
    text = np.datetime_as_string(sec.astype("datetime64[s]"), unit="s").tolist()
    return [s + "Z" for s in text]


def _iso_date(k: Keyed, rows: np.ndarray) -> Texts:
    return [s[:10] for s in _iso_timestamp(k, rows)]


def _pool(name: str) -> Maker:
    return lambda k, rows: pick(k, name, rows, name)


def _hex_maker(chars: int) -> Maker:
    return lambda k, rows: _hex(k, "hex", rows, chars)


def _uuid(k: Keyed, rows: np.ndarray) -> Texts:
    return uuid_texts(k.bits("uuid-hi", rows), k.bits("uuid-lo", rows))


def _hex_color(k: Keyed, rows: np.ndarray) -> Texts:
    return ["#" + s for s in _hex(k, "color", rows, 6)]


TEXT: dict[str, Maker] = {
    "email": _email,
    "first_name": _pool("first_name"),
    "last_name": _pool("last_name"),
    "name": _full_name,
    "user_name": _user_name,
    "city": _pool("city"),
    "country": _pool("country"),
    "country_code": _pool("country_code"),
    "phone_number": _phone,
    "url": _url,
    "domain_name": _domain,
    "slug": _slug,
    "ipv4": _ipv4,
    "user_agent": _pool("user_agent"),
    "currency_code": _pool("currency_code"),
    "locale": _pool("locale"),
    "timezone": _pool("timezone"),
    "mime_type": _pool("mime_type"),
    "sentence": _sentence,
    "paragraph": _paragraph,
    "company": _pool("company"),
    "street_address": _pool("street_address"),
    "postcode": _pool("postcode"),
    "color_name": _pool("color_name"),
    "hex_color": _hex_color,
    "job": _pool("job"),
    "sha256": _hex_maker(64),
    "password": _hex_maker(64),
    "token": _hex_maker(32),
    "uuid4": _uuid,
    "iso_timestamp": _iso_timestamp,
    "iso_date": _iso_date,
    "word": _pool("word"),
}


def _unique_phone(k: Keyed, rows: np.ndarray) -> Texts:
    n = k.permute("phone-unique", rows, 8 * 10**9).tolist()
    return [f"+1-{200 + x // 10**7:03d}-{x // 10**4 % 1000:03d}-{x % 10**4:04d}" for x in n]


def _unique_ipv4(k: Keyed, rows: np.ndarray) -> Texts:
    v = k.permute("ip-unique", rows, 1 << 32).tolist()
    return [f"{x >> 24}.{x >> 16 & 255}.{x >> 8 & 255}.{x & 255}" for x in v]


def _unique_iso_timestamp(k: Keyed, rows: np.ndarray) -> Texts:
    sp = _ordered.Span(_ordered.WINDOW_LO_US // 10**6, _ordered.WINDOW_HI_US // 10**6, True)
    sec = _ordered.draw(k, rows, sp, True).astype(np.int64)
    return [s + "Z" for s in np.datetime_as_string(sec.astype("datetime64[s]"), unit="s").tolist()]


def _unique_iso_date(k: Keyed, rows: np.ndarray) -> Texts:
    sp = _ordered.Span(
        _ordered.WINDOW_LO_US // 86_400_000_000, _ordered.WINDOW_HI_US // 86_400_000_000, True
    )
    days = _ordered.draw(k, rows, sp, True).astype(np.int64)
    return list(np.datetime_as_string(days.astype("datetime64[D]")).tolist())


def _unique_hex_color(k: Keyed, rows: np.ndarray) -> Texts:
    return [f"#{x:06x}" for x in k.permute("color-unique", rows, 1 << 24).tolist()]


# Providers whose values can be made distinct without leaving their format: (maker,
# capacity). The hex ones already are: their first 16 digits are a bijection of the row
# index (Keyed.bits). Other providers get the base-36 row suffix (_text.uniquify).
UNIQUE: dict[str, tuple[Maker, int | None]] = {
    "phone_number": (_unique_phone, 8 * 10**9),
    "ipv4": (_unique_ipv4, 1 << 32),
    "iso_timestamp": (
        _unique_iso_timestamp,
        (_ordered.WINDOW_HI_US - _ordered.WINDOW_LO_US) // 10**6 + 1,
    ),
    "iso_date": (
        _unique_iso_date,
        (_ordered.WINDOW_HI_US - _ordered.WINDOW_LO_US) // 86_400_000_000 + 1,
    ),
    "hex_color": (_unique_hex_color, 1 << 24),
    "sha256": (_hex_maker(64), None),
    "password": (_hex_maker(64), None),
    "token": (_hex_maker(32), None),
    "uuid4": (_uuid, None),
}

# Providers of ordered types: the (low, high) they put on a column whose rule has none.
BOUNDS: dict[str, tuple[str, str]] = {
    "epoch": ("1577836800", "1767225599"),  # the default window, 2020-01-01 .. 2025-12-31
    "epoch_ms": ("1577836800000", "1767225599999"),
    "latitude": ("-90", "90"),
    "longitude": ("-180", "180"),
    "year": ("1990", "2025"),
    "age": ("18", "90"),
}

ALIASES = {
    "full_name": "name",
    "username": "user_name",
    "phone": "phone_number",
    "zip": "postcode",
    "postal_code": "postcode",
    "address": "street_address",
    "currency": "currency_code",
    "ip": "ipv4",
    "ipv4_address": "ipv4",
    "text": "paragraph",
    "color": "color_name",
    "hash": "sha256",
    "uuid": "uuid4",
    "lat": "latitude",
    "lng": "longitude",
    "lon": "longitude",
}


def known() -> tuple[str, ...]:
    return tuple(sorted({*TEXT, *BOUNDS}))


def resolve(name: str) -> str:
    return ALIASES.get(name, name)
