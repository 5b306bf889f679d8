"""docs/packs.md's example pack (examples/bookshop.py), registered as a third-party
pack would be, through the same contract tests as the built-in packs."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from tests.packs.contract import PackContract


@pytest.fixture(autouse=True)
def _bookshop(bookshop: None) -> None:
    """Every test here may run the example pack."""


class TestBookshopContract(PackContract):
    pack_name = "bookshop"
    config: ClassVar[dict[str, Any]] = {"authors": 1500, "books_per_author": 3}
    batch_variant: ClassVar[dict[str, Any]] = {}


def test_the_cli_has_generic_commands_for_it(cli: object) -> None:
    res = cli("bookshop", "generate", "--help")  # type: ignore[operator]
    assert res.exit_code == 0, res.output
    assert "--books-per-author" in res.output and "--dry-run" in res.output
