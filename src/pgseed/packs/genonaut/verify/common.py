"""What several Genonaut rules share: timestamps, the tag-array test, and how many
runs of the config the tables hold."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from psycopg import sql

from ....checks import Check, count
from ....pg import Conn
from .. import generate as g
from ..config import GenonautConfig
from ..vocab import TAG_POOL

POOL: dict[str, object] = {"pool": list(TAG_POOL)}


def ts(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def tag_array_bad(col: sql.Composable, limit: int) -> sql.Composed:
    """Rows whose JSON array is not 0..limit distinct pool tags (needs ``%(pool)s``)."""
    return sql.SQL(
        "jsonb_typeof({c}) IS DISTINCT FROM 'array' OR jsonb_array_length({c}) > {lim}"
        " OR (SELECT count(DISTINCT e) <> count(*) OR bool_or(e <> ALL(%(pool)s))"
        "     FROM jsonb_array_elements_text({c}) e)"
    ).format(c=col, lim=sql.Literal(limit))


@dataclass(frozen=True)
class Runs:
    """How many runs of the config the tables hold (None: not a whole number)."""

    k: int | None
    detail: str


def runs(conn: Conn, cfg: GenonautConfig, admin: uuid.UUID) -> Runs:
    """Each run adds exactly target_rows_users users (the admin once, on top) and
    each content table's target: the counts are k times the targets, one k for all."""
    found = {
        "users": count(conn, "SELECT count(*) FROM users WHERE id <> %s", [admin]),
        **{
            t: count(conn, sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t)))
            for t in g.CONTENT_TABLES
        },
    }
    targets = {"users": cfg.target_rows_users, **{t: cfg.target(t) for t in g.CONTENT_TABLES}}
    ks: set[int] = set()
    whole = True
    for table, n in found.items():
        want = targets[table]
        if want == 0:
            whole = whole and n == 0
        elif n % want:
            whole = False
        else:
            ks.add(n // want)
    parts = ", ".join(f"{t} {found[t]:,} (target {targets[t]:,})" for t in found)
    if not whole or len(ks) > 1:
        return Runs(None, f"not whole runs of the config: {parts}")
    k = ks.pop() if ks else 0
    return Runs(k, f"{k} run(s): {parts}")


def runs_check(r: Runs) -> Check:
    return Check(
        "row counts are whole runs of the config (users, content_items, content_items_auto)",
        r.k is not None,
        r.detail,
    )
