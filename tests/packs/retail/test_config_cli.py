"""Retail config through the CLI: layering and bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import query
from tests.packs.retail.helpers import SMALL, counts, gen, ok

pytestmark = pytest.mark.db


def test_yaml_config_env_and_flags_layer(cli: Any, db_dsn: str, tmp_path: Path) -> None:
    cfg = tmp_path / "seed_config.yaml"
    cfg.write_text(
        "dimensions:\n  stores:\n    count: 5\n  products:\n    count: 2\n"
        "date_range:\n  start: '2024-02-01'\n  end: '2024-02-29'\n"
        "holidays:\n  - date: '2024-02-14'\n    name: Heart Day\n    multiplier: 2.0\n"
    )
    ok(
        gen(
            cli,
            db_dsn,
            "--full-new",
            "--config",
            str(cfg),
            "--stores",
            "2",
            env={"SEEDER_DEFAULT_PRODUCTS": "3"},
        )
    )
    n = counts(db_dsn)
    assert (n["store"], n["product"], n["calendar"]) == (2, 3, 29)
    assert query(db_dsn, "SELECT date::text, holiday_name FROM calendar WHERE is_holiday") == [
        ("2024-02-14", "Heart Day")
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--full-new", "--set", "time_series.noise_sigm=1"),
            "Did you mean 'time_series.noise_sigma'",
        ),
        (("--full-new", "--scenario", "holiday_rsh"), "Did you mean 'holiday_rush'"),
        (("--full-new", "--start-date", "2024-05-01", "--end-date", "2024-01-01"), "before start"),
        (("--full-new", "--set", "retail.stockout_behavior=sometimes"), "stockout_behavior"),
        (("--stores", "2"), "pick one operation"),
        (("--full-new", "--append"), "cannot be combined"),
        (("--append",), "--end-date"),
    ],
)
def test_bad_input_is_a_clear_error(
    cli: Any, db_dsn: str, args: tuple[str, ...], message: str
) -> None:
    res = gen(cli, db_dsn, *args, "--confirm")
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert "Traceback" not in res.output


def test_bad_yaml_key_names_the_key(cli: Any, db_dsn: str, tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("time_series:\n  noise_sigmaa: 0.2\n")
    res = gen(cli, db_dsn, "--full-new", "--config", str(cfg))
    assert res.exit_code == 2 and "time_series.noise_sigmaa" in res.output
    assert "Did you mean 'time_series.noise_sigma'" in res.output


@pytest.mark.parametrize(
    ("setup", "args", "env", "needle"),
    [
        ("scenario: [1]\n", ("--full-new",), {}, "expected a name"),
        ("holidays:\n  - {date: '2024-01-01', name: a}\n  - {date: '2024-01-01', name: b}\n",
         ("--full-new",), {}, "listed twice"),
        ("", ("--full-new",), {"SEEDER_DEFAULT_PRODUCTS": "[1"}, "SEEDER_DEFAULT_PRODUCTS"),
        ("", ("--full-new", "--set", "time_series.monthly_seasonality={1: .inf}"), {}, "finite"),
        ("", ("--full-new", "--start-date", "1850-01-01"), {}, "1900-01-01"),
        ("", ("--full-new", "--stores", "100000", "--products", "1000000", "--dry-run"), {}, "at most"),
        ("", ("--output", "/proc/pgseed-nowhere"), {}, "drop the target"),  # with a database
    ],
)  # fmt: skip
def test_more_bad_input(
    cli: Any, db_dsn: str, tmp_path: Path, setup: str, args: tuple[str, ...], env: dict[str, str],
    needle: str,
) -> None:  # fmt: skip
    extra: tuple[str, ...] = ()
    if setup:
        cfg = tmp_path / "c.yaml"
        cfg.write_text(setup)
        extra = ("--config", str(cfg))
    res = gen(cli, db_dsn, *args, *extra, env=env)
    assert res.exit_code == 2, res.output
    assert needle in res.output and "Traceback" not in res.output


def test_non_utf8_config(cli: Any, db_dsn: str, tmp_path: Path) -> None:
    cfg = tmp_path / "bin.yaml"
    cfg.write_bytes(b"\xff\xfe\x00garbage")
    res = gen(cli, db_dsn, "--full-new", "--config", str(cfg))
    assert res.exit_code == 2 and "UTF-8" in res.output


def test_dry_runs_match_the_real_refusals(cli: Any, db_dsn: str, tmp_path: Path) -> None:
    ok(gen(cli, db_dsn, "--full-new", *SMALL))
    res = gen(cli, db_dsn, "--delete", "--scope", "dimensions", "--dry-run")
    assert res.exit_code == 1 and "--scope facts first" in res.output
    res = ok(cli("retail", "generate", *SMALL, "--output", str(tmp_path / "o"), "--dry-run"))
    assert "would write" in res.output and not (tmp_path / "o").exists()
    res = gen(cli, db_dsn, "--delete", "--dry-run", env={"APP_ENV": "production"})
    assert res.exit_code == 3


@pytest.mark.parametrize(
    "dates",
    [
        ("--start-date", "2024-05-01", "--end-date", "2024-01-01"),
        ("--start-date", "2025-01-01"),  # after the default end
        ("--set", "date_range.start=2024-12-31", "--set", "date_range.end=2024-12-30"),
    ],
)
def test_reversed_dates_are_said_plainly_with_a_fix(
    cli: Any, db_dsn: str, dates: tuple[str, ...]
) -> None:
    r = cli("retail", "generate", "--full-new", "--database-url", db_dsn, "--dry-run", *dates)
    assert r.exit_code == 2, r.output
    assert "is before start" in r.output and "Fix: swap" in r.output
    assert "datetime.date(" not in r.output and "got {" not in r.output
