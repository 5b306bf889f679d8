"""The pack registry: built-in packs, the entry-point group for third-party packs, and
clear errors for unknown or broken ones."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import EntryPoint
from typing import Any

import pytest

from pgseed import packs
from pgseed.errors import ConfigError
from pgseed.packs.contract import Pack


@pytest.fixture(autouse=True)
def _fresh_registry() -> Iterator[None]:
    packs.registry.cache_clear()
    yield
    packs.registry.cache_clear()


@pytest.mark.parametrize("name", ["genonaut", "retail"])
def test_builtin_packs_satisfy_the_contract(name: str) -> None:
    pack = packs.get_pack(name)
    assert isinstance(pack, Pack) and pack.name == name
    assert pack.default_database.endswith(("_demo", "_test"))
    assert "seed" in pack.config_model.model_fields


def _entry_points(found: list[EntryPoint]) -> Any:
    def entry_points(group: str) -> list[EntryPoint]:
        return [ep for ep in found if ep.group == group]

    return entry_points


def test_an_installed_pack_is_found_through_the_entry_point_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ep = EntryPoint("bookshop", "examples.bookshop:PACK", packs.ENTRY_POINT_GROUP)
    monkeypatch.setattr(packs, "entry_points", _entry_points([ep]))
    assert "bookshop" in packs.names()
    assert packs.get_pack("bookshop").name == "bookshop"


def test_an_entry_point_cannot_take_over_a_builtin_name(monkeypatch: pytest.MonkeyPatch) -> None:
    ep = EntryPoint("retail", "examples.bookshop:PACK", packs.ENTRY_POINT_GROUP)
    monkeypatch.setattr(packs, "entry_points", _entry_points([ep]))
    assert packs.get_pack("retail").name == "retail"


@pytest.mark.parametrize(
    ("name", "expect"), [("retial", "Did you mean 'retail'"), ("nope", "Known: genonaut, retail")]
)
def test_an_unknown_pack_is_refused_with_the_known_ones(name: str, expect: str) -> None:
    with pytest.raises(ConfigError, match=expect):
        packs.get_pack(name)


def test_an_object_that_is_not_a_pack_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    ep = EntryPoint("broken", "pgseed.errors:ConfigError", packs.ENTRY_POINT_GROUP)
    monkeypatch.setattr(packs, "entry_points", _entry_points([ep]))
    with pytest.raises(ConfigError, match="does not satisfy pgseed's pack contract"):
        packs.get_pack("broken")


def test_every_exported_class_and_function_has_a_docstring() -> None:
    import pgseed

    missing = [n for n in pgseed.__all__ if not (getattr(pgseed, n).__doc__ or "").strip()]
    assert not missing, missing
