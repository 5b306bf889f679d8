"""``pgseed social report``: five PNG pictures and an index.html whose numbers agree with
SQL (and numpy) computed here, all or nothing, or a clear refusal with its exit code."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import psycopg
import pytest
from psycopg import sql

from pgseed.errors import ConfigError, PgseedError, SchemaMismatchError
from pgseed.files import FileSet
from pgseed.migrate import upgrade
from pgseed.packs.social import ops
from pgseed.packs.social import report_pictures as pictures
from pgseed.packs.social import report_queries as queries
from pgseed.packs.social.config import SocialConfig
from pgseed.packs.social.report import _stats, report
from pgseed.packs.social.tables import MIGRATIONS
from pgseed.packs.social.vocab import CITIES
from pgseed.progress import Reporter
from tests.conftest import drop_database, dsn_for, query, scalar

pytestmark = pytest.mark.db

SEED = "report-2024"
START = dt.date(2024, 1, 1)
PNGS = ("activity_daily.png", "rhythm.png", "funnel.png", "likes_received.png", "pairs.png")


def _create(server_dsn: str) -> tuple[str, str]:
    name = f"pgseed_sr_{uuid.uuid4().hex[:10]}_test"
    with psycopg.connect(dsn_for(server_dsn, "postgres"), autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name, dsn_for(server_dsn, name)


def _seed(dsn: str, count: int, days: int | None) -> None:
    cfg = SocialConfig(run_seed=SEED, count=count, start_date=START)
    phases = ops.Phases(profiles=True, activity=(START, days) if days else None, jobs=False)
    ops.seed(dsn, cfg, phases, reporter=Reporter(progress=False))


@pytest.fixture(scope="module")
def seeded(server_dsn: str) -> Iterator[str]:
    """1,000 users x 30 days (the issue's reference size; about 15 s)."""
    name, dsn = _create(server_dsn)
    _seed(dsn, 1000, 30)
    yield dsn
    drop_database(server_dsn, name)


@pytest.fixture(scope="module")
def drawn(seeded: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], str]:
    out = tmp_path_factory.mktemp("social") / "report"  # not there yet: report makes it
    with psycopg.connect(seeded) as conn:
        paths = report(conn, out)
    return out, paths, (out / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def numbers(seeded: str) -> tuple[queries.Stats, str]:
    """What the report draws for every user (the stats and the scope's name)."""
    with psycopg.connect(seeded) as conn:
        return _stats(conn, None)


def _cell(page: str, table: str, label: str) -> list[str]:
    """The cells after ``label`` in the row of ``<table id=table>`` that starts with it."""
    body = re.search(rf'<table id="{table}">(.*?)</table>', page, re.S)
    assert body, table
    row = re.search(rf"<tr><td>{re.escape(html.escape(label))}</td>(.*?)</tr>", body.group(1))
    assert row, (table, label)
    return [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row.group(1))]


class _Tags(HTMLParser):
    VOID = frozenset({"meta", "img", "br", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.srcs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.srcs += [v or "" for k, v in attrs if tag == "img" and k == "src"]
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing open"


# -- the files ---------------------------------------------------------------------


def test_report_writes_valid_pictures_and_a_page(drawn: tuple[Path, list[Path], str]) -> None:
    out, paths, page = drawn
    assert paths == [out / n for n in (*PNGS, "index.html")]
    for name in PNGS:
        data = (out / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR", name
        assert data.endswith(b"IEND\xaeB`\x82"), f"{name} is cut short"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width >= 1000 and height >= 400 and len(data) > 20_000, (name, width, height)
    assert page.startswith("<!DOCTYPE html>")
    tags = _Tags()
    tags.feed(page)
    tags.close()
    assert tags.open == [] and tags.srcs == list(PNGS)  # balanced, each picture once
    for name in PNGS:
        assert html.escape(pictures.CAPTIONS[name]) in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # self-contained
    assert sorted(p.name for p in out.iterdir()) == sorted((*PNGS, "index.html"))  # no .part


# -- the numbers against SQL computed here --------------------------------------------

FUNNEL = {
    "profile views": 'SELECT count(*) FROM "ProfileView"',
    "likes": """SELECT count(*) FROM "Like" WHERE action = 'LIKE'""",
    "matches": 'SELECT count(*) FROM "Match"',
    "conversations": 'SELECT count(*) FROM "Conversation"',
    "replied conversations": """SELECT count(*) FROM (SELECT "conversationId" FROM "Message"
        GROUP BY 1 HAVING count(DISTINCT "senderId") = 2) s""",
}


@pytest.mark.parametrize("step", list(FUNNEL))
def test_funnel_counts_and_ratios_match_sql(
    seeded: str, drawn: tuple[Path, list[Path], str], step: str
) -> None:
    steps = list(FUNNEL)
    n = int(scalar(seeded, FUNNEL[step]))
    assert n > 0, step
    count, ratio = _cell(drawn[2], "funnel", step)
    assert count == f"{n:,}"
    i = steps.index(step)
    if i:
        before = int(scalar(seeded, FUNNEL[steps[i - 1]]))
        assert ratio == f"{n / before:.1%}"


def _gini(x: np.ndarray[Any, Any]) -> float:
    """Mean absolute difference over twice the mean: another formula than the report's."""
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean()))


def test_gini_matches_numpy_on_the_same_data(
    seeded: str, drawn: tuple[Path, list[Path], str]
) -> None:
    received = query(
        seeded,
        """SELECT count(l.id) FROM "User" u LEFT JOIN "Like" l
           ON l."toUserId" = u.id AND l.action = 'LIKE' GROUP BY u.id""",
    )
    x = np.array([r[0] for r in received], dtype=np.float64)
    assert len(x) == 1000 and (x == 0).any()  # the never liked count too
    (shown,) = _cell(drawn[2], "numbers", "Gini coefficient of likes received")
    assert abs(float(shown) - _gini(x)) < 1e-6, (shown, _gini(x))


def _local_hours(dsn: str) -> dict[str, Counter[int]]:
    """Each kind's events per local hour, converted here by zoneinfo (not by PostgreSQL)."""
    tz = {c.location_text: ZoneInfo(c.timezone) for c in CITIES}
    home = {u: tz[loc] for u, loc in query(dsn, 'SELECT "userId", "locationText" FROM "Profile"')}
    kinds = {
        "posts": 'SELECT "userId", "createdAt" FROM "Post"',
        "likes": """SELECT "fromUserId", "createdAt" FROM "Like" WHERE action = 'LIKE'""",
        "matches": 'SELECT "userAId", "createdAt" FROM "Match"',
        "messages": 'SELECT "senderId", "createdAt" FROM "Message"',
        "feed views": 'SELECT "viewerUserId", "seenAt" FROM "FeedSeen"',
    }
    return {
        kind: Counter(at.replace(tzinfo=dt.UTC).astimezone(home[u]).hour for u, at in query(dsn, q))
        for kind, q in kinds.items()
    }


def test_hour_curve_is_local_time_and_peaks_in_the_evening(
    seeded: str, drawn: tuple[Path, list[Path], str]
) -> None:
    hours = _local_hours(seeded)
    stats = queries.Stats()
    with psycopg.connect(seeded) as conn:
        queries.rhythm(conn, queries.scope_params(None), stats)
    for kind in queries.KINDS:
        assert stats.hourly[kind] == [hours[kind][h] for h in range(24)], kind
    total = sum(hours.values(), Counter[int]())
    peak = max(range(24), key=lambda h: total[h])
    assert 20 <= peak <= 22, f"the curve peaks at {peak} h local"
    (shown,) = _cell(drawn[2], "numbers", "peak hour (local)")
    assert shown.startswith(f"{peak} h ")


@pytest.mark.parametrize("ranges", [[(1, 500)], [(200, 260), (900, 1000)], [(1000, 1000)]])
def test_a_scope_counts_what_its_users_did(seeded: str, ranges: list[tuple[int, int]]) -> None:
    """A run's users (``run_seed``: its profile phases' id ranges) are the ones who acted;
    a pair counts when either of its users is in scope."""
    ids = [i for lo, hi in ranges for i in range(lo, hi + 1)]
    stats = queries.Stats()
    with psycopg.connect(seeded) as conn:
        queries.funnel(conn, queries.scope_params(ranges), stats)
    expected = [
        scalar(seeded, 'SELECT count(*) FROM "ProfileView" WHERE "viewerUserId" = ANY(%s)', [ids]),
        scalar(
            seeded,
            """SELECT count(*) FROM "Like" WHERE action = 'LIKE' AND "fromUserId" = ANY(%s)""",
            [ids],
        ),
        scalar(
            seeded, 'SELECT count(*) FROM "Match" WHERE "userAId" = ANY(%s) OR "userBId" = ANY(%s)',
            [ids, ids],
        ),
    ]  # fmt: skip
    assert [n for _, n in stats.funnel[:3]] == expected


def test_a_run_seed_draws_its_users(
    seeded: str, numbers: tuple[queries.Stats, str], tmp_path: Path
) -> None:
    everyone = numbers[0]
    with psycopg.connect(seeded) as conn:
        run, scope = _stats(conn, SEED)
    assert scope == f"run {SEED}, users 1..1,000" and run.funnel == everyone.funnel
    assert run.users == 1000 and run.gini == everyone.gini
    with pytest.raises(ConfigError) as err, psycopg.connect(seeded) as conn:
        report(conn, tmp_path / "r", run_seed="no-such-seed")
    assert err.value.exit_code == 2 and f"its runs: '{SEED}'" in str(err.value)
    assert "\nFix: " in str(err.value) and not (tmp_path / "r").exists()


# -- refusals: nothing to draw, a bad --out --------------------------------------------


@pytest.fixture(scope="module")
def empties(server_dsn: str) -> Iterator[dict[str, str]]:
    """Databases with nothing to draw: no tables, tables without rows, profiles only."""
    made = {kind: _create(server_dsn) for kind in ("no tables", "no rows", "profiles only")}
    with psycopg.connect(made["no rows"][1]) as conn:
        upgrade(conn, MIGRATIONS)
    _seed(made["profiles only"][1], 30, None)
    yield {kind: dsn for kind, (_, dsn) in made.items()}
    for name, _ in made.values():
        drop_database(server_dsn, name)


@pytest.mark.parametrize(
    ("kind", "error", "says"),
    [
        ("no tables", SchemaMismatchError, 'has no social tables to draw ("User", '),
        ("no rows", PgseedError, "no social users to draw"),
        ("profiles only", PgseedError, "30 users, and no posts, likes, matches"),
    ],
)
def test_nothing_to_draw_is_refused_with_its_exit_code(
    empties: dict[str, str], tmp_path: Path, kind: str, error: type[PgseedError], says: str
) -> None:
    out = tmp_path / "r"
    with pytest.raises(PgseedError) as err, psycopg.connect(empties[kind]) as conn:
        report(conn, out)
    assert type(err.value) is error and err.value.exit_code == error.exit_code
    assert says in str(err.value) and "\nFix: " in str(err.value), str(err.value)
    assert not out.exists()


def _file(tmp: Path) -> Path:
    (tmp / "a_file").write_text("keep me")
    return tmp / "a_file"


def _symlink(tmp: Path) -> Path:
    (tmp / "link").symlink_to(_file(tmp))
    return tmp / "link"


def _broken(tmp: Path) -> Path:
    (tmp / "link").symlink_to(tmp / "gone")
    return tmp / "link"


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_file, "exists and is not a directory"),
        (lambda tmp: _file(tmp) / "report", "a_file is not a directory"),
        (lambda tmp: _file(tmp) / "deeper" / "report", "a_file is not a directory"),
        (_symlink, "exists and is not a directory"),
        (_broken, "is a broken symbolic link"),
    ],
    ids=["a file", "below a file", "deep below a file", "a link to a file", "a broken link"],
)
def test_an_out_that_cannot_be_a_directory_is_refused(
    seeded: str, tmp_path: Path, make: Any, says: str
) -> None:
    out = make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ConfigError) as err, psycopg.connect(seeded) as conn:
        report(conn, out)
    assert err.value.exit_code == 2 and says in str(err.value), str(err.value)
    assert "\nFix: choose a directory for --out" in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    if (tmp_path / "a_file").exists():
        assert (tmp_path / "a_file").read_text() == "keep me"


# -- all or nothing ----------------------------------------------------------------------


@pytest.mark.parametrize("fails", [0, 2, 4, "page"])
def test_a_failed_report_leaves_the_earlier_one_as_it_was(
    seeded: str,
    drawn: tuple[Path, list[Path], str],
    numbers: tuple[queries.Stats, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fails: int | str,
) -> None:
    earlier = tmp_path / "earlier"
    shutil.copytree(drawn[0], earlier)
    before = {p.name: p.read_bytes() for p in earlier.iterdir()}

    def drawer(i: int) -> Any:
        def draw(stats: queries.Stats, files: FileSet) -> str:
            if i == fails:
                raise RuntimeError("a picture failed")
            files.open(PNGS[i], binary=True).write(b"not the earlier picture")
            return PNGS[i]

        return draw

    monkeypatch.setattr("pgseed.packs.social.report._stats", lambda conn, seed: numbers)
    monkeypatch.setattr(pictures, "PICTURES", tuple(drawer(i) for i in range(len(PNGS))))
    if fails == "page":

        def page(*args: object) -> str:
            raise RuntimeError("the page failed")

        monkeypatch.setattr("pgseed.packs.social.report._page", page)
    for out in (earlier, tmp_path / "new" / "report"):
        with pytest.raises(RuntimeError), psycopg.connect(seeded) as conn:
            report(conn, out)
    assert {p.name: p.read_bytes() for p in earlier.iterdir()} == before
    assert not (tmp_path / "new").exists()  # the directories it made are gone again


# -- sparse data: drawn with "n/a", never a division by zero ---------------------------


def test_activity_without_likes_or_matches_still_draws(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "r"
    with psycopg.connect(seeded) as conn:  # deleted inside the test's transaction only
        for table in ("Message", "Conversation", "Match", "LikedPost", "Like"):
            conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
        paths = report(conn, out)
        conn.rollback()
    assert [p.name for p in paths] == [*PNGS, "index.html"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert _cell(page, "numbers", "Gini coefficient of likes received") == ["n/a"]
    assert _cell(page, "numbers", "median distance of matched pairs") == ["n/a"]
    assert _cell(page, "funnel", "likes") == ["0", "0.0%"]  # of the views still there
    assert _cell(page, "funnel", "matches") == ["0", "n/a"]
    assert _cell(page, "funnel", "replied conversations") == ["0", "n/a"]


@pytest.mark.parametrize("every", [3, 7])
def test_profiles_without_city_coordinates_or_birthdate_are_counted(
    seeded: str, every: int
) -> None:
    """Users without a known city are drawn in UTC and counted; matched pairs missing a
    coordinate or a birthdate are left out of their histogram and counted."""
    with psycopg.connect(seeded) as conn:  # changed inside the test's transaction only
        conn.execute(
            """UPDATE "Profile" SET "locationText" = CASE WHEN "userId" %% %(n)s = 0
                 THEN 'Atlantis, XX' ELSE "locationText" END,
               lat = CASE WHEN "userId" %% %(n)s = 1 THEN NULL ELSE lat END,
               birthdate = CASE WHEN "userId" %% %(n)s = 2 THEN NULL ELSE birthdate END""",
            {"n": every},
        )
        stats, _ = _stats(conn, None)
        conn.rollback()
    pairs = 'SELECT count(*) FROM "Match" WHERE "userAId" %% %s = %s OR "userBId" %% %s = %s'
    assert stats.unplaced == len(range(every, 1001, every))
    assert stats.unlocated_pairs == scalar(seeded, pairs, [every, 1, every, 1]) > 0
    assert stats.undated_pairs == scalar(seeded, pairs, [every, 2, every, 2]) > 0
    assert (
        sum(n for _, _, n in stats.distance)
        == scalar(seeded, 'SELECT count(*) FROM "Match"') - stats.unlocated_pairs
    )
