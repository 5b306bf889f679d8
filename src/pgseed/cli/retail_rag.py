"""``pgseed retail generate --scenario rag-agent`` and ``--delete --scope rag``: call
``packs.retail.rag`` and print its steps. The verdict is the steps': a failed step is
exit 6 with its numbers; a skipped one is exit 6 too unless ``--allow-skip``, and is
printed as skipped, never as passed."""

from __future__ import annotations

from typing import Any

import click

from ..dsn import redact, redact_urls
from ..errors import ConfigError, VerificationFailed
from . import retail_ops
from .shell import print_rows


def check_flags(
    *,
    rag: bool,
    append_: bool,
    output: object,
    api_url: str | None,
    allow_skip: bool,
    rag_delete: bool = False,
) -> None:
    """Exit 2 for flags the rag-agent scenario cannot honour, before anything runs."""
    if rag and append_:
        raise ConfigError(
            "--scenario rag-agent is a full-new generate followed by the RAG steps; it "
            "cannot --append.\nFix: drop --append (the scenario replaces the data, with "
            "--confirm), or drop --scenario rag-agent to append."
        )
    if rag and output is not None:
        raise ConfigError(
            "--scenario rag-agent indexes documents written from a database; it cannot "
            "write --output files.\nFix: drop --output and give a database."
        )
    # --delete --scope rag takes --api-url for the credentials of the application it
    # calls back (pgseed recorded where it indexed without them).
    if not rag and ((api_url is not None and not rag_delete) or allow_skip):
        flag = "--api-url" if api_url is not None and not rag_delete else "--allow-skip"
        raise ConfigError(
            f"{flag} belongs to --scenario rag-agent"
            + (" (and --api-url to --delete --scope rag)" if flag == "--api-url" else "")
            + ".\nFix: add --scenario rag-agent, or drop it."
        )
    if api_url is not None and not api_url.startswith(("http://", "https://")):
        raise ConfigError(
            f"--api-url {api_url!r} is not an http(s) URL.\nFix: --api-url http://localhost:8123"
        )


def _months(cfg: Any) -> int:
    s, e = cfg.date_range.start, cfg.date_range.end
    return int((e.year - s.year) * 12 + e.month - s.month + 1)


def run(
    pack: Any,
    cfg: Any,
    dsn: str,
    flags: dict[str, Any],
    verbose: bool,
    api_url: str | None,
    allow_skip: bool,
) -> None:
    from ..packs.retail.rag import scenario
    from ..progress import Reporter

    stores, products = cfg.dimensions.stores.count, cfg.dimensions.products.count
    months = _months(cfg)
    if flags["dry_run"]:
        retail_ops.full_new(pack, cfg, {**flags, "database_url": dsn, "embedded": False}, verbose)
        where = f"through {api_url}/rag/index" if api_url else "into pgseed's own index"
        click.echo(
            f"\nrag-agent (dry run): would then write {stores + products + 2 * months:,} "
            f"documents ({stores:,} store profiles, {products:,} product sheets, {months} "
            f"promotion calendars, {months} sales summaries) and up to "
            f"{stores + products + 2 * months:,} questions, {where}; nothing is written."
        )
        return
    scenario.preflight(dsn, flags["confirm"])  # the rag rows need --confirm too
    retail_ops.full_new(pack, cfg, {**flags, "database_url": dsn, "embedded": False}, verbose)
    target = (
        f"the application at {redact_urls(api_url)}" if api_url else "pgseed's own pgvector index"
    )
    click.echo(f"\nrag-agent: documents from {redact(dsn)}, indexed by {target}")
    line = retail_ops.reproduce_line(cfg.seed)
    result = scenario.run(
        dsn,
        cfg,
        api_url=api_url,
        reproduce=line,
        allow_skip=allow_skip,
        reporter=Reporter(progress=False),
    )
    click.echo(
        f"documents: {result.documents:,}, questions: {result.questions:,}, "
        f"sha256 {result.digest[:16]}"
        + (f", embedder: {result.embedder}" if result.embedder else "")
    )
    _verdict(result, api_url, allow_skip)


def _verdict(result: Any, api_url: str | None, allow_skip: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="rag-agent", title_justify="left")
    for col in ("step", "result", "detail"):
        table.add_column(col)
    shown = {"pass": "[green]pass[/]", "fail": "[red]FAIL[/]", "skipped": "[yellow]skipped[/]"}
    for s in result.steps:
        table.add_row(s.name, shown[s.status], s.detail)
    Console(highlight=False, width=max(160, Console().width)).print(table)
    failed, skipped = result.failed, result.skipped
    if failed:
        raise VerificationFailed(
            f"rag-agent: {len(failed)} of {len(result.steps)} steps failed: "
            + "; ".join(f"{s.name}: {s.detail}" for s in failed)
        )
    if skipped and not allow_skip:
        raise VerificationFailed(
            f"rag-agent: {len(skipped)} of {len(result.steps)} steps were skipped, so "
            f"they were not checked: {skipped[0].name}: {skipped[0].detail}.\nFix: start "
            f"the application at {api_url} (or correct --api-url), or pass --allow-skip "
            "to accept skipped steps."
        )
    passed = len(result.steps) - len(skipped)
    if skipped:
        click.echo(
            f"rag-agent: {passed} steps passed; {len(skipped)} skipped and not checked "
            f"(--allow-skip): {', '.join(s.name for s in skipped)}"
        )
        return
    click.echo(f"rag-agent: all {passed} steps passed")


def delete(dsn: str, cfg: Any, confirm: bool, dry_run: bool, api_url: str | None = None) -> None:
    from ..packs.retail.config import ENV_KEYS
    from ..packs.retail.rag import cleanup
    from ..progress import Reporter
    from .shell import reproduce

    r = cleanup.delete(
        dsn,
        cfg.rag.api,
        confirm=confirm,
        dry_run=dry_run,
        reproduce=reproduce(None, list(ENV_KEYS)),
        api_url=api_url,
        reporter=Reporter(progress=False),
    )
    if r.no_tables:
        click.echo("nothing to delete: the database has no rag-agent index.")
    elif r.dry_run:
        print_rows("would delete (dry run, scope rag; the retail tables are kept):", r.rows)
    else:
        print_rows("deleted (scope rag; the retail tables are kept):", r.rows)
        if any(r.api_calls.values()):
            click.echo(
                f"the application removed {r.api_calls['sources']:,} sources and closed "
                f"{r.api_calls['sessions']:,} sessions pgseed had left open"
            )
