"""content_items and content_items_auto: each row, and the completed job behind it.

Shares drawn at random (is_private) pass within 4 standard errors plus one row.
"""

from __future__ import annotations

import uuid

from psycopg import sql

from .... import checks as c
from ....checks import Check, ZeroRule
from ....pg import Conn
from .. import generate as g
from ..config import GenonautConfig
from ..names import RESOLUTIONS, STYLES
from .common import POOL, tag_array_bad, ts


def _item_job_pairs(table: str) -> tuple[str, str]:
    """Each item's (creator, time, title) and its completed job's (user, time, prompt[:20])."""
    if table == "content_items":
        return (
            "(SELECT id, creator_id, created_at, title FROM content_items)",
            "(SELECT result_content_id, user_id, completed_at, left(prompt, 20) FROM generation_jobs"
            " WHERE status = 'completed' AND result_content_id IS NOT NULL)",
        )
    return (
        "(SELECT creator_id, created_at, title FROM content_items_auto)",
        "(SELECT user_id, completed_at, left(prompt, 20) FROM generation_jobs"
        " WHERE status = 'completed' AND result_content_id IS NULL)",
    )


def _title_query(table: str) -> str:
    """Items whose title is not the first 20 characters of their job's prompt.

    content_items jobs point at their item; content_items_auto jobs cannot (the FK
    targets content_items), so they are found by user and time.
    """
    if table == "content_items":
        match = "j.result_content_id = c.id"
    else:
        match = (
            "j.result_content_id IS NULL AND j.user_id = c.creator_id"
            " AND j.completed_at = c.created_at"
        )
    return (
        f"SELECT count(*) FROM {table} c WHERE NOT EXISTS (SELECT 1 FROM generation_jobs j"
        f" WHERE {match} AND j.status = 'completed' AND left(j.prompt, 20) = c.title)"
    )


def check_content(conn: Conn, cfg: GenonautConfig, admin: uuid.UUID, table: str) -> list[Check]:
    lo, hi = map(ts, cfg.range_utc)

    def q(text: str) -> sql.Composed:
        return sql.SQL(text).format(t=sql.Identifier(table))

    n = c.count(conn, q("SELECT count(*) FROM {t}"))
    k = c.count(conn, q("SELECT count(*) FROM {t} WHERE creator_id = %s"), [admin])
    ok, detail = c.share_ok(c.count(conn, q("SELECT count(*) FROM {t} WHERE is_private")), n, 0.10)
    # The prefix is compared as text, not inside a pattern: images_dir may hold
    # backslashes, % or _ (C:\data\images), and a doubled slash only counts at the join.
    prefix = cfg.images_dir.rstrip("/") + "/"
    name = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.png$"
    items, jobs = _item_job_pairs(table)
    # Both multiset differences empty: a one-to-one match (hash set operations, no index needed).
    one_to_one = (
        f"SELECT (SELECT count(*) FROM ({items} EXCEPT ALL {jobs}) a)"
        f" + (SELECT count(*) FROM ({jobs} EXCEPT ALL {items}) b)"
    )
    want = cfg.admin_items_per_table
    return [
        Check(f"{table}: exactly {want} admin rows", k == want, f"{k}"),
        Check(f"{table}: is_private true for 10%", ok, detail),
        *c.zeros(
            conn,
            [
                ZeroRule(
                    f"FK {table}.creator_id -> users.id",
                    q(
                        "SELECT count(*) FROM {t} c LEFT JOIN users u ON u.id = c.creator_id"
                        " WHERE u.id IS NULL"
                    ),
                ),
                ZeroRule(
                    f"{table}: content_type = 'image'",
                    q("SELECT count(*) FROM {t} WHERE content_type <> 'image'"),
                ),
                ZeroRule(
                    f"{table}: content_data = {{images_dir}}/{{uuid}}.png",
                    q(
                        "SELECT count(*) FROM {t} WHERE NOT starts_with(content_data, %(p)s)"
                        " OR substr(content_data, length(%(p)s) + 1) !~ %(n)s"
                    ),
                    {"p": prefix, "n": name},
                ),
                ZeroRule(
                    f"{table}: item_metadata = {{style, resolution, tags}}, tags column the same",
                    q(
                        "SELECT count(*) FROM {t} WHERE item_metadata IS NULL"
                        " OR (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(item_metadata) k)"
                        " <> ARRAY['resolution', 'style', 'tags']"
                        " OR item_metadata->>'style' <> ALL(%s) OR item_metadata->>'resolution' <> ALL(%s)"
                        " OR item_metadata->'tags' IS DISTINCT FROM tags"
                    ),
                    [list(STYLES), list(RESOLUTIONS)],
                ),
                ZeroRule(
                    f"{table}: tags are 0-{g.MAX_TAGS} distinct pool tags",
                    q("SELECT count(*) FROM {t} WHERE ")
                    + tag_array_bad(sql.Identifier("tags"), g.MAX_TAGS),
                    POOL,
                ),
                ZeroRule(
                    f"{table}: quality_score in [0, 1], two decimals",
                    q(
                        "SELECT count(*) FROM {t} WHERE quality_score IS NULL OR quality_score < 0"
                        " OR quality_score > 1 OR round(quality_score::numeric, 2) <> quality_score::numeric"
                    ),
                ),
                ZeroRule(
                    f"{table}: created_at in range, not before its creator's account",
                    q(
                        "SELECT count(*) FROM {t} c JOIN users u ON u.id = c.creator_id"
                        " WHERE c.created_at < %s OR c.created_at > %s"
                        " OR c.updated_at < c.created_at OR c.created_at < u.created_at"
                    ),
                    [lo, hi],
                ),
                ZeroRule(
                    f"{table}: updated_at = created_at",
                    q("SELECT count(*) FROM {t} WHERE updated_at IS DISTINCT FROM created_at"),
                ),
                ZeroRule(
                    f"{table}: one completed job per item (same user, prompt, time; title = prompt[:20])",
                    one_to_one,
                ),
                ZeroRule(
                    f"{table}: title = the first 20 characters of its job's prompt",
                    _title_query(table),
                ),
            ],
        ),
    ]
