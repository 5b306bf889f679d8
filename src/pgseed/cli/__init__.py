"""The ``pgseed`` command, a thin shell over the library.

Each command parses its options, calls the library (``engine``, a pack's own
operations), prints the result and maps errors to exit codes (``shell``). There is
no SQL here. One module per pack; a pack without its own CLI module gets the generic
group (``generic``: generate and verify, one flag per config key). Packs come from
the registry (``pgseed.packs``), so an installed third-party pack appears here too.
"""

from __future__ import annotations

import click

from .db import db
from .fill import fill
from .genonaut import genonaut
from .retail import retail
from .runs import runs
from .shell import PgseedCommand, PgseedGroup
from .ui import ui

__all__ = ["PgseedCommand", "PgseedGroup", "genonaut", "main"]


class _Main(PgseedGroup):
    """The top-level group: ``db`` plus one group per registered pack, loaded on use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from ..packs import names

        return sorted({*super().list_commands(ctx), *names()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            return found
        from ..packs import registry

        if cmd_name not in registry():
            return None
        from ..errors import PgseedError
        from .generic import broken, pack_group

        try:
            return pack_group(cmd_name)
        except PgseedError as exc:
            return broken(cmd_name, exc)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pgseed")
def main() -> None:
    """Fast, deterministic, FK-correct synthetic seed data for PostgreSQL."""
    from ..signals import stop_with_parent

    stop_with_parent()  # a run `pgseed ui` started ends should the dashboard die


main.add_command(db)
main.add_command(fill)
main.add_command(genonaut)
main.add_command(retail)
main.add_command(runs)
main.add_command(ui)

if __name__ == "__main__":  # pragma: no cover
    main()
