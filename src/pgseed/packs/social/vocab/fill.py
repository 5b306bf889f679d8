"""``fill(template, values)``: put values into a vocab template, refusing a missing one.

Templates use ``str.format`` named fields only (``{interest}``); no positional fields,
attributes, indexes, conversions or format specs, and no literal braces. A template that
names a placeholder absent from ``values`` raises ``TemplateError`` naming it, rather than
writing ``{interest}`` into a user's bio. Extra values are ignored, so a caller can pass
one dict of everything it knows about a user.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import lru_cache

from pgseed.errors import GenerationError

_FORMATTER = string.Formatter()


class TemplateError(GenerationError):
    """A template is malformed or a placeholder it names has no value (a pack bug, exit 1)."""


@lru_cache(maxsize=4096)
def placeholders(template: str) -> frozenset[str]:
    """The placeholder names ``template`` uses; TemplateError if it uses anything but
    plain ``{name}`` fields."""
    names: set[str] = set()
    try:
        parsed = list(_FORMATTER.parse(template))
    except ValueError as e:
        raise TemplateError(f"malformed template {template!r}: {e}") from None
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise TemplateError(
                f"template {template!r} has field {{{field}}}: only plain {{name}} placeholders are allowed.\n"
                "Fix: write the field as {name} with a name from the documented placeholder set."
            )
        names.add(field)
    return frozenset(names)


def fill(template: str, values: Mapping[str, str | int]) -> str:
    """``template`` with each ``{name}`` replaced by ``str(values[name])``."""
    missing = placeholders(template) - values.keys()
    if missing:
        raise TemplateError(
            f"template {template!r} needs {', '.join(sorted(missing))}, which the caller did not give.\n"
            "Fix: pass every placeholder of the template's kind (BIO_PLACEHOLDERS, "
            "POST_PLACEHOLDERS, MESSAGE_PLACEHOLDERS in pgseed.packs.social.vocab)."
        )
    return template.format_map(values)
