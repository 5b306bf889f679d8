"""Issue 8, kind 2: every text value reaches COPY through the one encoder, whether a
generator drew it or it came from a config file, the environment or a flag; text
PostgreSQL cannot store (NUL) is refused when the config is read (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import database_exists, query, scalar

pytestmark = pytest.mark.db

TINY = {"target_rows_users": 5, "target_rows_content_items": 60,
        "target_rows_content_items_auto": 60}  # fmt: skip

PATHS = [
    "C:\\data\\images",
    "C:\\new\\table\\",
    "dir\twith\ttabs",
    "line\nbreak/and\rreturn",
    'quote"d and \\"escaped\\"',
    "50%_off/under_score",
    "uni – ❄ 𝄞/ünïcødé",
    "trailing\\",
    "//server/share",
    "s3://bucket/prefix/",
    "\\\\N",
]


def _config(tmp_path: Path, images_dir: str | None = None) -> Path:
    data: dict[str, Any] = {"seed_data_generator": TINY}
    if images_dir is not None:
        data["images_dir"] = images_dir
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data))
    return path


CASES = [(p, "flag") for p in PATHS] + [
    (p, via) for via in ("file", "env") for p in (PATHS[0], PATHS[2], PATHS[4], PATHS[7])
]


@pytest.mark.parametrize(("images_dir", "via"), CASES)
def test_images_dir_is_stored_as_written(
    cli: Any, tmp_path: Path, db_dsn: str, via: str, images_dir: str
) -> None:
    cfg = _config(tmp_path, images_dir if via == "file" else None)
    extra = ["--images-dir", images_dir] if via == "flag" else []
    env = {"PGSEED_IMAGES_DIR": images_dir} if via == "env" else {}
    r = cli("genonaut", "generate", "--database-url", db_dsn, "--config", str(cfg), "--seed",
            "3", "--max-workers", "1", *extra, env=env)  # fmt: skip
    assert r.exit_code == 0, r.output
    prefix = images_dir.rstrip("/") + "/"
    for table in ("content_items", "content_items_auto"):
        paths = [p for (p,) in query(db_dsn, f"SELECT content_data FROM {table}")]
        assert len(paths) == 60 and all(p.startswith(prefix) for p in paths), paths[:2]
        assert all(len(p) == len(prefix) + 40 for p in paths)  # <uuid>.png, nothing else
    r = cli("genonaut", "verify", "--database-url", db_dsn, "--config", str(cfg), *extra, env=env)
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize(
    "name", ["Tab\tDay", "Back\\slash Day", "New\nLine Day", "\\N", 'Quote "Day"']
)
def test_holiday_names_from_yaml_are_stored_as_written(
    cli: Any, tmp_path: Path, db_dsn: str, name: str
) -> None:
    path = tmp_path / "seed_config.yaml"
    path.write_text(yaml.safe_dump({"holidays": [
        {"date": "2024-01-03", "name": name, "multiplier": 1.5}]}))  # fmt: skip
    r = cli("retail", "generate", "--full-new", "--database-url", db_dsn, "--config", str(path),
            "--stores", "1", "--products", "2", "--end-date", "2024-01-10", "--max-workers", "1")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert scalar(db_dsn, "SELECT holiday_name FROM calendar WHERE date = '2024-01-03'") == name
    assert scalar(db_dsn, "SELECT count(*) FROM calendar WHERE is_holiday") == 1


def test_nul_is_refused_when_the_config_is_read(
    cli: Any, tmp_path: Path, db_dsn: str, server_dsn: str, db_name: str
) -> None:
    for data in ({"images_dir": "a\x00b"}, {"seed_data_generator": {"timezone": "UTC\x00"}},
                 {"seed_data_generator": {"prompt_types": ["Animals\x00"]}}):  # fmt: skip
        path = tmp_path / "config.json"
        path.write_text(json.dumps(data))
        r = cli("genonaut", "generate", "--database-url", db_dsn, "--config", str(path),
                "--seed", "1")  # fmt: skip
        assert r.exit_code == 2 and "NUL" in r.output, r.output
    for text in ('holidays:\n- {date: 2024-01-03, name: "A\\0B"}\n',
                 'dimensions:\n  stores:\n    regions: ["No\\0rth"]\n',
                 'dimensions:\n  products:\n    brands: ["x", "\\0"]\n'):  # fmt: skip
        path = tmp_path / "seed_config.yaml"
        path.write_text(text)
        r = cli("retail", "generate", "--full-new", "--database-url", db_dsn, "--config",
                str(path))  # fmt: skip
        assert r.exit_code == 2 and "NUL" in r.output, r.output
    r = cli("retail", "generate", "--full-new", "--database-url", db_dsn,
            "--set", 'dimensions.stores.types=["a\\0"]')  # fmt: skip
    assert r.exit_code == 2 and "NUL" in r.output, r.output
    assert not database_exists(server_dsn, db_name)
