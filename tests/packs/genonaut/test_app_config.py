"""Issue 10 B: spec 000's application keeps its own settings in config.json beside the
seeder's section. pgseed reads ``images_dir`` and its own section and leaves the other
top-level keys alone; a typo of pgseed's own keys still gets a did-you-mean, and so does
any unknown key in pgseed's section and in the other packs' config files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pgseed import packs
from pgseed.errors import ConfigError
from pgseed.layers import layer
from pgseed.packs.genonaut.config import GenonautConfig, file_values
from tests.conftest import scalar, write_config

SECTION = {"target_rows_users": 7, "batch_size_users": 3, "target_rows_content_items": 40,
           "target_rows_content_items_auto": 30, "admin_items_per_table": 4}  # fmt: skip

# Application settings as an application keeps them (spec 000's app: an API, a job
# queue, a model server), some with the names of generic seeder keys.
APP_SETTINGS: list[dict[str, Any]] = [
    {"db_name": "genonaut", "api": {"host": "0.0.0.0", "port": 8001}, "redis_url": "redis://x"},
    {"comfyui": {"url": "http://localhost:8188", "models_dir": "/models"}, "web_ui_port": 3000,
     "timezone": "UTC", "seed": "not-a-number", "date_start": "whenever"},
    {"features": ["tags", "search"], "log_level": "INFO", "image_path": "x", "seed_path": "y",
     "batch_size": 10, "max_workers": "many", "thumbnails_dir": "data/thumbs"},
    {"prompt_defaults": {"steps": 20}, "environment": "development", "version": 3,
     "content_types": None, "images_url": "https://cdn.example.com/img"},
]  # fmt: skip


@pytest.mark.parametrize("section", ["seed_data_generator", "seed_data"])
@pytest.mark.parametrize("app", APP_SETTINGS)
def test_other_top_level_keys_are_left_alone(
    tmp_path: Path, app: dict[str, Any], section: str
) -> None:
    path = write_config(tmp_path, {**app, "images_dir": "img", section: SECTION})
    values = file_values(path)
    assert values == {**SECTION, "images_dir": "img"}
    cfg = layer(GenonautConfig, ("file", values))
    assert cfg.target_rows_users == 7 and cfg.timezone == "America/New_York" and cfg.seed is None


@pytest.mark.parametrize("app", APP_SETTINGS)
def test_generate_and_verify_with_the_applications_config(
    cli: Any, tmp_path: Path, db_dsn: str, app: dict[str, Any]
) -> None:
    path = write_config(tmp_path, {**app, "images_dir": "data/images",
                                   "seed_data_generator": SECTION})  # fmt: skip
    args = ("--database-url", db_dsn, "--config", str(path), "--seed", "3")
    r = cli("genonaut", "generate", *args, "--max-workers", "1")
    assert r.exit_code == 0, r.output
    assert scalar(db_dsn, "SELECT count(*) FROM users") == 7 + 1  # and the admin
    r = cli("genonaut", "verify", *args)
    assert r.exit_code == 0, r.output


TYPOS = [
    ({"seed_data_generater": SECTION}, "Did you mean 'seed_data_generator'"),
    ({"seed_data_gen": SECTION}, "Did you mean 'seed_data"),
    ({"seeddata": SECTION}, "Did you mean 'seed_data'"),
    ({"image_dir": "img"}, "Did you mean 'images_dir'"),
    ({"imagesdir": "img"}, "Did you mean 'images_dir'"),
    ({"target_rows_user": 5}, "Did you mean 'target_rows_users'"),
    ({"batch_size_user": 5}, "Did you mean 'batch_size_users'"),
]


@pytest.mark.parametrize(("data", "says"), TYPOS)
@pytest.mark.parametrize("app", APP_SETTINGS[:2])
def test_a_misspelt_key_of_pgseeds_gets_a_did_you_mean(
    tmp_path: Path, app: dict[str, Any], data: dict[str, Any], says: str
) -> None:
    path = write_config(tmp_path, {**app, **data})
    with pytest.raises(ConfigError, match=says) as info:
        file_values(path)
    assert "Fix: rename it" in str(info.value) and str(path) in str(info.value)


@pytest.mark.parametrize(
    "key", ["target_rows_users", "batch_size_content_items", "admin_items_per_table",
            "prompt_types"]
)  # fmt: skip
def test_a_seeder_key_outside_the_section_says_where_it_belongs(tmp_path: Path, key: str) -> None:
    path = write_config(tmp_path, {"api": {}, key: 5, "seed_data_generator": {}})
    with pytest.raises(ConfigError, match=f"'{key}' is at the top level") as info:
        file_values(path)
    assert (
        f'Fix: move it into the "seed_data_generator" object: {{"seed_data_generator": {{"{key}": 5}}}}'
        in str(info.value)
    )


@pytest.mark.parametrize(
    ("section", "says"),
    [
        ({"target_rows_user": 5}, "Did you mean 'target_rows_users'"),
        ({"batch_size_content_item": 5}, "Did you mean 'batch_size_content_items'"),
        ({"timezon": "UTC"}, "Did you mean 'timezone'"),
        ({"api": {}}, "Unknown config key 'api'"),
    ],
)
@pytest.mark.parametrize("name", ["seed_data_generator", "seed_data"])
def test_the_section_stays_strict(
    tmp_path: Path, name: str, section: dict[str, Any], says: str
) -> None:
    path = write_config(tmp_path, {"api": {"port": 1}, name: section})
    with pytest.raises(ConfigError, match=says):
        file_values(path)


def test_two_sections_are_refused(tmp_path: Path) -> None:
    path = write_config(tmp_path, {"seed_data": {}, "seed_data_generator": {}})
    with pytest.raises(ConfigError, match="two seeder sections"):
        file_values(path)


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("pgseed.yaml", "dimensions:\n  stores:\n    count: 2\nsparsty: {}\n", "'sparsty'"),
        ("pgseed.yaml", "time_series:\n  noise_sigm: 0.1\n", "noise_sigma"),
        ("retail.yml", "api_url: http://x\n", "Unknown config key 'api_url'"),
    ],
)
def test_retail_yaml_files_stay_strict(
    cli: Any, tmp_path: Path, name: str, data: str, says: str
) -> None:
    path = tmp_path / name
    path.write_text(data)
    r = cli(
        "retail", "generate", "--full-new", "--config", str(path), "--output", str(tmp_path / "o")
    )
    assert r.exit_code == 2, r.output
    assert says in r.output


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("pgseed.json", {"author": 3}, "Did you mean 'authors'"),
        ("pgseed.yaml", {"books_per_autor": 3}, "Did you mean 'books_per_author'"),
        ("config.json", {"api": {"port": 1}, "authors": 3}, "Unknown config key 'api'"),
    ],
)
def test_other_packs_config_files_stay_strict(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, data: Any, says: str
) -> None:
    monkeypatch.setitem(packs.BUILTIN, "bookshop", "examples.bookshop:PACK")
    packs.registry.cache_clear()
    try:
        path = tmp_path / name
        path.write_text(json.dumps(data))
        r = cli("bookshop", "generate", "--config", str(path), "--output", str(tmp_path / "o"))
        assert r.exit_code == 2, r.output
        assert says in r.output
    finally:
        packs.registry.cache_clear()
