"""Progress for a table the run could not count up front (the social pack's simulated
activity): plain lines say the rows so far, and the terminal bars add the table rather than
fail."""

from __future__ import annotations

import io

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
