"""Faults found by trying the pack engine as a new user (issue 9 review): files all or
nothing, broken and buggy packs, presets from any source, seeds in range, --output
checks. Each test failed on the code before its fix."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from examples.bookshop import BookshopPack

from pgseed import engine, packs
from pgseed.cli import main
from pgseed.errors import ConfigError, FileWriteError, GenerationError
from pgseed.files import FileSet
from pgseed.layers import build
from pgseed.packs.retail.config import SCENARIOS, RetailConfig
from pgseed.packs.retail.config import build as retail_build
from pgseed.progress import Reporter

QUIET = Reporter(progress=False)


# -- files: all of them or none --------------------------------------------------


def test_a_rename_that_fails_puts_every_earlier_file_back(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("keep")
    (tmp_path / "b.csv").mkdir()  # in the way of the second file
    with pytest.raises(FileWriteError), FileSet(tmp_path, what="t", alternative="x") as files:
        files.open("a.csv").write("new")
        files.open("b.csv").write("new")
    assert (tmp_path / "a.csv").read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]


def test_a_rename_error_midway_restores_the_files_already_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    for n in ("a", "b", "c"):
        (tmp_path / f"{n}.csv").write_text(f"old {n}")
    real = os.replace
    calls = []

    def flaky(src: Any, dst: Any) -> None:
        calls.append(dst)
        if str(src).endswith(".part") and str(dst).endswith("c.csv"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(FileWriteError), FileSet(tmp_path, what="t", alternative="x") as files:
        for n in ("a", "b", "c"):
            files.open(f"{n}.csv").write(f"new {n}")
    monkeypatch.setattr(os, "replace", real)
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {
        "a.csv": "old a",
        "b.csv": "old b",
        "c.csv": "old c",
    }


def test_a_failed_export_removes_the_directories_it_created(tmp_path: Path) -> None:
    pack = packs.get_pack("retail")
    cfg = pack.config_model.model_validate({"seed": 1})
    with pytest.raises(ConfigError):
        engine.export_files(pack, cfg, tmp_path / "new" / "x", "xlsx", reporter=QUIET)
    assert not (tmp_path / "new").exists()

    class Failing(BookshopPack):
        def run(self, ctx: Any, plan: Any) -> None:
            raise RuntimeError("boom")

    cfg = Failing.config_model.model_validate({"authors": 3, "seed": 1})
    with pytest.raises(GenerationError, match="bookshop pack failed in run"):
        engine.export_files(Failing(), cfg, tmp_path / "new" / "y", "csv", reporter=QUIET)
    assert not (tmp_path / "new").exists()


# -- packs that cannot be loaded, or that raise ------------------------------------


@pytest.fixture
def broken_registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    found = [
        EntryPoint("gone", "no_such_module_anywhere:PACK", packs.ENTRY_POINT_GROUP),
        EntryPoint("noattr", "examples.bookshop:NOPE", packs.ENTRY_POINT_GROUP),
    ]
    monkeypatch.setattr(packs, "entry_points", lambda group: found)
    packs.registry.cache_clear()
    yield
    packs.registry.cache_clear()


@pytest.mark.usefixtures("broken_registered")
@pytest.mark.parametrize("name", ["gone", "noattr"])
def test_a_pack_that_cannot_be_imported_is_an_error_not_a_traceback(name: str) -> None:
    with pytest.raises(ConfigError, match=f"pack '{name}'.*cannot be loaded"):
        packs.get_pack(name)
    runner = CliRunner()
    listing = runner.invoke(main, ["--help"])
    assert listing.exit_code == 0 and "(cannot be loaded)" in listing.output, listing.output
    run = runner.invoke(main, [name])
    assert run.exit_code == 2 and "cannot be loaded" in run.output
    assert "Traceback" not in run.output


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyError("k"), SystemExit(0)])
def test_a_pack_that_raises_rolls_back_and_names_itself(db_dsn: str, exc: BaseException) -> None:
    class Buggy(BookshopPack):
        def run(self, ctx: Any, plan: Any) -> None:
            super().run(ctx, plan)
            raise exc

    cfg = Buggy.config_model.model_validate({"authors": 2000, "seed": 1})
    with pytest.raises(GenerationError, match="bookshop pack failed in run"):
        engine.generate(Buggy(), cfg, db_dsn, reporter=QUIET)
    with psycopg.connect(db_dsn) as conn:
        assert conn.execute("SELECT to_regclass('authors')").fetchone() == (None,)


# -- config: presets from any source, seeds in range, errors name the variable ------


@pytest.mark.parametrize(
    ("how", "kw"),
    [
        ("--set", {"sets": ("scenario=holiday_rush",)}),
        ("PGSEED_SCENARIO", {"environ": {"PGSEED_SCENARIO": "holiday_rush"}}),
        ("--scenario", {"scenario": "holiday_rush"}),
    ],
)
def test_a_scenario_from_any_source_applies_its_preset(how: str, kw: dict[str, Any]) -> None:
    args: dict[str, Any] = {"scenario": None, "file": None, "environ": {}, "flags": {}}
    cfg = retail_build(**{**args, **kw})
    want = SCENARIOS["holiday_rush"]["retail"]["promotion_probability"]  # type: ignore[index]
    assert cfg.scenario == "holiday_rush" and cfg.retail.promotion_probability == want, how


@pytest.mark.parametrize("seed", [-1, 2**63, 2**64])
def test_a_seed_out_of_range_is_refused_from_any_source(seed: int) -> None:
    cfg = BookshopPack.config_model.model_validate({"seed": seed})
    with pytest.raises(ConfigError, match="from 0 to 9223372036854775807"):
        engine.with_seed(cfg)


@pytest.mark.parametrize(
    ("var", "value"), [("PGSEED_SEED", "abc"), ("SEEDER_DEFAULT_STORES", "many")]
)
def test_an_environment_error_names_the_variable(var: str, value: str) -> None:
    with pytest.raises(ConfigError, match=var):
        build(
            RetailConfig,
            environ={var: value},
            env_aliases={"SEEDER_DEFAULT_STORES": "dimensions.stores.count"},
        )


# -- --output checks ---------------------------------------------------------------


@pytest.mark.parametrize("pack", ["genonaut", "retail"])
def test_a_dry_run_checks_the_output_directory_too(
    cli: Any, tmp_path: Path, small_config: Path, pack: str
) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    extra = ["--config", str(small_config)] if pack == "genonaut" else ["--full-new"]
    r = cli(pack, "generate", *extra, "--dry-run", "--output", str(a_file))
    assert r.exit_code == 2 and "not a directory" in r.output, r.output


def test_output_with_a_database_target_is_refused_for_retail(
    cli: Any, tmp_path: Path, db_dsn: str
) -> None:
    r = cli("retail", "generate", "--output", str(tmp_path), "--database-url", db_dsn)
    assert r.exit_code == 2 and "drop the target" in r.output, r.output
    assert "Fix: drop --database-url/--embedded" in r.output, r.output


@pytest.mark.parametrize(
    "kw",
    [
        {"environ": {"PGSEED_DIMENSIONS": "4"}, "flags": {"dimensions.products.count": 3}},
        {"file": ("c.yaml", {"dimensions": 4}), "flags": {"dimensions.stores.count": 2}},
    ],
)
def test_a_scalar_for_a_section_is_refused_even_when_a_later_source_fills_it(
    kw: dict[str, Any],
) -> None:
    with pytest.raises(ConfigError, match=r"dimensions .* is a section of keys"):
        build(RetailConfig, **kw)


def test_a_bad_confirm_setting_is_refused_before_the_run(
    db_dsn: str, db_name: str, server_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import database_exists

    monkeypatch.setenv("SEEDER_REQUIRE_CONFIRM", "maybe")
    pack = packs.get_pack("retail")
    cfg = pack.config_model.model_validate({"seed": 1})
    with pytest.raises(ConfigError, match="SEEDER_REQUIRE_CONFIRM"):
        engine.generate(pack, cfg, db_dsn, reporter=QUIET)
    assert not database_exists(server_dsn, db_name)


@pytest.mark.parametrize("pack", ["genonaut", "retail"])
def test_an_empty_output_path_is_refused(cli: Any, pack: str) -> None:
    r = cli(pack, "generate", "--output", "")
    assert r.exit_code == 2 and "an empty path" in r.output, r.output
