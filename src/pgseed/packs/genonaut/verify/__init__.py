"""Check every Genonaut rule against a database (docs/genonaut.md, "What verify
checks"): a list of (rule, passed, detail).

- ``users``: the admin, account times, activity, preferences, usernames and emails.
- ``content``: each content row and the completed job behind it.
- ``jobs``: statuses (shares and exact counts), timings, constant columns, prompts.
- ``common``: how many runs of the config the tables hold (counts and statuses follow).

verify assumes every row was written by pgseed with this config (one or more runs).
"""

from __future__ import annotations

import uuid

from ....checks import Check
from ....pg import Conn
from .. import generate as g
from ..config import GenonautConfig
from .common import runs, runs_check
from .content import check_content
from .jobs import check_jobs, prompt_problem
from .users import check_users

__all__ = ["Check", "prompt_problem", "verify"]


def verify(conn: Conn, cfg: GenonautConfig, admin: uuid.UUID) -> list[Check]:
    held = runs(conn, cfg, admin)
    checks = [*check_users(conn, cfg, admin), runs_check(held)]
    for table in g.CONTENT_TABLES:
        checks += check_content(conn, cfg, admin, table)
    checks += check_jobs(conn, cfg, admin, held)
    conn.rollback()
    return checks
