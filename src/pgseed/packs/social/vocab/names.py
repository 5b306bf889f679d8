"""First and last name pools, from ``data/names.json`` (made by scripts/make_social_vocab.py).

Source: Faker 40.63.0's en_US person provider (SSA-derived first names, census-derived
last names), frozen; the gender-neutral pool is hand-picked. The three first-name pools
are disjoint: a neutral name is in neither the male nor the female pool, so a name never
contradicts the profile's gender. Every pool is a tuple of str in sorted order; a
generator draws an index into it, so the order is part of determinism.
"""

from __future__ import annotations

from pgseed.packs.social.vocab._data import read_json

_NAMES = read_json("names.json")

FIRST_NAMES_MALE: tuple[str, ...] = tuple(_NAMES["first_male"])
FIRST_NAMES_FEMALE: tuple[str, ...] = tuple(_NAMES["first_female"])
FIRST_NAMES_NEUTRAL: tuple[str, ...] = tuple(_NAMES["first_neutral"])
LAST_NAMES: tuple[str, ...] = tuple(_NAMES["last"])
NAMES_SOURCE: str = _NAMES["source"]

# The spec's Gender enum; every value but MALE and FEMALE draws from the neutral pool.
GENDERS: tuple[str, ...] = ("UNSPECIFIED", "MALE", "FEMALE", "NONBINARY", "OTHER")


def first_names(gender: str) -> tuple[str, ...]:
    """The first-name pool for a Gender enum value (``"MALE"``, ``"FEMALE"``, ``"NONBINARY"``,
    ``"OTHER"`` or ``"UNSPECIFIED"``; the last three share the gender-neutral pool)."""
    if gender == "MALE":
        return FIRST_NAMES_MALE
    if gender == "FEMALE":
        return FIRST_NAMES_FEMALE
    if gender in GENDERS:
        return FIRST_NAMES_NEUTRAL
    raise ValueError(f"unknown gender {gender!r}; expected one of {', '.join(GENDERS)}")


def last_initial(last_name: str) -> str:
    """``"Smith"`` -> ``"S."``: for display names that show only an initial."""
    return f"{last_name[:1]}."
