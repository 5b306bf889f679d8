"""The config form checked as the CLI checks it: each step's command line is parsed by
the very click command it will run, and its config built by the same function that
command calls (the pack's ``config.build`` / ``layers.build`` behind it). An invalid
form gets the CLI's own message (the text of its exit-2 error); only a valid one
reaches the worker.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from typing import Any

import click

from .. import engine
from ..dsn import mask
from ..errors import ConfigError, PgseedError
from .packs import Argv

# What the commands take besides the config: the target, the run's own switches.
_NOT_CONFIG = frozenset(
    {
        "database_url",
        "embedded",
        "config_path",
        "sets",
        "dry_run",
        "output",
        "fmt",
        "max_workers",
        "no_bulk",
        "confirm",
        "verbose",
        "scope",
        "full_new",
        "delete_",
        "append_",
        "env_file",
        "prompt_types",
        "seed",
        "days",
    }
)


def _day(v: Any) -> Any:
    return v.date() if isinstance(v, dt.datetime) else v


def _retail(p: dict[str, Any]) -> Any:
    from ..cli.retail import _config, _pack

    if p.get("delete_"):
        return None
    flags = {
        k: _day(p.get(k))
        for k in (
            "seed",
            "stores",
            "products",
            "sparsity",
            "batch_size",
            "maps",
            "start_date",
            "end_date",
        )
    }
    if p.get("append_"):  # as the command: the append's dates are not the data set's range
        flags = {k: v for k, v in flags.items() if not k.endswith("_date")}
        if p.get("end_date") is None:
            from ..packs.retail.ops import APPEND_NEEDS_END

            raise ConfigError(APPEND_NEEDS_END)
    cfg = _config(p.get("config_path"), p.get("scenario"), tuple(p.get("sets") or ()), **flags)
    if p.get("full_new"):
        engine.plan(_pack(), cfg)
    return cfg


def _social(p: dict[str, Any], verb: str) -> Any:
    from ..cli.social import _config

    if verb == "reset":
        return None
    if verb == "verify":  # the run to measure: the one named, else the latest
        from ..packs.social.config import build

        named = {"run_seed": p["run_seed"]} if p.get("run_seed") else {}
        return build(file=None, environ=os.environ, flags=named, sets=())
    flags = {k: v for k, v in p.items() if k not in _NOT_CONFIG}
    if verb == "seed-activity" and p.get("days") is not None:
        flags["activity_days"] = p["days"]
    return _config(p.get("config_path"), tuple(p.get("sets") or ()), **flags)[0]


def _genonaut(p: dict[str, Any], verb: str) -> Any:
    from ..cli.genonaut import _config, _pack

    keys = {k: v for k, v in p.items() if k not in _NOT_CONFIG}
    cfg = _config(
        p.get("config_path"),
        p["env_file"],
        p.get("prompt_types"),
        p.get("seed"),
        tuple(p.get("sets") or ()),
        keys,
    )
    if verb == "generate":
        engine.plan(_pack(), cfg)
    return cfg


_BUILDERS: dict[str, Callable[[dict[str, Any], str], Any]] = {
    "retail": lambda p, verb: _retail(p),
    "social": _social,
    "genonaut": _genonaut,
}


def check_step(argv: Argv) -> Any:
    """Parse ``argv`` with its click command and build its config (returned; None for a
    command without one); ConfigError (exit 2) carrying the CLI's message when either
    refuses it."""
    from ..cli import main

    root = click.Context(main, info_name="pgseed")
    group = main.get_command(root, argv[0])
    if not isinstance(group, click.Group):
        raise ConfigError(f"Unknown pack '{argv[0]}'.")
    sub = click.Context(group, info_name=argv[0], parent=root)
    command = group.get_command(sub, argv[1])
    if command is None:
        raise ConfigError(f"pack '{argv[0]}' has no command '{argv[1]}'.")
    try:
        ctx = command.make_context(argv[1], list(argv[2:]), parent=sub)
        with ctx:
            build = _BUILDERS.get(argv[0])
            return build(dict(ctx.params), argv[1]) if build is not None else None
    except click.UsageError as exc:  # BadParameter and friends: click's own text
        raise ConfigError(mask(exc.format_message())) from None


def check(steps: Sequence[Argv]) -> str | None:
    """None when every step is valid; else the message the CLI prints (without its
    ``error:`` prefix), secrets masked."""
    try:
        for argv in steps:
            check_step(argv)
    except PgseedError as exc:  # ConfigError mostly; a pack's plan may raise another kind
        return mask(str(exc))
    return None
