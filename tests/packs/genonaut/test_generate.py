from __future__ import annotations

import json
import uuid
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pgseed.encode import uuid_strings
from pgseed.packs.genonaut import generate as g
from pgseed.packs.genonaut.owners import MemoryOwners
from pgseed.packs.genonaut.verify import prompt_problem
from pgseed.packs.genonaut.vocab import DOMAIN_PROMPTS, GENERAL_PHRASES, TAG_POOL, TAG_POOL_RAW
from pgseed.rng import stream

LO, HI = 1746072000, 1758513599  # the spec's ET range as UTC seconds
ALL = tuple(DOMAIN_PROMPTS)


def test_vocab_is_the_specs() -> None:
    assert len(DOMAIN_PROMPTS) == 30 and len(GENERAL_PHRASES) == 30
    assert (
        "Gothic/Horror Art" in DOMAIN_PROMPTS and "melting clock" in DOMAIN_PROMPTS["Surreal Art"]
    )
    assert len(TAG_POOL) == len(set(TAG_POOL_RAW)) < len(TAG_POOL_RAW)  # duplicates dropped
    assert min(200, len(TAG_POOL)) == g.MAX_TAGS


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32), st.sets(st.sampled_from(ALL), min_size=1, max_size=4))
def test_prompts_follow_the_rules(seed: int, domains: set[str]) -> None:
    doms = tuple(sorted(domains))
    for p in g.prompts(stream(seed, "p"), 200, doms):
        assert prompt_problem(p, doms) is None, p


def test_prompt_counts_cover_the_ranges() -> None:
    ps = g.prompts(stream(3, "p"), 4000, ("Animals",))
    dom = [sum(x in DOMAIN_PROMPTS["Animals"] for x in p.split(", ")) for p in ps]
    gen = [sum(x in GENERAL_PHRASES for x in p.split(", ")) for p in ps]
    assert min(dom) == 4 and max(dom) == 30
    assert min(gen) == 0 and max(gen) == 10


def test_prompt_checker_rejects_bad_prompts() -> None:
    assert prompt_problem("lion, tiger, bear", ("Animals",)) is not None  # 3 domain phrases
    assert prompt_problem("lion, tiger, bear, fox, fox", ("Animals",)) is not None  # repeat
    assert (
        prompt_problem("lion, tiger, bear, fox, spaceship", ("Animals",)) is not None
    )  # 2 domains
    assert prompt_problem("lion, tiger, bear, fox, HDR", ("Animals",)) is None


def test_users_block_fits_columns_and_range() -> None:
    u = g.users_block(5, 0, 0, 1000, LO, HI)
    assert all(uuid.UUID(str(i)).version == 4 for i in u["id"])  # spec 001: id is UUID v4
    assert all(len(x) <= 50 for x in u["username"]) and all(len(x) <= 255 for x in u["email"])
    assert all(c <= d for c, d in zip(u["created_at"], u["updated_at"], strict=True))
    created = np.array([int(x) for x in u["_created_s"]])
    assert created.min() >= LO and created.max() <= HI
    for pref in u["preferences"]:
        tags = json.loads(pref)["favorite_tags"]
        assert len(tags) <= 10 and len(set(tags)) == len(tags) and set(tags) <= set(TAG_POOL)
    active = u["is_active"].count("t") / 1000
    assert 0.97 <= active <= 1.0


def test_extra_job_counts_make_98_percent() -> None:
    for items in (300, 3300, 120000):
        extra = g.extra_job_counts(items)
        total = items + sum(extra.values())
        assert abs(items / total - 0.98) < 0.0005 + 1.5 / total
        assert abs(extra["error"] / total - 0.01) < 0.0005 + 1.5 / total
    statuses = g.extra_statuses(1, 120000)
    assert Counter(statuses) == Counter(g.extra_job_counts(120000))


USERS = g.users_block(1, 0, 0, 50, LO, HI)
OWNERS = MemoryOwners([str(i) for i in USERS["id"]], [int(str(c)) for c in USERS["_created_s"]])


def _ctx(**kw: object) -> g.ItemsContext:
    base = dict(
        seed=9,
        images_dir="data/images/",
        domains=ALL,
        range_lo=LO,
        range_hi=HI,
        admin_id="00000000-0000-4000-8000-000000000001",
        admin_created=LO,
        has_users=True,
        earliest=max(LO, OWNERS.earliest() or LO),
        targets={"content_items": 2500, "content_items_auto": 10},
        id_start={"content_items": 100, "content_items_auto": 1},
        admin_positions={"content_items": (0, 999, 1000, 2499), "content_items_auto": ()},
        extra_status=g.extra_statuses(9, 2510),
    )
    base.update(kw)
    return g.ItemsContext(**base)  # type: ignore[arg-type]


def _args(ctx: g.ItemsContext, table: str, block: int) -> tuple[str, int, g.Owners]:
    d = g.item_draws(ctx, table, block) if table != "generation_jobs" else g.extra_draws(ctx, block)
    return table, block, OWNERS.pick(d.t, d.owner_u)


def test_items_block_rules() -> None:
    ctx = _ctx()
    created = dict(zip(uuid_strings(OWNERS.raw), OWNERS.created.tolist(), strict=True))
    admins = 0
    for block in range(g.n_blocks(2500)):
        items, jobs = g.items_block(ctx, *_args(ctx, "content_items", block))
        admins += list(items["creator_id"]).count(ctx.admin_id)
        assert items["id"][0] == str(100 + block * g.BLOCK_ROWS)
        for i, path in enumerate(items["content_data"]):
            assert path is not None
            assert path.startswith("data/images/") and "//" not in path and path.endswith(".png")
            meta = json.loads(str(items["item_metadata"][i]))
            assert meta["tags"] == json.loads(str(items["tags"][i]))
            assert items["title"][i] == str(jobs["prompt"][i])[:20]
            assert jobs["result_content_id"][i] == items["id"][i]
            assert jobs["completed_at"][i] == items["created_at"][i]
            assert str(items["created_at"][i]) >= str(jobs["created_at"][i])
            owner = items["creator_id"][i]
            if owner != ctx.admin_id:
                t = np.datetime64(items["created_at"][i]).astype("datetime64[s]").astype(int)
                assert t >= created[owner]
    assert admins == 4


def test_auto_items_leave_result_content_id_null() -> None:
    ctx = _ctx()
    _, jobs = g.items_block(ctx, *_args(ctx, "content_items_auto", 0))
    assert set(jobs["result_content_id"]) == {None}


def test_blocks_do_not_depend_on_each_other() -> None:
    ctx = _ctx()
    assert g.work(ctx, _args(ctx, "content_items", 2)) == g.work(
        ctx, _args(ctx, "content_items", 2)
    )
    assert g.work(ctx, _args(ctx, "content_items", 1)) != g.work(
        ctx, _args(ctx, "content_items", 2)
    )
