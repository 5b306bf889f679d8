"""Progress for a table the run could not count up front (the social pack's simulated
activity): plain lines say the rows so far, and the terminal bars add the table rather than
fail."""

from __future__ import annotations

import io
import re

import pytest

from pgseed.progress import Reporter


def test_plain_progress_of_an_uncounted_table_gives_the_rows_so_far() -> None:
    out = io.StringIO()
    r = Reporter(out, rich=False)
    r.begin({"User": 10})
    r.advance("User", 10)
    r.advance("Like", 7)
    r.advance("Like", 5)
    lines = out.getvalue().splitlines()
    assert "[pgseed] User: 10/10 rows (100.0%)" in lines
    assert lines[-2:] == ["[pgseed] Like: 7 rows", "[pgseed] Like: 12 rows"]


def test_terminal_bars_take_a_table_that_was_not_counted() -> None:
    out = io.StringIO()
    r = Reporter(out, rich=True)
    r.begin({})
    r.advance("Like", 7)
    r.advance("Like", 5)
    r.end()
    assert r.done["Like"] == 12


@pytest.mark.parametrize(("planned", "batches"), [(2, [4]), (2003, [2000, 30]), (10, [5, 5, 1])])
def test_a_table_past_its_estimate_never_shows_more_than_100_percent(
    planned: int, batches: list[int]
) -> None:
    """retail plans price_history and promotion as estimates: a run writing more than
    planned printed 'promotion: 4/2 rows (200.0%)'."""
    out = io.StringIO()
    r = Reporter(out, rich=False)
    r.begin({"promotion": planned})
    for n in batches:
        r.advance("promotion", n)
    last = out.getvalue().splitlines()[-1]
    assert last == f"[pgseed] promotion: {sum(batches):,} rows (planned about {planned:,})"
    percents = [float(p) for p in re.findall(r"\(([\d.]+)%\)", out.getvalue())]
    assert all(p <= 100.0 for p in percents), out.getvalue()


def test_a_terminal_bar_grows_past_its_estimate() -> None:
    r = Reporter(io.StringIO(), rich=True)
    r.begin({"promotion": 2})
    r.advance("promotion", 4)
    assert r._progress is not None
    task = r._progress.tasks[0]
    assert task.completed == 4 and task.total == 4 and task.percentage == 100.0
    r.end()
