"""Check a retail database against everything the generator promises
(docs/retail.md, "What verify checks"): a list of (rule, passed, detail).

- ``coverage``: counts against the config, the calendar's days, sparsity, gaps.
- ``keys``: every FK, unique key and check constraint, with queries of its own.
- ``dimensions``: stores, products and the calendar (with the holidays), field by field.
- ``facts``: stock, deliveries, prices and promotions hang together and follow the config.

Expectations come from the config the data was generated with, never from the
seed. Rules hold on every dataset pgseed generates: every scenario, appends (the
calendar and series then run past the config's range), sparse data, new launches,
custom holiday lists, ``--stores 0``.
"""

from __future__ import annotations

from ....checks import Check
from ....pg import Conn
from ..config import RetailConfig
from . import coverage, dimensions, facts, keys

__all__ = ["Check", "verify"]


def verify(conn: Conn, cfg: RetailConfig) -> list[Check]:
    return [
        *coverage.checks(conn, cfg),
        *keys.checks(conn),
        *dimensions.checks(conn, cfg),
        *facts.checks(conn, cfg),
    ]
