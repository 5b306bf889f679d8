"""Spec 001 (and the plan, spec 002) to the letter, where they put an input elsewhere
than spec 000: the seeder's keys flat at the top of ``config.json``, the admin as
``DEMO_ADMIN_UUID`` in a ``.env`` at the repo root, the prompt types spelled in lower
case, every config key a CLI override, and the module entry point's ``--help``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from pgseed.errors import AdminUUIDError, ConfigError
from pgseed.layers import layer
from pgseed.packs.genonaut.config import (
    GenonautConfig,
    admin_uuid,
    file_values,
    resolve_prompt_type,
)
from pgseed.packs.genonaut.vocab import DOMAIN_PROMPTS
from tests.conftest import drop_database, dsn_for, scalar, write_config

REPO = Path(__file__).resolve().parents[3]
ENV_FILES = ("env/.env", ".env")  # where the CLI looks, in this order (spec 000's, spec 001's)

# Spec 001's config.json, as the spec prints it.
SPEC_001_CONFIG = {
    "images_dir": "data/images",
    "batch_size_content_items": 2000,
    "batch_size_content_items_auto": 2000,
    "target_rows_content_items": 20000,
    "target_rows_content_items_auto": 100000,
}
SMALL_FLAT = {"images_dir": "img/", "target_rows_users": 9, "batch_size_users": 4,
              "target_rows_content_items": 60, "target_rows_content_items_auto": 70,
              "batch_size_content_items": 25}  # fmt: skip
# The flat layout beside the application's own settings, and with further seeder keys.
FLAT = [
    SPEC_001_CONFIG,
    {**SPEC_001_CONFIG, "api": {"port": 8001}, "seed": "app's", "timezone": "UTC"},
    {"batch_size_users": 7, "admin_items_per_table": 3, "prompt_types": ["animals"]},
    {"images_dir": "x", "target_rows_users": 0, "batch_size_generation_jobs": 11},
]

# Spec 001's "virtual prompt type" values, as it spells them.
SPEC_001_PROMPT_TYPES = (
    "fashion, portraits, landscapes, fantasy art, sci-fi art, animals, food photography, "
    "architecture, interior design, concept art, anime characters, cartoons, product mockups, "
    "posters, logos, book covers, album covers, video game art, abstract art, surreal art, "
    "film stills, comic panels, 3D renders, medical illustration, educational diagrams, "
    "historical scenes, celebrity lookalikes, memes, children’s illustrations, gothic/horror art"
)


@pytest.mark.parametrize("data", FLAT)
def test_spec_001s_flat_config_is_read(tmp_path: Path, data: dict[str, Any]) -> None:
    values = file_values(write_config(tmp_path, data))
    cfg = layer(GenonautConfig, ("file", values))
    for key, value in data.items():
        if key in GenonautConfig.model_fields and key not in ("seed", "timezone"):
            got = getattr(cfg, key)
            want = tuple(resolve_prompt_type(p) for p in value) if key == "prompt_types" else value
            assert got == want, key
    # the application's generic keys at the top level stay the application's
    assert cfg.seed is None and cfg.timezone == "America/New_York"


@pytest.mark.parametrize("section", ["seed_data_generator", "seed_data"])
@pytest.mark.parametrize("key", ["target_rows_users", "batch_size_content_items", "prompt_types"])
def test_both_layouts_at_once_are_refused(tmp_path: Path, section: str, key: str) -> None:
    path = write_config(tmp_path, {key: 5, section: {"target_rows_users": 3}})
    with pytest.raises(ConfigError, match=f"'{key}' is at the top level") as info:
        file_values(path)
    assert f'Fix: move it into the "{section}" object' in str(info.value)


@pytest.mark.parametrize(("key", "typo"), [("target_rows_users", "target_rows_user"),
                                           ("batch_size_users", "batch_size_user")])  # fmt: skip
def test_a_typo_in_the_flat_layout_gets_a_did_you_mean(tmp_path: Path, key: str, typo: str) -> None:
    path = write_config(tmp_path, {**SPEC_001_CONFIG, typo: 5})
    with pytest.raises(ConfigError, match=f"Did you mean '{key}'"):
        file_values(path)


@pytest.mark.db
def test_a_run_with_spec_001s_flat_config(cli: Any, db_dsn: str, tmp_path: Path) -> None:
    path = write_config(tmp_path, SMALL_FLAT)
    args = ("--database-url", db_dsn, "--config", str(path), "--seed", "4")
    r = cli("genonaut", "generate", *args, "--max-workers", "1")
    assert r.exit_code == 0, r.output
    assert "[pgseed] content_items: 25/60 rows (41.7%)" in r.output  # its batch size
    assert scalar(db_dsn, "SELECT count(*) FROM users") == 9 + 1
    assert scalar(db_dsn, "SELECT count(*) FROM content_items_auto") == 70
    assert (
        scalar(db_dsn, "SELECT count(*) FROM content_items WHERE content_data LIKE 'img/%%'") == 60
    )
    r = cli("genonaut", "verify", *args)
    assert r.exit_code == 0, r.output


# -- the admin: DEMO_ADMIN_UUID in .env -----------------------------------------


A, B = uuid.uuid4(), uuid.uuid4()
# (files relative to the repo root, environment) -> the admin
SOURCES = [
    ({".env": f"DEMO_ADMIN_UUID={A}\n"}, {}, A),
    ({".env": f"DB_USER_ADMIN_UUID={A}\n"}, {}, A),
    ({".env": f"OTHER=1\nDEMO_ADMIN_UUID = {A}\n"}, {}, A),
    ({"env/.env": f"DEMO_ADMIN_UUID={A}\n"}, {}, A),
    ({"env/.env": f"DB_USER_ADMIN_UUID={A}\n", ".env": f"DEMO_ADMIN_UUID={B}\n"}, {}, A),
    ({"env/.env": "# none here\n", ".env": f"DEMO_ADMIN_UUID={B}\n"}, {}, B),
    ({".env": f"DEMO_ADMIN_UUID={A}\n"}, {"DEMO_ADMIN_UUID": str(B)}, B),
]


def _files(root: Path, files: dict[str, str]) -> list[Path]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return [root / p for p in ENV_FILES]


@pytest.mark.parametrize(("files", "environ", "want"), SOURCES)
def test_the_admin_is_read_from_dot_env_too(
    tmp_path: Path, files: dict[str, str], environ: dict[str, str], want: uuid.UUID
) -> None:
    assert admin_uuid(_files(tmp_path, files), environ) == want


@pytest.mark.parametrize(
    ("files", "says", "paste_into"),
    [
        ({}, "must be present", "env/.env"),
        ({".env": "OTHER=1\n"}, "must be present", ".env"),
        ({".env": "DEMO_ADMIN_UUID=not-a-uuid\n"}, "DEMO_ADMIN_UUID in", ".env"),
        ({"env/.env": "DEMO_ADMIN_UUID=12345\n"}, "DEMO_ADMIN_UUID in", "env/.env"),
    ],
)
def test_a_missing_or_bad_admin_names_both_names_and_prints_a_fresh_uuid(
    tmp_path: Path, files: dict[str, str], says: str, paste_into: str
) -> None:
    with pytest.raises(RuntimeError) as info:
        admin_uuid(_files(tmp_path, files), {})
    assert isinstance(info.value, AdminUUIDError)
    msg = str(info.value)
    assert says in msg and "DEMO_ADMIN_UUID" in msg and "DB_USER_ADMIN_UUID" in msg
    assert f"into {tmp_path / paste_into}:" in msg
    fresh = msg.split("_ADMIN_UUID=")[1].split()[0]
    assert uuid.UUID(fresh).version == 4


@pytest.mark.db
@pytest.mark.parametrize("name", ["DEMO_ADMIN_UUID", "DB_USER_ADMIN_UUID"])
def test_the_cli_reads_dot_env_at_the_repo_root(
    cli: Any, db_dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    admin = uuid.uuid4()
    (tmp_path / ".env").write_text(f"{name}={admin}\n")
    write_config(tmp_path, SMALL_FLAT)
    env = {"DB_USER_ADMIN_UUID": "", "DEMO_ADMIN_UUID": ""}
    r = cli("genonaut", "generate", "--database-url", db_dsn, "--seed", "2", env=env)
    assert r.exit_code == 0, r.output
    assert scalar(db_dsn, "SELECT count(*) FROM content_items WHERE creator_id = %s", [admin]) == 50


# -- prompt types, flags, the entry point ----------------------------------------


@pytest.mark.parametrize("name", [p.strip() for p in SPEC_001_PROMPT_TYPES.split(",")])
def test_every_prompt_type_of_spec_001_resolves(name: str) -> None:
    domain = resolve_prompt_type(name)
    assert domain.lower() == name.lower()


def test_spec_001s_whole_list_is_one_prompt_types_value() -> None:
    cfg = GenonautConfig(prompt_types=SPEC_001_PROMPT_TYPES)  # type: ignore[arg-type]
    assert cfg.domains == tuple(DOMAIN_PROMPTS)


def _help(*args: str) -> str:
    r = subprocess.run(
        [sys.executable, "-m", "genonaut.db.demo.seed_data_gen", *args, "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_the_module_entry_point_answers_help() -> None:
    assert "generate" in _help() and "verify" in _help()


@pytest.fixture(scope="module")
def generate_help() -> str:
    text = _help("generate")
    for flag in ("--prompt-types", "--max-workers", "--dry-run", "--database-url"):
        assert flag in text  # spec 001's and spec 000's flags
    return text


@pytest.mark.parametrize("key", list(GenonautConfig.model_fields))
def test_every_config_key_is_a_flag(generate_help: str, key: str) -> None:
    own = {"map": "--map", "seed": "--seed", "prompt_types": "--prompt-types"}
    if key in own:
        assert own[key] in generate_help
    else:  # spelled as the spec writes it, and in kebab-case
        for flag in (key, key.replace("_", "-")):
            assert re.search(rf"^  (.*, )?--{flag}[ ,\n]", generate_help, re.M), flag


@pytest.mark.db
def test_spec_002s_speed_10000_rows_per_table_well_under_2_minutes(
    cli: Any, db_dsn: str, tmp_path: Path
) -> None:
    path = write_config(tmp_path, {"images_dir": "data/images"})
    sizes = ("--target-rows-users", "10000", "--target-rows-content-items", "10000",
             "--target-rows-content-items-auto", "10000")  # fmt: skip
    start = time.monotonic()
    r = cli("genonaut", "generate", "--database-url", db_dsn, "--config", str(path), *sizes,
            "--seed", "1", "--max-workers", "2")  # fmt: skip
    elapsed = time.monotonic() - start
    assert r.exit_code == 0, r.output
    for table in ("users", "content_items", "content_items_auto", "generation_jobs"):
        assert scalar(db_dsn, f"SELECT count(*) FROM {table}") >= 10000
    assert elapsed < 120, elapsed  # spec 002's success metric; about 5 s on 2 busy cores
    assert re.search(r"wall time: \d+\.\d\d s", r.output)


def _make(target: str, env: dict[str, str], *variables: str) -> subprocess.CompletedProcess[str]:
    """``make TARGET`` at the repo root with this interpreter's environment as the venv
    (its install stamp taken as up to date: the test must not reinstall anything)."""
    venv = sys.prefix
    args = ["make", "-s", "-o", f"{venv}/.installed", f"VENV={venv}", target, *variables]
    return subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.db
@pytest.mark.parametrize("kind", ["demo", "test"])
def test_the_makefile_targets_of_spec_000_and_002(
    server_dsn: str, small_config: Path, kind: str
) -> None:
    name = f"pgseed_{uuid.uuid4().hex[:10]}_{kind}"
    var = f"DATABASE_URL_{kind.upper()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    env |= {"DB_USER_ADMIN_UUID": str(A), "APP_ENV": ""}
    try:
        missing = _make(f"seed-from-gen-{kind}", env)
        assert missing.returncode == 2 and f"set {var}" in missing.stdout + missing.stderr
        args = f"ARGS=--config {small_config} --seed 1 --max-workers 1"
        r = _make(f"seed-from-gen-{kind}", env, f"{var}={dsn_for(server_dsn, name)}", args)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "rows created" in r.stdout
        assert scalar(dsn_for(server_dsn, name), "SELECT count(*) FROM content_items") == 1200
    finally:
        drop_database(server_dsn, name)


def test_spec_002s_module_files_expose_the_seeders_parts() -> None:
    """Spec 002, Task 1: generator.py, config.py, prompt_engine.py and bulk_inserter.py
    under genonaut/db/demo/seed_data_gen/, each the pgseed part it names."""
    import importlib

    import numpy as np

    from pgseed.load import CopyLoader
    from pgseed.packs.genonaut.config import GenonautConfig

    base = "genonaut.db.demo.seed_data_gen."
    config = importlib.import_module(base + "config")
    generator = importlib.import_module(base + "generator")
    engine = importlib.import_module(base + "prompt_engine")
    inserter = importlib.import_module(base + "bulk_inserter")
    assert config.GenonautConfig is GenonautConfig
    assert inserter.CopyLoader is CopyLoader
    assert len(engine.DOMAIN_PROMPTS) == 30
    made = engine.prompts(np.random.default_rng(1), 5, tuple(engine.DOMAIN_PROMPTS))
    assert len(made) == 5 and all(4 <= len(p.split(", ")) <= 40 for p in made)
    assert callable(generator.users_block) and callable(generator.item_draws)
