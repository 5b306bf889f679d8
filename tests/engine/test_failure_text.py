"""What a failed run says stays of the database: "as it was" when it was there before;
for a database the run created, that it stays, empty, and whether its history line does."""

from __future__ import annotations

import pytest

from pgseed.failure import ROLLED_BACK, rolled_back


@pytest.mark.parametrize(
    ("created", "recorded", "says", "never"),
    [
        (None, True, "the database is as it was", "created by this run"),
        ("shop_test", True, '"shop_test" was created by this run', "as it was"),
        ("shop_test", False, "holds none of its rows; a new run", "pgseed.runs"),
    ],
)
def test_a_rollback_says_what_stays(
    created: str | None, recorded: bool, says: str, never: str
) -> None:
    text = rolled_back(created, recorded=recorded)
    assert says in text and never not in text, text
    assert (text == ROLLED_BACK) is (created is None)
