"""Which provider a column's name suggests: ``provider_for``.

The name is read as words (snake_case and camelCase: ``userEmail``,
``email_address``, ``createdAt``) and a provider is returned only when it fits the
column's type: the type always wins over the name. A bigint ``created_at`` gets
``epoch`` (seconds), a text one ``iso_timestamp``; a timestamptz ``created_at`` gets
nothing (its type already makes timestamps), and an inet ``ip`` nothing either.
"""

from __future__ import annotations

import re

from pgseed.anyschema.model import PgType
from pgseed.anyschema.values._providers import STRING_BASES

_INT_BASES = frozenset({"int2", "int4", "int8"})
_NUMBER_BASES = frozenset({"int2", "int4", "int8", "numeric", "float4", "float8"})

# A name ending in one of these (or starting with created/updated/...) holds a point
# in time. "time" alone is left out: response_time, run_time are durations.
_TIME_WORDS = frozenset(
    {"at", "timestamp", "ts", "date", "datetime", "on", "dob", "birthday", "birthdate"}
)
_TIME_FIRST = frozenset({"created", "updated", "modified", "deleted", "inserted", "published"})


def words_of(column: str) -> list[str]:
    """``userEmail`` / ``email_address`` / ``createdAt`` / ``HTTPStatus`` -> lowercase words."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", column)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


# (words that must all appear, provider), first match wins; more specific first.
_TEXT_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("email",), "email"),
    (("mail",), "email"),
    (("user", "agent"), "user_agent"),
    (("useragent",), "user_agent"),
    (("first", "name"), "first_name"),
    (("firstname",), "first_name"),
    (("given", "name"), "first_name"),
    (("last", "name"), "last_name"),
    (("lastname",), "last_name"),
    (("surname",), "last_name"),
    (("family", "name"), "last_name"),
    (("ip",), "ipv4"),
    (("ipv4",), "ipv4"),
    (("user", "name"), "user_name"),
    (("username",), "user_name"),
    (("login",), "user_name"),
    (("handle",), "user_name"),
    (("nickname",), "user_name"),
    (("full", "name"), "name"),
    (("fullname",), "name"),
    (("display", "name"), "name"),
    (("country", "code"), "country_code"),
    (("country", "iso"), "country_code"),
    (("country",), "country"),
    (("city",), "city"),
    (("town",), "city"),
    (("phone",), "phone_number"),
    (("mobile",), "phone_number"),
    (("tel",), "phone_number"),
    (("telephone",), "phone_number"),
    (("fax",), "phone_number"),
    (("url",), "url"),
    (("uri",), "url"),
    (("website",), "url"),
    (("homepage",), "url"),
    (("link",), "url"),
    (("href",), "url"),
    (("avatar",), "url"),
    (("slug",), "slug"),
    (("domain",), "domain_name"),
    (("hostname",), "domain_name"),
    (("currency",), "currency_code"),
    (("locale",), "locale"),
    (("language",), "locale"),
    (("lang",), "locale"),
    (("timezone",), "timezone"),
    (("time", "zone"), "timezone"),
    (("tz",), "timezone"),
    (("mime",), "mime_type"),
    (("content", "type"), "mime_type"),
    (("media", "type"), "mime_type"),
    (("mimetype",), "mime_type"),
    (("company",), "company"),
    (("organization",), "company"),
    (("organisation",), "company"),
    (("employer",), "company"),
    (("street",), "street_address"),
    (("address",), "street_address"),
    (("postal",), "postcode"),
    (("postcode",), "postcode"),
    (("zip",), "postcode"),
    (("zipcode",), "postcode"),
    (("hex", "color"), "hex_color"),
    (("color",), "color_name"),
    (("colour",), "color_name"),
    (("password",), "password"),
    (("passwd",), "password"),
    (("hash",), "sha256"),
    (("digest",), "sha256"),
    (("checksum",), "sha256"),
    (("token",), "token"),
    (("secret",), "token"),
    (("api", "key"), "token"),
    (("uuid",), "uuid4"),
    (("guid",), "uuid4"),
    (("job",), "job"),
    (("occupation",), "job"),
    (("title",), "sentence"),
    (("headline",), "sentence"),
    (("subject",), "sentence"),
    (("description",), "paragraph"),
    (("body",), "paragraph"),
    (("bio",), "paragraph"),
    (("summary",), "paragraph"),
    (("about",), "paragraph"),
    (("comment",), "paragraph"),
    (("notes",), "paragraph"),
    (("note",), "paragraph"),
    (("content",), "paragraph"),
    (("message",), "paragraph"),
)

_NUMBER_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("lat",), "latitude"),
    (("latitude",), "latitude"),
    (("lng",), "longitude"),
    (("lon",), "longitude"),
    (("long",), "longitude"),
    (("longitude",), "longitude"),
)


def _is_time_name(w: list[str]) -> bool:
    if not w:
        return False
    return w[-1] in _TIME_WORDS or w[0] in _TIME_FIRST


def _match(rules: tuple[tuple[tuple[str, ...], str], ...], w: list[str]) -> str | None:
    have = set(w)
    joined = "".join(w)
    for need, provider in rules:
        if all(x in have for x in need) or (len(need) > 1 and "".join(need) == joined):
            return provider
    return None


def provider_for(column: str, type: PgType) -> str | None:
    """The provider a column's name suggests, if its type can hold it; else None."""
    if type.kind == "e" or type.is_array or type.kind in ("r", "m"):
        return None
    w = words_of(column)
    base = type.base
    if _is_time_name(w):
        if base in ("int8", "int4"):
            return "epoch_ms" if w[-1] == "ms" or "millis" in w else "epoch"
        if base in STRING_BASES:
            day = {"date", "dob", "birthday", "birthdate", "on", "day"} & set(w)
            return "iso_date" if day and "time" not in w else "iso_timestamp"
        return None
    if base in _NUMBER_BASES:
        found = _match(_NUMBER_RULES, w)
        if found:
            return found
        if base in _INT_BASES and w and w[-1] in ("year", "age"):
            return w[-1]
        return None
    if base in STRING_BASES:
        # A bare "name" is a person's; product_name, file_name are left to the type.
        return "name" if w == ["name"] else _match(_TEXT_RULES, w)
    return None
