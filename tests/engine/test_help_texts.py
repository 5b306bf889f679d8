"""What ``--help`` says an option does is what the verb does: a retail verb's ``--map``
once gave a genonaut table as its example, and ``verify``'s ``--seed`` said a seed is
"drawn and printed when omitted" (verify draws none). Every verb of every pack is read."""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest

from pgseed.cli import main
from pgseed.packs import get_pack, names


def _commands(group: click.Group, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*path, name))
        elif cmd is not None:
            yield (*path, name)


def _verbs(*, with_bookshop: bool) -> list[tuple[str, ...]]:
    packs = {*names(), *(["bookshop"] if with_bookshop else [])}
    return [p for p in _commands(main, ()) if p[0] in packs]


def _command(path: tuple[str, ...]) -> click.Command:
    cmd: click.Command = main
    for name in path:
        assert isinstance(cmd, click.Group)
        found = cmd.get_command(click.Context(cmd), name)
        assert found is not None, path
        cmd = found
    return cmd


def _option(cmd: click.Command, flag: str) -> click.Option | None:
    for p in cmd.params:
        if isinstance(p, click.Option) and flag in p.opts:
            return p
    return None


PACK_VERBS = [" ".join(p) for p in _verbs(with_bookshop=False)]
MAP_VERBS = [v for v in PACK_VERBS if _option(_command(tuple(v.split())), "--map") is not None]


def test_the_tree_is_read() -> None:
    """Guards the parametrisation below: every pack's verbs, and --map on several."""
    for pack in ("genonaut", "retail", "social"):
        assert any(v.startswith(f"{pack} ") for v in MAP_VERBS), MAP_VERBS
    assert {"retail generate", "retail verify", "retail report"} <= set(MAP_VERBS)


@pytest.mark.parametrize("verb", MAP_VERBS)
def test_map_example_names_a_column_of_the_verbs_own_pack(verb: str) -> None:
    path = tuple(verb.split())
    opt = _option(_command(path), "--map")
    assert opt is not None and opt.help
    m = re.search(r"e\.g\. (\w+)\.(\w+)=\w+", opt.help)
    assert m, opt.help
    table, column = m.groups()
    columns = get_pack(path[0]).schema.columns
    assert table in columns, f"{verb} --map example {table}: not a table of {path[0]}"
    assert column in columns[table], f"{verb} --map example {table}.{column}: no such column"


@pytest.mark.parametrize("pack", ["genonaut", "bookshop"])
def test_verify_does_not_promise_to_draw_a_seed(bookshop: None, pack: str) -> None:
    verify = _command((pack, "verify"))
    opt = _option(verify, "--seed")
    assert opt is not None and opt.help
    assert "drawn" not in opt.help or "draws none" in opt.help, opt.help
    generate = _option(_command((pack, "generate")), "--seed")
    assert generate is not None and generate.help and "drawn" in generate.help
