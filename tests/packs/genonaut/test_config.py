from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from pgseed.errors import AdminUUIDError, ConfigError
from pgseed.layers import env_source, layer
from pgseed.packs.genonaut.config import (
    GenonautConfig,
    admin_uuid,
    file_values,
    resolve_prompt_type,
)


def test_layers_file_env_cli(tmp_path: Path) -> None:
    f = tmp_path / "c.json"
    f.write_text(
        '{"images_dir": "img", "seed_data_generator": {"target_rows_users": 5, "batch_size_users": 7}}'
    )
    env = env_source(GenonautConfig, {"PGSEED_TARGET_ROWS_USERS": "6", "PGSEED_IMAGES_DIR": "e"})
    cfg = layer(
        GenonautConfig, ("file", file_values(f)), ("env", env), ("cli", {"images_dir": "c"})
    )
    assert (cfg.target_rows_users, cfg.batch_size_users, cfg.images_dir) == (6, 7, "c")
    assert cfg.target_rows_content_items == 20000  # default


def test_repo_config_json_is_valid() -> None:
    cfg = layer(GenonautConfig, ("file", file_values(Path("config.json"))))
    assert cfg.batch_size_content_items == 2000 and cfg.target_rows_content_items_auto == 100000
    assert cfg.target_rows_users == 500 and cfg.target_rows_content_items == 20000


BAD = [
    ({"seed_data_generator": {"target_rows_user": 5}}, "Did you mean 'target_rows_users'"),
    ({"seed_data_generater": {}}, "Did you mean 'seed_data_generator'"),
    ({"seed_data_generator": {"target_rows_users": -1}}, "target_rows_users"),
    ({"seed_data_generator": {"batch_size_content_items": 0}}, "batch_size_content_items"),
    ({"seed_data_generator": {"target_rows_users": "many"}}, "target_rows_users"),
    ({"seed_data_generator": {"prompt_types": ["Fashon"]}}, "Did you mean 'Fashion'"),
    ({"seed_data_generator": {"timezone": "Mars/Olympus"}}, "unknown time zone"),
    ({"seed_data_generator": {"date_start": "2025-10-01 00:00:00"}}, "must be before date_end"),
    ({"images_dir": ""}, "images_dir"),
    ({"seed_data_generator": []}, "must be a JSON object"),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_config_is_named(tmp_path: Path, data: dict[str, object], message: str) -> None:
    import json

    f = tmp_path / "c.json"
    f.write_text(json.dumps(data))
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        layer(GenonautConfig, ("file", file_values(f)))


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        file_values(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(ConfigError, match="not valid JSON"):
        file_values(tmp_path / "bad.json")


def test_prompt_types_resolve_loosely() -> None:
    assert resolve_prompt_type("sci-fi art") == "Sci-Fi Art"
    assert resolve_prompt_type("gothic") == "Gothic/Horror Art"
    assert resolve_prompt_type("children's illustrations") == "Children’s Illustrations"
    with pytest.raises(ValueError, match="Did you mean"):
        resolve_prompt_type("Animls")


def test_admin_uuid_sources(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    a, b = uuid.uuid4(), uuid.uuid4()
    env_file.write_text(f"DB_USER_ADMIN_UUID={a}\n")
    assert admin_uuid([env_file], {}) == a
    assert admin_uuid([env_file], {"DB_USER_ADMIN_UUID": str(b)}) == b  # the environment wins
    env_file.write_text(f"DEMO_ADMIN_UUID={a}\n")
    assert admin_uuid([env_file], {}) == a


@pytest.mark.parametrize("content", ["", "DB_USER_ADMIN_UUID=not-a-uuid\n"])
def test_admin_uuid_missing_or_invalid(tmp_path: Path, content: str) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(content)
    with pytest.raises(RuntimeError) as info:
        admin_uuid([env_file], {})
    assert isinstance(info.value, AdminUUIDError)
    msg = str(info.value)
    assert "DB_USER_ADMIN_UUID must" in msg
    fresh = msg.split("DB_USER_ADMIN_UUID=")[-1].split()[0]
    assert uuid.UUID(fresh).version == 4
