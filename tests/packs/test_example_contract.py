"""docs/packs.md's example pack (examples/bookshop.py), registered as a third-party
pack would be, through the same contract tests as the built-in packs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from pgseed import packs
from tests.packs.contract import PackContract


@pytest.fixture(autouse=True)
def _registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(packs.BUILTIN, "bookshop", "examples.bookshop:PACK")
    packs.registry.cache_clear()
    yield
    packs.registry.cache_clear()


class TestBookshopContract(PackContract):
    pack_name = "bookshop"
    config: ClassVar[dict[str, Any]] = {"authors": 1500, "books_per_author": 3}
    batch_variant: ClassVar[dict[str, Any]] = {}


def test_the_cli_has_generic_commands_for_it(cli: object) -> None:
    res = cli("bookshop", "generate", "--help")  # type: ignore[operator]
    assert res.exit_code == 0, res.output
    assert "--books-per-author" in res.output and "--dry-run" in res.output
