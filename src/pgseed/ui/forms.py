"""The config form checked as the CLI checks it: each step's command line is parsed by
the very click command it will run, and its config built by the same function that
command calls (the pack's ``config.build`` / ``layers.build`` behind it). An invalid
form gets the CLI's own message (the text of its exit-2 error); only a valid one
reaches the worker.
"""

from __future__ import annotations

import datetime as dt
import inspect
import itertools
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import click

from .. import engine
from ..dsn import mask
from ..errors import ConfigError, PgseedError
from .packs import Argv


def config_flags(command: click.Command, params: Mapping[str, Any]) -> dict[str, Any]:
    """The params ``command`` hands its config function: those its callback takes as
    ``**flags`` (every pack's command passes exactly these on). Read from the callback's
    own signature, so a switch added to a command (``--replace``) can never be taken
    for a config key here while the command itself knows better."""
    assert command.callback is not None
    signature = inspect.signature(command.callback)
    named = {n for n, p in signature.parameters.items() if p.kind is not p.VAR_KEYWORD}
    return {k: v for k, v in params.items() if k not in named}


def _day(v: Any) -> Any:
    return v.date() if isinstance(v, dt.datetime) else v


def _retail(p: dict[str, Any], verb: str, flags: dict[str, Any]) -> Any:
    from ..cli.retail import _config, _pack

    if p.get("delete_"):
        return None
    flags = {k: _day(v) for k, v in flags.items()}
    if p.get("append_"):  # as the command: the append's dates are not the data set's range
        from ..packs.retail.append import check_append_dates

        check_append_dates(flags.get("start_date"), flags.get("end_date"))
        flags = {k: v for k, v in flags.items() if not k.endswith("_date")}
    cfg = _config(p.get("config_path"), p.get("scenario"), tuple(p.get("sets") or ()), **flags)
    if p.get("full_new"):
        engine.plan(_pack(), cfg)
    return cfg


def _social(p: dict[str, Any], verb: str, flags: dict[str, Any]) -> Any:
    from ..cli.social import _config

    if verb == "reset":
        return None
    if verb == "verify":  # the run to measure: the one named, else the latest
        from ..packs.social.config import build

        named = {"run_seed": p["run_seed"]} if p.get("run_seed") else {}
        return build(file=None, environ=os.environ, flags=named, sets=())
    if verb == "seed-activity" and p.get("days") is not None:
        flags["activity_days"] = p["days"]
    return _config(p.get("config_path"), tuple(p.get("sets") or ()), **flags)[0]


def _genonaut(p: dict[str, Any], verb: str, flags: dict[str, Any]) -> Any:
    from ..cli.genonaut import _config, _pack

    cfg = _config(
        p.get("config_path"),
        p["env_file"],
        p.get("prompt_types"),
        p.get("seed"),
        tuple(p.get("sets") or ()),
        flags,
    )
    if verb == "generate":
        engine.plan(_pack(), cfg)
    return cfg


_BUILDERS: dict[str, Callable[[dict[str, Any], str, dict[str, Any]], Any]] = {
    "retail": _retail,
    "social": _social,
    "genonaut": _genonaut,
}


# Config keys that make the server run a program or send data to an address: a page may
# not set them (whoever reaches the dashboard would run commands on its machine). The
# CLI, a config file or the environment of `pgseed ui` still can.
SERVER_SIDE = {
    "jobscommand": "runs a shell command on the dashboard's machine",
    "rag.embeddingurl": "sends the generated documents to an address",
}


def _refuse_server_side(argv: Argv) -> None:
    """ConfigError for a ``--set KEY=VALUE`` of the form whose key is in SERVER_SIDE."""
    for flag, value in itertools.pairwise(argv):
        if flag != "--set":
            continue
        key = value.split("=", 1)[0].strip()
        why = SERVER_SIDE.get(key.lower().replace("_", "").replace("-", ""))
        if why is not None:
            raise ConfigError(
                f"{key} {why}; the dashboard does not take it from a page.\nFix: run that "
                "command with the CLI, or put the key in the config file of pgseed ui's user."
            )


def check_step(argv: Argv) -> Any:
    """Parse ``argv`` with its click command and build its config (returned; None for a
    command without one); ConfigError (exit 2) carrying the CLI's message when either
    refuses it, or when it sets a key that acts outside the database (SERVER_SIDE)."""
    from ..cli import main

    _refuse_server_side(argv)

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
            if build is None:
                return None
            return build(dict(ctx.params), argv[1], config_flags(command, ctx.params))
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
