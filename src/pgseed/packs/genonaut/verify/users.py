"""The users table: the admin, the account times, activity, preferences, names."""

from __future__ import annotations

import re
import uuid

from psycopg import sql

from .... import checks as c
from ....checks import Check, ZeroRule
from ....pg import Conn
from .. import generate as g
from ..config import GenonautConfig
from ..names import EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, SEPARATORS
from ..users import ADMIN_USERNAME
from .common import POOL, tag_array_bad, ts

# generate.users_block(): first name, separator, last name, a number 1..9999
_SEPARATORS = "|".join(re.escape(s) for s in SEPARATORS)
USERNAME = f"^({'|'.join(FIRST_NAMES)})({_SEPARATORS})({'|'.join(LAST_NAMES)})[1-9][0-9]{{0,3}}$"
ADMIN_EMAIL_DOMAIN = "genonaut.example"


def check_users(conn: Conn, cfg: GenonautConfig, admin: uuid.UUID) -> list[Check]:
    lo, hi = map(ts, cfg.range_utc)
    exists = c.count(conn, "SELECT count(*) FROM users WHERE id = %s", [admin]) == 1
    n = c.count(conn, "SELECT count(*) FROM users")
    active = c.count(conn, "SELECT count(*) FROM users WHERE is_active AND id <> %s", [admin])
    ok, detail = c.share_ok(active, n - (1 if exists else 0), 0.99)  # the admin aside
    prefs = sql.SQL(
        "SELECT count(*) FROM users WHERE preferences IS NULL"
        " OR (SELECT array_agg(k) FROM jsonb_object_keys(preferences) k) <> ARRAY['favorite_tags'] OR "
    ) + tag_array_bad(sql.SQL("preferences->'favorite_tags'"), g.MAX_FAVORITE_TAGS)
    # pack.insert_admin(): "admin", or "admin_<first 8 hex digits of its id>" when taken
    suffix = admin.hex[:8]
    return [
        Check("users: admin user exists", exists, str(admin)),
        Check("users: is_active true for 99%", ok, detail),
        *c.zeros(
            conn,
            [
                ZeroRule(
                    "users: the admin as pgseed adds it (created at the range's start, active,"
                    " no favorite tags)",
                    "SELECT count(*) FROM users WHERE id = %(id)s AND NOT (created_at = %(lo)s"
                    " AND updated_at = created_at AND is_active"
                    " AND preferences = '{\"favorite_tags\": []}'::jsonb"
                    " AND ((username, email) IN ((%(name)s, %(email)s), (%(alt)s, %(alt_email)s))))",
                    {
                        "id": admin,
                        "lo": lo,
                        "name": ADMIN_USERNAME,
                        "email": f"{ADMIN_USERNAME}@{ADMIN_EMAIL_DOMAIN}",
                        "alt": f"{ADMIN_USERNAME}_{suffix}",
                        "alt_email": f"{ADMIN_USERNAME}+{suffix}@{ADMIN_EMAIL_DOMAIN}",
                    },
                ),
                ZeroRule(
                    "users: created_at/updated_at in range, updated >= created",
                    "SELECT count(*) FROM users WHERE created_at < %s OR created_at > %s"
                    " OR updated_at < created_at OR updated_at > %s",
                    [lo, hi, hi],
                ),
                ZeroRule(
                    "users: preferences = {favorite_tags: 0-10 distinct pool tags}", prefs, POOL
                ),
                ZeroRule(
                    "users: usernames and emails fit and look right",
                    "SELECT count(*) FROM users WHERE length(username) > 50 OR length(email) > 255"
                    " OR email NOT LIKE '%%_@_%%' OR (id <> %(admin)s AND (username !~ %(name)s"
                    " OR email <> ALL(SELECT username || '@' || d FROM unnest(%(domains)s::text[]) d)))",
                    {"admin": admin, "name": USERNAME, "domains": list(EMAIL_DOMAINS)},
                ),
                ZeroRule(
                    "users: ids, usernames and emails are unique",
                    "SELECT (count(*) - count(DISTINCT id)) + (count(*) - count(DISTINCT username))"
                    " + (count(*) - count(DISTINCT email)) FROM users",
                ),
            ],
        ),
    ]
