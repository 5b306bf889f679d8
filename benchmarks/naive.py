"""The naive baseline: how seeders are usually written today.

Faker for names and emails, Python ``random`` for choices, and the SQLAlchemy ORM
(``session.add_all`` in batches, one commit per batch) to write the rows. No COPY,
no Core bulk inserts, no tricks: a competent ORM seeder, so the wall time can be
compared honestly with pgseed's Genonaut pack. It fills the same tables with the
same row counts and roughly the same shape of data.

    python -m benchmarks.naive --database-url URL [--users 500] [--items 20000]
        [--items-auto 100000] [--batch 2000] [--seed 1] [--admin UUID]

The schema must already exist and the tables must be empty. Prints one line of
JSON to stdout: {"rows": {table: count, ...}, "seconds": wall_time}.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

import psycopg
from faker import Faker
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from pgseed.packs.genonaut.models import ContentItem, ContentItemAuto, GenerationJob, User
from pgseed.packs.genonaut.vocab import DOMAIN_PROMPTS, GENERAL_PHRASES, TAG_POOL

RANGE_LO = datetime(2025, 5, 1, 4, 0, 0)
RANGE_HI = datetime(2025, 9, 22, 3, 59, 59)
RANGE_SECONDS = int((RANGE_HI - RANGE_LO).total_seconds())
DEFAULT_ADMIN = "121e194b-4caa-4b81-ad4f-86ca3919d5b9"
ADMIN_ITEMS = 50  # rows per content table owned by the admin
JOB_TYPE = "image_generation"
STYLES = ("anime", "illustration", "photorealistic")
RESOLUTIONS = ("512x512", "768x768", "1024x1024", "1024x768", "768x1024", "1280x720")
EXTRA_JOB_SHARES = (("pending", 0.9), ("canceled", 0.1), ("error", 1.0))  # % of all jobs
COMPLETED_SHARE = 98.0
PROGRESS_EVERY = 20_000

DOMAINS = list(DOMAIN_PROMPTS)
# General phrases that are not already in the domain's own list (no phrase twice).
GENERAL_FOR = {
    d: [g for g in GENERAL_PHRASES if g.lower() not in {p.lower() for p in DOMAIN_PROMPTS[d]}]
    for d in DOMAINS
}


def random_time(start: datetime = RANGE_LO) -> datetime:
    """A whole-second moment between ``start`` and the end of the range."""
    span = int((RANGE_HI - start).total_seconds())
    return start + timedelta(seconds=random.randint(0, max(span, 0)))


def make_prompt() -> str:
    domain = random.choice(DOMAINS)
    phrases = DOMAIN_PROMPTS[domain]
    general = GENERAL_FOR[domain]
    words = random.sample(phrases, min(random.randint(4, 30), len(phrases)))
    words += random.sample(general, min(random.randint(0, 10), len(general)))
    random.shuffle(words)
    return ", ".join(words)


def batches(total: int, size: int) -> Iterator[range]:
    for lo in range(0, total, size):
        yield range(lo, min(lo + size, total))


class Progress:
    def __init__(self) -> None:
        self.rows = 0
        self.next = PROGRESS_EVERY
        self.start = time.perf_counter()

    def add(self, n: int) -> None:
        self.rows += n
        if self.rows >= self.next:
            elapsed = time.perf_counter() - self.start
            print(f"naive: {self.rows} rows, {elapsed:.1f}s", file=sys.stderr, flush=True)
            while self.next <= self.rows:
                self.next += PROGRESS_EVERY


# -- users ---------------------------------------------------------------------


def seed_users(
    session: Session, fake: Faker, n: int, admin_id: uuid.UUID, batch: int, progress: Progress
) -> list[tuple[uuid.UUID, datetime]]:
    """Insert the admin plus ``n`` users; return (id, created_at) of the non-admin users."""
    usernames: set[str] = {"admin"}
    users: list[tuple[uuid.UUID, datetime]] = []
    admin = User(
        id=admin_id,
        username="admin",
        email="admin@example.com",
        created_at=RANGE_LO,
        updated_at=RANGE_LO,
        preferences={"favorite_tags": []},
        is_active=True,
    )
    pending: list[User] = [admin]
    for _ in range(n):
        while True:
            name = f"{fake.user_name()}{random.randint(0, 9999)}"[:50]
            if name not in usernames:
                usernames.add(name)
                break
        created = random_time()
        user = User(
            id=uuid.uuid4(),
            username=name,
            email=f"{name}@{fake.free_email_domain()}",
            created_at=created,
            updated_at=random_time(created),
            preferences={"favorite_tags": random.sample(TAG_POOL, random.randint(0, 10))},
            is_active=random.random() < 0.99,
        )
        users.append((user.id, created))
        pending.append(user)
        if len(pending) >= batch:
            session.add_all(pending)
            session.commit()
            progress.add(len(pending))
            pending = []
    if pending:
        session.add_all(pending)
        session.commit()
        progress.add(len(pending))
    return users


# -- content items and their jobs ----------------------------------------------


def make_item(
    model: type[ContentItem] | type[ContentItemAuto],
    owner: tuple[uuid.UUID, datetime],
) -> tuple[ContentItem | ContentItemAuto, str]:
    prompt = make_prompt()
    tags = random.sample(TAG_POOL, random.randint(0, len(TAG_POOL)))
    created = random_time(owner[1])
    item = model(
        title=prompt[:20],
        content_type="image",
        content_data=f"data/images/{uuid.uuid4()}.png",
        item_metadata={
            "style": random.choice(STYLES),
            "resolution": random.choice(RESOLUTIONS),
            "tags": tags,
        },
        creator_id=owner[0],
        created_at=created,
        updated_at=created,
        tags=tags,
        quality_score=round(random.random(), 2),
        is_private=random.random() < 0.10,
    )
    return item, prompt


def completed_job(
    item: ContentItem | ContentItemAuto, prompt: str, result_id: int | None, floor: datetime
) -> GenerationJob:
    """The job that produced ``item``: started seconds before it, never before ``floor``."""
    done = item.created_at
    return GenerationJob(
        user_id=item.creator_id,
        job_type=JOB_TYPE,
        prompt=prompt,
        parameters={},
        status="completed",
        result_content_id=result_id,
        created_at=max(floor, done - timedelta(seconds=random.randint(5, 120))),
        updated_at=done,
        completed_at=done,
    )


def seed_items(
    session: Session,
    model: type[ContentItem] | type[ContentItemAuto],
    total: int,
    users: Sequence[tuple[uuid.UUID, datetime]],
    admin: tuple[uuid.UUID, datetime],
    batch: int,
    progress: Progress,
) -> None:
    """Insert ``total`` items and one completed job per item, committing per batch."""
    admin_rows = set(random.sample(range(total), min(ADMIN_ITEMS, total)))
    link = model is ContentItem  # only content_items ids go into result_content_id
    for rows in batches(total, batch):
        owners = [admin if i in admin_rows or not users else random.choice(users) for i in rows]
        made = [make_item(model, owner) for owner in owners]
        items = [item for item, _ in made]
        session.add_all(items)
        if link:
            session.flush()  # the ORM fetches the serial ids (INSERT ... RETURNING)
        jobs = [
            completed_job(item, prompt, item.id if link else None, owner[1])
            for (item, prompt), owner in zip(made, owners, strict=True)
        ]
        session.add_all(jobs)
        session.commit()
        progress.add(len(items) + len(jobs))


def extra_job_counts(items: int) -> dict[str, int]:
    """Non-completed jobs so that the ``items`` completed jobs are 98% of the table."""
    return {s: int(items * share / COMPLETED_SHARE + 0.5) for s, share in EXTRA_JOB_SHARES}


def seed_extra_jobs(
    session: Session,
    items: int,
    users: Sequence[tuple[uuid.UUID, datetime]],
    admin: tuple[uuid.UUID, datetime],
    batch: int,
    progress: Progress,
) -> None:
    statuses = [s for s, c in extra_job_counts(items).items() for _ in range(c)]
    random.shuffle(statuses)
    for rows in batches(len(statuses), batch):
        jobs = []
        for i in rows:
            status = statuses[i]
            user_id, user_created = random.choice(users) if users else admin
            t = random_time(user_created)
            if status == "pending":
                created, completed = t, None
            else:
                created = max(user_created, t - timedelta(seconds=random.randint(5, 120)))
                completed = t
            jobs.append(
                GenerationJob(
                    user_id=user_id,
                    job_type=JOB_TYPE,
                    prompt=make_prompt(),
                    parameters={},
                    status=status,
                    result_content_id=None,
                    created_at=created,
                    updated_at=completed or created,
                    completed_at=completed,
                )
            )
        session.add_all(jobs)
        session.commit()
        progress.add(len(jobs))


# -- main ----------------------------------------------------------------------


def count_rows(session: Session) -> dict[str, int]:
    out = {}
    for model in (User, ContentItem, ContentItemAuto, GenerationJob):
        out[model.__tablename__] = session.scalar(select(func.count()).select_from(model)) or 0
    return out


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.naive", description=__doc__.split("\n")[0]
    )
    p.add_argument("--database-url", required=True, help="libpq URL or keyword string")
    p.add_argument("--users", type=int, default=500)
    p.add_argument("--items", type=int, default=20_000)
    p.add_argument("--items-auto", type=int, default=100_000)
    p.add_argument("--batch", type=int, default=2000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--admin", default=DEFAULT_ADMIN)
    args = p.parse_args(argv)

    random.seed(args.seed)
    Faker.seed(args.seed)
    fake = Faker()
    url = args.database_url
    # The URL may be a keyword string or carry ?host=/socket/dir: let psycopg parse it.
    engine = create_engine("postgresql+psycopg://", creator=lambda: psycopg.connect(url))

    start = time.perf_counter()
    progress = Progress()
    admin = (uuid.UUID(args.admin), RANGE_LO)
    with Session(engine) as session:
        users = seed_users(session, fake, args.users, admin[0], args.batch, progress)
        seed_items(session, ContentItem, args.items, users, admin, args.batch, progress)
        seed_items(session, ContentItemAuto, args.items_auto, users, admin, args.batch, progress)
        total_items = args.items + args.items_auto
        seed_extra_jobs(session, total_items, users, admin, args.batch, progress)
    seconds = time.perf_counter() - start

    with Session(engine) as session:
        rows = count_rows(session)
    engine.dispose()
    print(json.dumps({"rows": rows, "seconds": round(seconds, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
