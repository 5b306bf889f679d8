"""Column names refine values, types decide them (issue 10 A: "the type always wins
over the name"), and what no generator can produce is a clear Unsupported naming the
column's type. No database needed."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from pgseed.anyschema.model import ColumnPlan, PgType, Rule
from pgseed.anyschema.values import (
    Unsupported,
    capacity,
    generate,
    pools_source,
    provider_for,
    providers,
)

TEXT = PgType("text", "text", category="S")
VARCHAR = PgType("character varying(80)", "varchar", category="S", length=80)
CITEXT = PgType("citext", "citext")
INT8 = PgType("bigint", "int8", category="N")
INT4 = PgType("integer", "int4", category="N")
INT2 = PgType("smallint", "int2", category="N")
NUMERIC = PgType("numeric(9,6)", "numeric", category="N", precision=9, scale=6)
FLOAT8 = PgType("double precision", "float8", category="N")
TSTZ = PgType("timestamp with time zone", "timestamptz", category="D")
DATE = PgType("date", "date", category="D")
INET = PgType("inet", "inet", category="I")
BOOL = PgType("boolean", "bool", category="B")
UUID = PgType("uuid", "uuid", category="U")
MOOD = PgType("mood", "mood", kind="e", category="E", labels=("a", "b"))
TEXT_ARRAY = PgType("text[]", "_text", category="A", element=TEXT)

NAMES = [
    ("email", TEXT, "email"),
    ("userEmail", VARCHAR, "email"),
    ("email_address", CITEXT, "email"),
    ("EmailAddress", TEXT, "email"),
    ("contact_mail", TEXT, "email"),
    ("first_name", TEXT, "first_name"),
    ("firstName", VARCHAR, "first_name"),
    ("given_name", TEXT, "first_name"),
    ("last_name", TEXT, "last_name"),
    ("lastName", TEXT, "last_name"),
    ("surname", TEXT, "last_name"),
    ("full_name", TEXT, "name"),
    ("displayName", TEXT, "name"),
    ("name", TEXT, "name"),
    ("username", TEXT, "user_name"),
    ("user_name", VARCHAR, "user_name"),
    ("login", TEXT, "user_name"),
    ("city", TEXT, "city"),
    ("billing_city", TEXT, "city"),
    ("country", TEXT, "country"),
    ("country_code", TEXT, "country_code"),
    ("countryCode", TEXT, "country_code"),
    ("phone", TEXT, "phone_number"),
    ("mobilePhone", TEXT, "phone_number"),
    ("website_url", TEXT, "url"),
    ("avatarUrl", TEXT, "url"),
    ("homepage", TEXT, "url"),
    ("slug", TEXT, "slug"),
    ("ip_address", TEXT, "ipv4"),
    ("lastLoginIp", TEXT, "ipv4"),
    ("user_agent", TEXT, "user_agent"),
    ("userAgent", TEXT, "user_agent"),
    ("currency", TEXT, "currency_code"),
    ("locale", TEXT, "locale"),
    ("language", TEXT, "locale"),
    ("timezone", TEXT, "timezone"),
    ("time_zone", TEXT, "timezone"),
    ("tz", TEXT, "timezone"),
    ("mime_type", TEXT, "mime_type"),
    ("contentType", TEXT, "mime_type"),
    ("title", TEXT, "sentence"),
    ("description", TEXT, "paragraph"),
    ("body", TEXT, "paragraph"),
    ("bio", TEXT, "paragraph"),
    ("company", TEXT, "company"),
    ("company_name", TEXT, "company"),
    ("street", TEXT, "street_address"),
    ("address_line1", TEXT, "street_address"),
    ("postal_code", TEXT, "postcode"),
    ("zip", TEXT, "postcode"),
    ("zipCode", TEXT, "postcode"),
    ("color", TEXT, "color_name"),
    ("password_hash", TEXT, "password"),
    ("passwordHash", TEXT, "password"),
    ("checksum", TEXT, "sha256"),
    ("api_token", TEXT, "token"),
    ("external_uuid", TEXT, "uuid4"),
    # the type always wins over the name
    ("created_at", INT8, "epoch"),
    ("createdAt", INT8, "epoch"),
    ("updated_at", INT4, "epoch"),
    ("created_at_ms", INT8, "epoch_ms"),
    ("created_at", TEXT, "iso_timestamp"),
    ("createdAt", VARCHAR, "iso_timestamp"),
    ("birth_date", TEXT, "iso_date"),
    ("created_at", TSTZ, None),
    ("published_on", DATE, None),
    ("deleted_at", BOOL, None),
    ("ip", INET, None),
    ("ip_address", INET, None),
    ("email", INT4, None),
    ("email", BOOL, None),
    ("email", UUID, None),
    ("email", MOOD, None),
    ("emails", TEXT_ARRAY, None),
    ("lat", NUMERIC, "latitude"),
    ("latitude", FLOAT8, "latitude"),
    ("lng", NUMERIC, "longitude"),
    ("lon", FLOAT8, "longitude"),
    ("longitude", NUMERIC, "longitude"),
    ("birth_year", INT2, "year"),
    ("age", INT4, "age"),
    # names that say nothing leave the type to decide
    ("status", TEXT, None),
    ("product_name", TEXT, None),
    ("file_name", TEXT, None),
    ("latitude", TEXT, None),
    ("response_time", INT8, None),
    ("quantity", INT4, None),
    ("emailVerified", BOOL, None),
    ("zipper", TEXT, None),
]


@pytest.mark.parametrize(("column", "t", "expected"), NAMES, ids=lambda x: getattr(x, "name", x))
def test_provider_for(column: str, t: PgType, expected: str | None) -> None:
    assert provider_for(column, t) == expected
    if expected is not None:
        assert expected in providers()


@pytest.mark.parametrize(
    ("column", "t"), [("created_at", INT8), ("updatedAt", INT4), ("created", INT8)]
)
def test_a_bigint_created_at_gets_plausible_epoch_seconds(column: str, t: PgType) -> None:
    p = provider_for(column, t) or provider_for(column + "_at", t)
    plan = ColumnPlan("public.events", column, t, Rule(provider=p))
    values = [int(v) for v in generate(plan, np.arange(5000), 3) if v is not None]
    lo = datetime(2000, 1, 1, tzinfo=UTC).timestamp()
    hi = datetime(2030, 1, 1, tzinfo=UTC).timestamp()
    assert all(lo <= v <= hi for v in values)
    assert len(set(values)) > 4000  # spread over years, not one instant


def test_a_text_created_at_gets_iso_timestamps() -> None:
    plan = ColumnPlan(
        "public.events", "created_at", TEXT, Rule(provider=provider_for("created_at", TEXT))
    )
    for v in generate(plan, np.arange(200), 3):
        assert v is not None
        assert 2020 <= datetime.fromisoformat(v).year <= 2025


BAD = [
    (PgType("tid", "tid"), Rule(), "tid"),
    (PgType("public.pair", "pair", kind="c"), Rule(), "public.pair"),
    (PgType("regclass", "regclass"), Rule(), "regclass"),
    (
        PgType("widget[]", "_widget", category="A", element=PgType("widget", "widget")),
        Rule(),
        "widget",
    ),
    (INT4, Rule(low="abc"), "integer"),
    (DATE, Rule(high="next tuesday"), "date"),
    (INT4, Rule(low="10", high="5"), "integer"),
    (INT2, Rule(low="40000"), "smallint"),
    (TEXT, Rule(min_length=10, max_length=5), "text"),
    (TEXT, Rule(provider="no_such_provider"), "no_such_provider"),
    (INT4, Rule(provider="email"), "integer"),
    (TEXT, Rule(provider="latitude"), "text"),
    (TEXT, Rule(pattern="[unclosed"), "[unclosed"),
    (TEXT, Rule(choices=("a", "b"), weights=(1.0,)), "weights"),
    (TEXT, Rule(choices=("a", "b"), weights=(-1.0, 2.0)), "weights"),
    (PgType('"char"', "char"), Rule(unique=True), "36"),
    (TEXT, Rule(constant="x", unique=True), "constant"),
    (PgType("int4range", "int4range", kind="r", element=INT4), Rule(low="5", high="5"), "range"),
    (INT4, Rule(pattern="^[0-9]{4}$"), "pattern"),
    (UUID, Rule(pattern="^a"), "pattern"),
    (INT8, Rule(max_length=3), "max_length"),
    (TSTZ, Rule(min_length=3), "min_length"),
    (UUID, Rule(low="00000000-0000-0000-0000-000000000000"), "bounds"),
    (BOOL, Rule(high="t"), "bounds"),
    (INET, Rule(low="10.0.0.0"), "bounds"),
    (MOOD, Rule(low="nope"), "nope"),
    (MOOD, Rule(pattern="^z"), "mood"),
    (MOOD, Rule(low="b", low_inclusive=False), "mood"),
]


@pytest.mark.parametrize(("t", "rule", "named"), BAD, ids=str)
def test_unsupported_names_the_column_type_and_the_cause(t: PgType, rule: Rule, named: str) -> None:
    plan = ColumnPlan("public.things", "col", t, rule)
    with pytest.raises(Unsupported) as info:
        generate(plan, np.arange(100), 1)
    msg = str(info.value)
    assert msg.startswith(f"public.things.col ({t.name}): ")
    assert named in msg


def test_pools_record_their_source() -> None:
    assert pools_source().startswith("faker ") and "en_US" in pools_source()


@pytest.mark.parametrize(
    ("t", "rule", "expected"),
    [
        (BOOL, Rule(), 2),
        (MOOD, Rule(), 2),
        (INT2, Rule(low="0", high="99"), 100),
        (INT2, Rule(), 32768),
        (PgType("character varying(3)", "varchar", length=3), Rule(), 36**3),
        (TEXT, Rule(), None),
        (UUID, Rule(), None),
        (TEXT, Rule(provider="iso_date"), 2192),
        (TEXT, Rule(choices=("x", "y")), 2),
        (TEXT_ARRAY, Rule(max_length=2), 36**2),
        (PgType("mood", "mood", kind="e", labels=("a", "bb", "ccc", "dd")), Rule(low="bb"), 3),
        (
            PgType("mood", "mood", kind="e", labels=("a", "bb", "ccc", "dd")),
            Rule(high="ccc", high_inclusive=False),
            2,
        ),
        (PgType("mood", "mood", kind="e", labels=("a", "bb", "ccc", "dd")), Rule(max_length=2), 3),
        (
            PgType("mood", "mood", kind="e", labels=("a", "bb", "ccc", "dd")),
            Rule(pattern="^[a-c]{2}"),
            2,
        ),
    ],
    ids=str,
)
def test_capacity(t: PgType, rule: Rule, expected: int | None) -> None:
    assert capacity(ColumnPlan("public.t", "c", t, rule)) == expected
