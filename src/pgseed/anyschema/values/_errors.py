"""The one error the value generators raise."""

from __future__ import annotations


class Unsupported(Exception):
    """A column ``pgseed fill`` cannot produce values for: an unknown type, a provider
    it does not know, a bound it cannot read, or a rule that no value can satisfy.
    The message names the column's type (and the rule part) so the caller can say
    which column and suggest a config override."""
