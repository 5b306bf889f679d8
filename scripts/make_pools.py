"""Write ``src/pgseed/anyschema/values/pools.json.gz``: the word pools ``pgseed fill`` draws from.

The pools are made once, ahead of time, from Faker (``pip install faker``), so the
values pgseed writes never depend on the Faker installed at run time and no Faker
call happens per row. The file records the Faker version and locale it came from.
Run it again (``python scripts/make_pools.py``) only to refresh the pools on purpose:
new pools change the values every seed gives.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Callable
from pathlib import Path

import faker

LOCALE = "en_US"
SEED = 20261130
OUT = Path(__file__).resolve().parent.parent / "src/pgseed/anyschema/values/pools.json.gz"

# How many draws per pool: enough variety for a demo database, small enough that
# the gzipped file stays well under 1 MB. Pools with few possible values (countries,
# currencies) end up smaller after de-duplication.
DRAWS = 3000


def _pool(draw: Callable[[], str], draws: int = DRAWS, max_len: int = 120) -> list[str]:
    seen: dict[str, None] = {}
    for _ in range(draws):
        v = str(draw()).strip()
        # Pools hold single-line ASCII-safe text: no COPY escapes, no NUL, sane length.
        if v and "\n" not in v and "\t" not in v and "\\" not in v and len(v) <= max_len:
            seen.setdefault(v, None)
    return sorted(seen)


def build() -> dict[str, object]:
    fake = faker.Faker(LOCALE)
    fake.seed_instance(SEED)
    words = _pool(fake.word, 6000)
    pools: dict[str, list[str]] = {
        "first_name": _pool(fake.first_name),
        "last_name": _pool(fake.last_name),
        "city": _pool(fake.city),
        "country": _pool(fake.country),
        "country_code": _pool(fake.country_code, 2000),
        "company": _pool(fake.company),
        "street_address": _pool(fake.street_address),
        "postcode": _pool(fake.postcode),
        "job": _pool(fake.job),
        "word": [w for w in words if w.isalpha() and w.isascii()],
        "domain_word": _pool(fake.domain_word),
        "free_email_domain": _pool(fake.free_email_domain, 500),
        "tld": _pool(fake.tld, 500),
        "user_agent": _pool(fake.user_agent, 1500, max_len=250),
        "mime_type": _pool(fake.mime_type, 2000),
        "timezone": _pool(fake.timezone, 3000),
        "currency_code": _pool(fake.currency_code, 2000),
        "locale": _pool(fake.locale, 2000),
        "color_name": _pool(fake.color_name, 2000),
        "file_extension": _pool(fake.file_extension, 500),
    }
    return {
        "source": "faker",
        "faker_version": faker.VERSION,
        "locale": LOCALE,
        "seed": SEED,
        "pools": pools,
    }


def main() -> int:
    data = build()
    raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    # mtime=0: the same pools give the same bytes, so a re-run shows no diff.
    OUT.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    sizes = {k: len(v) for k, v in data["pools"].items()}  # type: ignore[attr-defined]
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, faker {data['faker_version']}): {sizes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
