"""Read-only looks at a pack's data, on a button: ``verify`` as a pass/fail table, and the
report pictures (retail's and social's report code into a directory of the server's).

Both read through the engine (``engine.verify``, ``verifying.bound_reading``): the same
guards and the same read-only connection as ``pgseed <pack> verify`` and ``report``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import engine
from ..packs.contract import Pack

REPORTS = ("retail", "social")  # the packs that draw pictures
_DRAWING = threading.Lock()  # matplotlib's pyplot state is global: one report at a time


@dataclass(frozen=True)
class Verdict:
    rule: str
    passed: bool
    skipped: bool
    detail: str


def verify(pack: Pack, cfg: Any, dsn: str) -> tuple[str, list[Verdict]]:
    result = engine.verify(pack, cfg, dsn)
    return result.dbname, [
        Verdict(c.rule, c.passed, bool(getattr(c, "skipped", "")), c.detail) for c in result.checks
    ]


def draw(pack: Pack, dsn: str, out: Path) -> list[str]:
    """Draw ``pack``'s report into ``out``; the PNG file names, in the report's order."""
    from ..verifying import bound_reading

    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    with _DRAWING, bound_reading(pack, dsn, {}, "draw") as (_, conn):
        if pack.name == "retail":
            from ..packs.retail.report import report as retail_report

            retail_report(conn, out, 4, {})
        else:
            from ..packs.social.report import report as social_report

            social_report(conn, out, None)
    return sorted(p.name for p in out.glob("*.png"))
