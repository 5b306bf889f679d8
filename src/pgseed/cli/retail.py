"""``pgseed retail ...``: spec 003's seeder ("The Forge"), its verify and its pictures.

``pgseed retail generate`` takes spec 003's flags exactly as its CLI section
lists them (``--full-new``, ``--delete``, ``--append``, ``--scenario``, ...);
``scripts/seed_random.py`` is the same command under the spec's name.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import click

from .. import engine
from ..dsn import redact_urls
from ..errors import ConfigError
from ..progress import Reporter
from . import retail_ops
from .options import (
    Decorator,
    allow_option,
    history_option,
    map_option,
    output_flags,
    report_out_option,
)
from .shell import PgseedCommand, PgseedGroup, report_checks, resolve_dsn

MAP_EXAMPLE = "sales_daily.quantity=units"


@click.group(cls=PgseedGroup)
def retail() -> None:
    """The retail pack (spec 003, "The Forge"): stores, products, calendar, sales,
    prices, promotions and inventory that hang together."""


def _config(
    config_path: Path | None,
    scenario: str | None,
    sets: tuple[str, ...],
    *,
    verbose: bool = False,
    **flags: Any,
) -> Any:
    from ..packs.retail.config import build

    named = {
        "seed": flags.get("seed"),
        "dimensions.stores.count": flags.get("stores"),
        "dimensions.products.count": flags.get("products"),
        "sparsity.missing_combinations_pct": flags.get("sparsity"),
        "batch_size": flags.get("batch_size"),
        "map": list(flags.get("maps") or ()) or None,
    }
    if flags.get("start_date") is not None:
        named["date_range.start"] = flags["start_date"]
    if flags.get("end_date") is not None:
        named["date_range.end"] = flags["end_date"]
    cfg = build(
        scenario=scenario, file=config_path, environ=os.environ, flags=named, sets=tuple(sets)
    )
    if verbose:
        import yaml

        click.echo("resolved config:")
        click.echo(
            redact_urls(yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False).rstrip())
        )
    return cfg


def _is_rag(
    config_path: Path | None, scenario: str | None, sets: tuple[str, ...], **flags: Any
) -> bool:
    """Whether the scenario (from --scenario, the file or --set) is rag-agent."""
    from ..packs.retail.config import RAG_SCENARIO

    if scenario is not None:
        return scenario == RAG_SCENARIO
    if config_path is None and not any(s.startswith("scenario=") for s in sets):
        return os.environ.get("PGSEED_SCENARIO") == RAG_SCENARIO
    flags = {k: _date(v) if k.endswith("_date") else v for k, v in flags.items()}
    return bool(_config(config_path, scenario, sets, **flags).scenario == RAG_SCENARIO)


def _pack() -> Any:
    from ..packs.retail.spec import PACK

    return PACK


def _target(database_url: str | None, use_embedded: bool) -> str:
    return resolve_dsn(database_url, use_embedded, _pack().default_database)


def common(f: Any) -> Any:
    opts: list[Decorator] = [
        click.option(
            "--database-url",
            "--database_url",
            "database_url",
            help="target database (else $DATABASE_URL; name must end in _demo or _test)",
        ),
        click.option("--embedded", is_flag=True, help="target the embedded server (retail_demo)"),
        allow_option(),
        map_option(MAP_EXAMPLE),
        click.option(
            "--config",
            "config_path",
            type=click.Path(path_type=Path),
            help="seed_config.yaml (spec 003's shape)",
        ),
        click.option(
            "--scenario",
            help="retail_standard, holiday_rush, high_variance, "
            "stockout_heavy, new_launches, sparse or rag-agent",
        ),
        click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="random seed [default: 42]"),
        click.option(
            "--stores", type=click.IntRange(0, 100_000), help="number of stores [default: 10]"
        ),
        click.option(
            "--products", type=click.IntRange(0, 1_000_000), help="number of products [default: 50]"
        ),
        click.option(
            "--start-date",
            "--start_date",
            "start_date",
            type=click.DateTime(["%Y-%m-%d"]),
            help="start of date range [default: 2024-01-01]",
        ),
        click.option(
            "--end-date",
            "--end_date",
            "end_date",
            type=click.DateTime(["%Y-%m-%d"]),
            help="end of date range [default: 2024-12-31]",
        ),
        click.option(
            "--sparsity",
            type=click.FloatRange(0.0, 1.0),
            help="fraction of store x product pairs that never sell [default: 0.0]",
        ),
        click.option(
            "--set",
            "sets",
            multiple=True,
            metavar="KEY=VALUE",
            help="override any config key, e.g. --set time_series.noise_sigma=0.2",
        ),
        click.option(
            "--batch-size",
            "--batch_size",
            "batch_size",
            type=click.IntRange(1, 10_000_000),
            help="rows per COPY statement [default: 20000]",
        ),
        click.option("--verbose", is_flag=True, help="print the resolved config and plan details"),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def _date(v: dt.datetime | None) -> dt.date | None:
    return v.date() if v is not None else None


@retail.command("generate", cls=PgseedCommand)
@click.option(
    "--full-new",
    "--full_new",
    "full_new",
    is_flag=True,
    help="generate the complete dataset from scratch (all 7 tables)",
)
@click.option("--delete", "delete_", is_flag=True, help="delete generated data (see --scope)")
@click.option(
    "--append",
    "append_",
    is_flag=True,
    help="append sales and inventory for --start-date..--end-date to existing series",
)
@common
@history_option()
@click.option(
    "--scope",
    type=click.Choice(["all", "facts", "dimensions", "rag"]),
    default="all",
    show_default=True,
    help="deletion scope (rag: what --scenario rag-agent indexed; all keeps it)",
)
@click.option("--confirm", is_flag=True, help="confirm destructive operations")
@click.option("--dry-run", "--dry_run", "dry_run", is_flag=True, help="preview without executing")
@click.option(
    "--max-workers",
    "--max_workers",
    "max_workers",
    type=click.IntRange(1, 256),
    help="generator processes (default: CPU cores)",
)
@output_flags
@click.option(
    "--no-bulk",
    "--no_bulk",
    "no_bulk",
    is_flag=True,
    help="keep indexes and FKs in place during a full-new load",
)
@click.option(
    "--api-url",
    "--api_url",
    "api_url",
    metavar="URL",
    help="rag-agent: index through this application's /rag/index and check its agent "
    "(with --delete --scope rag: its credentials, for the calls that remove it)",
)
@click.option(
    "--allow-skip",
    "--allow_skip",
    "allow_skip",
    is_flag=True,
    help="rag-agent: a step that could not run (application unreachable) is not exit 6",
)
def generate(
    full_new: bool,
    delete_: bool,
    append_: bool,
    database_url: str | None,
    embedded: bool,
    config_path: Path | None,
    scenario: str | None,
    sets: tuple[str, ...],
    verbose: bool,
    scope: str,
    confirm: bool,
    dry_run: bool,
    max_workers: int | None,
    output: Path | None,
    fmt: str,
    no_bulk: bool,
    api_url: str | None,
    allow_skip: bool,
    **flags: Any,
) -> None:
    """Full-new, append or delete retail data (spec 003's seed_random.py); --scenario
    rag-agent is a full-new followed by the RAG + agent checks (docs/retail.md)."""
    from . import retail_rag

    rag = _is_rag(config_path, scenario, sets, verbose=False, **flags)
    retail_rag.check_flags(
        rag=rag and not delete_,
        append_=append_,
        output=output,
        api_url=api_url,
        allow_skip=allow_skip,
        rag_delete=delete_ and scope == "rag",
    )
    if rag and not (delete_ or append_):
        full_new = True
    ops = [
        name
        for name, on in (("--full-new", full_new), ("--delete", delete_), ("--append", append_))
        if on
    ]
    if output is not None and not ops:
        ops = ["--full-new"]
        full_new = True
    if len(ops) != 1:
        raise ConfigError(
            (
                "pick one operation: "
                if not ops
                else f"{' and '.join(ops)} cannot be combined: pick one of "
            )
            + "--full-new, --append or --delete.\n"
            "Example: pgseed retail generate --full-new --seed 42 --embedded --confirm"
        )
    if output is not None and not full_new:
        raise ConfigError("--output writes a full-new dataset to files; use it with --full-new.")
    flags = {k: _date(v) if k.endswith("_date") else v for k, v in flags.items()}
    # An append's dates are the operation's range, not the data set's date_range: they
    # must not meet the config's (default) start, e.g. an append to data from 2023.
    config_flags = {k: v for k, v in flags.items() if not k.endswith("_date")} if append_ else flags
    cfg = _config(config_path, scenario, sets, verbose=verbose, **config_flags)
    if delete_ and scope == "rag":
        retail_rag.delete(_target(database_url, embedded), cfg, confirm, dry_run, api_url)
        return
    if full_new and rag:
        how: dict[str, Any] = {"max_workers": max_workers, "dry_run": dry_run}
        how |= {"no_bulk": no_bulk, "confirm": confirm, "output": None, "fmt": fmt}
        dsn = _target(database_url, embedded)
        retail_rag.run(_pack(), cfg, dsn, how, verbose, api_url, allow_skip)
        return
    if full_new:
        target = {"database_url": database_url, "embedded": embedded, "max_workers": max_workers}
        run = {"dry_run": dry_run, "no_bulk": no_bulk, "confirm": confirm}
        retail_ops.full_new(_pack(), cfg, {**target, **run, "output": output, "fmt": fmt}, verbose)
        return
    reporter = Reporter(progress=cfg.enable_progress)
    dsn = _target(database_url, embedded)
    workers = max_workers or os.cpu_count() or 1
    if delete_:
        retail_ops.delete(dsn, scope, confirm, dry_run, reporter)
    else:
        retail_ops.append(dsn, cfg, flags, dry_run, workers, reporter, verbose)


@retail.command()
@common
def verify(
    database_url: str | None,
    embedded: bool,
    config_path: Path | None,
    scenario: str | None,
    sets: tuple[str, ...],
    verbose: bool,
    **flags: Any,
) -> None:
    """Check the data against the config and every constraint; exit 6 on a failure."""
    flags = {k: _date(v) if k.endswith("_date") else v for k, v in flags.items()}
    cfg = _config(config_path, scenario, sets, verbose=verbose, **flags)
    result = engine.verify(_pack(), cfg, _target(database_url, embedded))
    report_checks(result.dbname, result.checks, "check")


@retail.command()
@click.option("--database-url", "--database_url", "database_url", help="source database")
@click.option("--embedded", is_flag=True, help="read the embedded server's retail_demo")
@allow_option()
@map_option(MAP_EXAMPLE)
@report_out_option()
@click.option(
    "--series",
    "n_series",
    type=click.IntRange(1, 24),
    default=4,
    show_default=True,
    help="sample series to draw inventory for",
)
def report(
    database_url: str | None, embedded: bool, maps: tuple[str, ...], out: Path, n_series: int
) -> None:
    """Pictures of the data: daily sales, weekly rhythm, promotions, inventory and stockouts."""
    from ..binding import parse_maps
    from ..packs.retail.report import report as run_report

    renames = parse_maps(maps)  # a malformed one is exit 2 before anything connects
    with engine.reading(_pack(), _target(database_url, embedded), "draw") as (_, conn):
        page = run_report(conn, out, n_series, renames)
    click.echo(f"wrote {page} (open it in a browser)")
