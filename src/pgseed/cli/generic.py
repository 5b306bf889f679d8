"""The CLI any registered pack gets without writing one: ``pgseed <pack> generate`` and
``pgseed <pack> verify``, with one flag per top-level config key, ``--seed``, the target
options and the run options. A pack that names its own group (``Pack.cli``) gets that."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from .. import engine, layers
from ..config import read_json, read_yaml
from ..errors import ConfigError, PgseedError
from ..packs import get_pack, load_checked
from .options import (
    Decorator,
    apply,
    config_options,
    history_option,
    output_options,
    run_options,
    set_option,
    target_options,
)
from .shell import PgseedCommand, PgseedGroup, generate_command, report_checks, resolve_dsn


def pack_group(name: str) -> click.Command:
    pack = get_pack(name)
    if pack.cli:
        group = load_checked(name, pack.cli)
        if not isinstance(group, click.Command):
            raise ConfigError(
                f"pack '{name}': its cli ({pack.cli}) is not a click command.\n"
                "Fix: see docs/packs.md."
            )
        return group
    return generic_group(pack)


def broken(name: str, error: PgseedError) -> click.Command:
    """What the CLI lists for a registered pack that cannot be loaded: running it says why."""

    def fail() -> None:
        raise error

    first = str(error).splitlines()[0]
    return PgseedCommand(name, callback=fail, help=first, short_help="(cannot be loaded)")


def _config(
    pack: Any, path: Path | None, seed: int | None, sets: tuple[str, ...], keys: dict[str, Any]
) -> Any:
    """defaults < --config file (YAML or JSON) < PGSEED_* environment < flags < --set."""
    file = None
    if path is not None:
        values = read_json(path) if path.suffix.lower() == ".json" else read_yaml(path)
        file = (str(path), values)
    return layers.build(
        pack.config_model,
        file=file,
        environ=os.environ,
        env_aliases=getattr(pack, "env_aliases", {}),
        # flag text read like --set: '[a, b]' is a list, 0.5 a number (text keys as given)
        flags={
            **{
                k: layers.read_value(pack.config_model, k, v, f"--{k}")
                for k, v in keys.items()
                if v is not None
            },
            "seed": seed,
        },
        sets=sets,
    )


def generic_group(pack: Any) -> click.Group:
    """``generate`` and ``verify`` for ``pack`` (``packs.contract.Pack``)."""

    def seed(help: str) -> Decorator:
        return click.option("--seed", type=click.IntRange(0, 2**63 - 1), help=help)

    targets = target_options(pack.default_database)
    common: list[Decorator] = [
        click.option(
            "--config",
            "config_path",
            type=click.Path(path_type=Path),
            help="config file (YAML, or JSON by its .json suffix)",
        ),
        set_option(),
    ]
    flags = config_options(pack.config_model, skip=("seed",))

    @click.group(name=pack.name, cls=PgseedGroup, help=pack.help)
    def group() -> None:
        pass

    def generate(
        database_url: str | None,
        embedded: bool,
        seed: int | None,
        config_path: Path | None,
        sets: tuple[str, ...],
        max_workers: int | None,
        dry_run: bool,
        no_bulk: bool,
        output: Path | None,
        fmt: str,
        confirm: bool = False,
        **keys: Any,
    ) -> None:
        generate_command(
            pack,
            _config(pack, config_path, seed, sets, keys),
            database_url=database_url,
            embedded=embedded,
            max_workers=max_workers,
            dry_run=dry_run,
            no_bulk=no_bulk,
            output=output,
            fmt=fmt,
            confirm=confirm,
            env_keys=list(getattr(pack, "env_aliases", {})),
        )

    def verify(
        database_url: str | None,
        embedded: bool,
        seed: int | None,
        config_path: Path | None,
        sets: tuple[str, ...],
        **keys: Any,
    ) -> None:
        cfg = _config(pack, config_path, seed, sets, keys)
        result = engine.verify(
            pack, cfg, resolve_dsn(database_url, embedded, pack.default_database)
        )
        report_checks(result.dbname, result.checks, "rule")

    # Options decorate the functions before they become commands, so --help lists them
    # in the order written; --confirm only for a pack whose generate replaces its data.
    confirm = (
        [click.option("--confirm", is_flag=True, help="replace tables that hold rows")]
        if pack.replaces
        else []
    )
    group.command(help=f"Fill a database with the {pack.name} pack's data.")(
        apply(
            generate,
            [
                *targets,
                seed("run seed (drawn when omitted)"),
                *common,
                history_option(),
                *run_options(),
                *output_options(),
                *confirm,
                flags,
            ],
        )
    )
    group.command(help=f"Check every {pack.name} rule against a database; exit 6 on a failure.")(
        apply(
            verify,
            [
                *targets,
                seed("the seed the data was generated with (verify draws none)"),
                *common,
                flags,
            ],
        )
    )
    return group
