"""``pgseed genonaut ...``: spec 000's flags (every config key, in snake_case and
kebab-case) over the engine's generate, dry-run and verify."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .. import engine, layers
from .options import (
    apply,
    config_options,
    history_option,
    map_option,
    output_flags,
    run_flags,
    set_option,
    target_options,
)
from .shell import PgseedGroup, generate_command, report_checks, resolve_dsn

NOT_FLAGS = ("prompt_types", "seed", "map")  # their own flags
GENERATE_SEED = "run seed (drawn and printed when omitted)"
# verify takes --seed so a generate's flags can be passed as they are; it draws none.
VERIFY_SEED = "the seed the data was generated with (accepted; the rules do not depend on it)"


@click.group(cls=PgseedGroup)
def genonaut() -> None:
    """The Genonaut pack (specs 000-002)."""


def _pack() -> Any:
    from ..packs.genonaut.spec import PACK

    return PACK


def _config(
    config_path: Path | None,
    env_file: Path | None,
    prompt_types: str | None,
    seed: int | None,
    sets: tuple[str, ...],
    keys: dict[str, Any],
) -> Any:
    """defaults < config.json < PGSEED_* environment < flags < --set (``pgseed.layers``);
    the admin from those, else DB_USER_ADMIN_UUID (or DEMO_ADMIN_UUID) in the environment
    or the env file (``--env-file``; without it env/.env, then .env)."""
    from ..packs.genonaut.config import (
        DEFAULT_ENV_FILES,
        GenonautConfig,
        admin_uuid,
        file_values,
    )

    maps = keys.pop("maps", ())

    path = config_path or Path("config.json")
    file = (str(path), file_values(path)) if config_path is not None or path.exists() else None
    cfg = layers.build(
        GenonautConfig,
        file=file,
        environ=os.environ,
        flags={
            **keys,
            "prompt_types": prompt_types,
            "seed": seed,
            "map": list(maps) or None,
        },
        sets=sets,
    )
    if cfg.admin_uuid is None:
        files = DEFAULT_ENV_FILES if env_file is None else (env_file,)
        cfg = cfg.model_copy(update={"admin_uuid": admin_uuid(files, os.environ)})
    return cfg


def _options(seed_help: str) -> Callable[[Any], Any]:
    """The options generate and verify share; ``seed_help`` is each one's --seed."""

    def decorate(f: Any) -> Any:
        return _shared(f, seed_help)

    return decorate


def _shared(f: Any, seed_help: str) -> Any:
    from ..packs.genonaut.config import GenonautConfig

    f = config_options(GenonautConfig, skip=NOT_FLAGS)(f)
    return apply(
        f,
        [
            *target_options("genonaut_demo"),
            click.option(
                "--config",
                "config_path",
                type=click.Path(path_type=Path),
                help="config file (default ./config.json)",
            ),
            click.option(
                "--env-file",
                "--env_file",
                "env_file",
                type=click.Path(path_type=Path),
                help="file holding DB_USER_ADMIN_UUID or DEMO_ADMIN_UUID (default: env/.env, "
                "then .env)",
            ),
            click.option(
                "--prompt-types",
                "--prompt_types",
                "prompt_types",
                help="comma-separated domains, e.g. 'Animals,Sci-Fi Art'",
            ),
            click.option(
                "--seed",
                type=click.IntRange(0, 2**63 - 1),
                help=seed_help,
            ),
            set_option(),
            map_option("generation_jobs.parameters=params"),
        ],
    )


@genonaut.command()
@_options(GENERATE_SEED)
@history_option()
@run_flags
@output_flags
def generate(
    database_url: str | None,
    embedded: bool,
    config_path: Path | None,
    env_file: Path | None,
    prompt_types: str | None,
    seed: int | None,
    sets: tuple[str, ...],
    max_workers: int | None,
    dry_run: bool,
    no_bulk: bool,
    output: Path | None,
    fmt: str,
    **keys: Any,
) -> None:
    """Fill a Genonaut database to spec 000 (or write its tables to files: --output)."""
    cfg = _config(config_path, env_file, prompt_types, seed, sets, keys)
    generate_command(
        _pack(),
        cfg,
        database_url=database_url,
        embedded=embedded,
        max_workers=max_workers,
        dry_run=dry_run,
        no_bulk=no_bulk,
        output=output,
        fmt=fmt,
    )


@genonaut.command()
@_options(VERIFY_SEED)
def verify(
    database_url: str | None,
    embedded: bool,
    config_path: Path | None,
    env_file: Path | None,
    prompt_types: str | None,
    seed: int | None,
    sets: tuple[str, ...],
    **keys: Any,
) -> None:
    """Check every Genonaut rule against a database; exit 6 when one fails."""
    pack = _pack()
    cfg = _config(config_path, env_file, prompt_types, seed, sets, keys)
    dsn = resolve_dsn(database_url, embedded, pack.default_database)
    result = engine.verify(pack, cfg, dsn)
    report_checks(result.dbname, result.checks, "rule")
