"""What the ``pgseed social`` verbs share: the group, the target options and the
two-spelling option helper (``--runSeed`` and ``--run-seed``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from .options import Decorator, allow_option
from .shell import PgseedGroup

DEFAULT_DATABASE = "social_demo"


@click.group(cls=PgseedGroup)
def social() -> None:
    """The social pack (spec 004): profiles, then day-by-day activity whose rates emerge,
    then the jobs that derive scores."""


def _opt(long: str, camel: str | None, dest: str, **kw: Any) -> Decorator:
    names = [f"--{long}"] + ([f"--{camel}"] if camel else [])
    return click.option(*names, dest, **kw)


def _keep_maps(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> None:
    # Every verb takes --map with the target; the verbs read it through maps().
    ctx.meta["pgseed.social.maps"] = tuple(value)


def maps() -> tuple[str, ...]:
    """This command's ``--map`` items (``table.old=new``), as typed."""
    return tuple(click.get_current_context().meta.get("pgseed.social.maps", ()))


def parsed_maps() -> dict[str, dict[str, str]]:
    """This command's ``--map``, parsed (ConfigError, exit 2, for a malformed item)."""
    from ..binding import parse_maps

    return parse_maps(maps())


def _target_options(f: Callable[..., Any]) -> Callable[..., Any]:
    opts: list[Decorator] = [
        allow_option(),
        _opt(
            "database-url",
            "database_url",
            "database_url",
            help="target database (else $DATABASE_URL; name must end in _demo or _test)",
        ),
        click.option(
            "--embedded", is_flag=True, help=f"target the embedded server ({DEFAULT_DATABASE})"
        ),
        click.option(
            "--map",
            "maps",
            multiple=True,
            metavar="TABLE.OLD=NEW",
            expose_value=False,
            callback=_keep_maps,
            help="a model column the application renamed, e.g. Post.text=body (repeatable; "
            "config key map)",
        ),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


_jobs_command = _opt(
    "jobs-command",
    "jobsCommand",
    "jobs_command",
    help='run each job with the application\'s runner, e.g. "npm run job -- {job}"',
)


def _pack() -> Any:
    from ..packs.social.spec import PACK

    return PACK
