"""Issue 8, kind 11: config values of the wrong type are refused (exit 2), never coerced.

The cases are generated from the config models themselves, so a numeric key added
later is covered without touching this file: a boolean wherever a number is
expected, a number wherever a date is expected, and null for every key that has a
default, through each source (JSON/YAML file, environment, --set).
"""

from __future__ import annotations

import datetime as dt
import json
import types
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
import yaml
from pydantic import BaseModel

from pgseed.packs.genonaut.config import FILE_SECTION, GenonautConfig
from pgseed.packs.retail.config import RetailConfig
from tests.conftest import database_exists

pytestmark = pytest.mark.db


def _base(ann: Any) -> Any:
    while get_origin(ann) is Annotated:
        ann = get_args(ann)[0]
    if get_origin(ann) in (Union, types.UnionType):
        args = [a for a in get_args(ann) if a is not type(None)]
        return _base(args[0]) if len(args) == 1 else ann
    return ann


def _nest(dotted: str, value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    node = out
    parts = dotted.split(".")
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value
    return out


def wrong_values(model: type[BaseModel], prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted key, a value of the wrong type) for every leaf of ``model``."""
    out: list[tuple[str, Any]] = []
    for name, field in model.model_fields.items():
        key = prefix + name
        ann = _base(field.annotation)
        origin = get_origin(ann)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out += wrong_values(ann, key + ".")
        elif ann in (int, float):
            out += [(key, True), (key, False)]
        elif ann is dt.date:
            out.append((key, 20240101))
        elif origin is tuple and _base(get_args(ann)[0]) in (int, float):
            out.append((key, [1, 1, 1, 1, 1, 1, True]))
        elif origin is dict:
            out += [(key, {12: True}), (key, {True: 1.5})]
        elif origin is tuple and issubclass(_base(get_args(ann)[0]), BaseModel):
            item = _base(get_args(ann)[0])
            good = {"date": "2024-12-25", "name": "Christmas", "multiplier": 1.5}
            for sub, bad in wrong_values(item):
                out.append((key, [{**good, **_nest(sub, bad)}]))
        optional = get_origin(field.annotation) in (Union, types.UnionType) and type(
            None
        ) in get_args(field.annotation)
        if not field.is_required() and not optional:
            out.append((key, None))
    return out


GENONAUT = wrong_values(GenonautConfig)
RETAIL = wrong_values(RetailConfig)


def test_every_kind_of_key_is_covered() -> None:
    keys = {k for k, _ in RETAIL}
    assert {"seed", "batch_size", "time_series.noise_sigma", "date_range.start"} <= keys
    assert "time_series.weekly_seasonality" in keys and "holidays" in keys
    assert {"target_rows_users", "images_dir", "timezone"} <= {k for k, _ in GENONAUT}


def _genonaut_file(tmp_path: Path, key: str, value: Any) -> Path:
    data: dict[str, Any] = {FILE_SECTION: {}}
    if key == "images_dir":
        data["images_dir"] = value
    else:
        data[FILE_SECTION][key] = value
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(("key", "value"), GENONAUT, ids=[f"{k}={v!r}" for k, v in GENONAUT])
def test_genonaut_file_value_of_wrong_type(
    cli: Any, tmp_path: Path, db_dsn: str, server_dsn: str, db_name: str, key: str, value: Any
) -> None:
    path = _genonaut_file(tmp_path, key, value)
    seed = [] if key == "seed" else ["--seed", "1"]  # the flag would win over the file
    r = cli("genonaut", "generate", "--database-url", db_dsn, "--config", str(path), *seed)
    assert r.exit_code == 2, r.output
    assert key in r.output and "Traceback" not in r.output
    assert ("null is not allowed" if value is None else "expected") in r.output
    assert not database_exists(server_dsn, db_name)


@pytest.mark.parametrize(("key", "value"), RETAIL, ids=[f"{k}={v!r}" for k, v in RETAIL])
def test_retail_file_value_of_wrong_type(
    cli: Any, tmp_path: Path, db_dsn: str, server_dsn: str, db_name: str, key: str, value: Any
) -> None:
    path = tmp_path / "seed_config.yaml"
    path.write_text(yaml.safe_dump(_nest(key, value)))
    r = cli(
        "retail", "generate", "--full-new", "--confirm", "--database-url", db_dsn,
        "--config", str(path),
    )  # fmt: skip
    assert r.exit_code == 2, r.output
    assert key.split(".")[-1] in r.output and "Traceback" not in r.output
    assert not database_exists(server_dsn, db_name)


# YAML 1.1 words that safe_load reads as booleans or null, through each source.
YAML_WORDS = [
    ("seed: yes", "seed"),
    ("seed: on", "seed"),
    ("seed: ~", "seed"),
    ("dimensions:\n  stores:\n    count: no", "count"),
    ("time_series:\n  noise_sigma: null", "noise_sigma"),
    ("time_series: null", "time_series"),
    ("retail:\n  lead_time_days: true", "lead_time_days"),
    ("date_range:\n  start: 20240101", "start"),
]


@pytest.mark.parametrize(("text", "key"), YAML_WORDS)
def test_yaml_words_that_are_not_numbers(
    cli: Any, tmp_path: Path, db_dsn: str, server_dsn: str, db_name: str, text: str, key: str
) -> None:
    path = tmp_path / "seed_config.yaml"
    path.write_text(text + "\n")
    r = cli("retail", "generate", "--full-new", "--confirm", "--database-url", db_dsn,
            "--config", str(path))  # fmt: skip
    assert r.exit_code == 2 and key in r.output, r.output
    assert not database_exists(server_dsn, db_name)


@pytest.mark.parametrize(
    ("args", "env", "key"),
    [
        ([], {"SEEDER_DEFAULT_SEED": "yes"}, "seed"),
        ([], {"SEEDER_DEFAULT_STORES": "true"}, "count"),
        ([], {"SEEDER_BATCH_SIZE": "null"}, "batch_size"),
        (["--set", "seed=yes"], {}, "seed"),
        (["--set", "time_series.noise_sigma=null"], {}, "noise_sigma"),
        (["--set", "retail.cover_days=false"], {}, "cover_days"),
        (["--set", "time_series.monthly_seasonality={12: true}"], {}, "monthly_seasonality"),
    ],
)
def test_retail_env_and_set_values_of_wrong_type(
    cli: Any,
    db_dsn: str,
    server_dsn: str,
    db_name: str,
    args: list[str],
    env: dict[str, str],
    key: str,
) -> None:
    r = cli("retail", "generate", "--full-new", "--confirm", "--database-url", db_dsn, *args,
            env=env)  # fmt: skip
    assert r.exit_code == 2 and key in r.output, r.output
    assert not database_exists(server_dsn, db_name)


def test_genonaut_environment_boolean(cli: Any, db_dsn: str, server_dsn: str, db_name: str) -> None:
    r = cli("genonaut", "generate", "--database-url", db_dsn, "--seed", "1",
            env={"PGSEED_TARGET_ROWS_USERS": "true"})  # fmt: skip
    assert r.exit_code == 2 and "target_rows_users" in r.output, r.output
    assert not database_exists(server_dsn, db_name)


def test_holidays_null_still_means_the_builtin_list(cli: Any, tmp_path: Path) -> None:
    """A key whose type admits None keeps taking null (documented: the built-in list)."""
    path = tmp_path / "seed_config.yaml"
    path.write_text("holidays: null\nseed: 7\n")
    r = cli("retail", "generate", "--full-new", "--stores", "1", "--products", "1",
            "--end-date", "2024-01-05", "--output", str(tmp_path / "out"), "--config", str(path))  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "New Year" in (tmp_path / "out" / "calendar.csv").read_text()


# YAML is read as YAML 1.2 (pgseed.yaml12): no 1.1 octal, sexagesimal or yes/no booleans.
@pytest.mark.parametrize(
    ("text", "seed"),
    [("seed: 010", 10), ("seed: 0o10", 8), ("seed: 0x10", 16), ("seed: 1e3", 1000),
     ("seed: +7", 7)],
)  # fmt: skip
def test_yaml_numbers_read_as_yaml_1_2(tmp_path: Path, text: str, seed: int) -> None:
    from pgseed.packs.retail.config import build

    path = tmp_path / "seed_config.yaml"
    path.write_text(text + "\n")
    assert build(scenario=None, file=path, environ={}, flags={}).seed == seed


@pytest.mark.parametrize(
    ("args", "env"),
    [([], {"SEEDER_DEFAULT_STORES": "010"}), (["--stores", "010"], {}),
     (["--set", "dimensions.stores.count=010"], {})],
)  # fmt: skip
def test_every_source_reads_010_as_ten(
    cli: Any, tmp_path: Path, args: list[str], env: dict[str, str]
) -> None:
    out = tmp_path / "out"
    r = cli("retail", "generate", "--full-new", "--products", "1", "--end-date", "2024-01-02",
            "--output", str(out), *args, env=env)  # fmt: skip
    assert r.exit_code == 0, r.output
    assert len((out / "store.csv").read_text().splitlines()) == 1 + 10


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [("seed_config.yaml", "seed: 1\nseed: 2\n", "'seed' appears twice"),
     ("seed_config.yaml", "retail:\n  cover_days: 3\n  cover_days: 4\n", "'cover_days' appears twice"),
     ("seed_config.yaml", "seed: 1:30\n", "seed"),
     ("config.json", '{"seed_data_generator": {"target_rows_users": 1, "target_rows_users": 2}}',
      "'target_rows_users' appears twice")],
)  # fmt: skip
def test_repeated_keys_and_sexagesimal_are_refused(
    cli: Any, tmp_path: Path, db_dsn: str, server_dsn: str, db_name: str, name: str, text: str,
    says: str,
) -> None:  # fmt: skip
    path = tmp_path / name
    path.write_text(text)
    pack = (
        ["genonaut", "generate"] if name.endswith("json") else ["retail", "generate", "--full-new"]
    )
    r = cli(*pack, "--database-url", db_dsn, "--config", str(path))
    assert r.exit_code == 2 and says in r.output, r.output
    assert not database_exists(server_dsn, db_name)
