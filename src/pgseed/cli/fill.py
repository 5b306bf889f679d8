"""``pgseed fill``: any PostgreSQL schema, read from the live catalog (docs/any-schema.md)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ConfigError
from .options import apply, history_option, output_options, target_options, workers_option
from .shell import PgseedCommand, reproduce, reproduced, resolve_dsn


def _rows(values: tuple[str, ...]) -> tuple[int | None, dict[str, int]]:
    """``--rows 100`` (every table) and ``--rows app.users=500`` (one table)."""
    default: int | None = None
    tables: dict[str, int] = {}
    for raw in values:
        name, eq, count = raw.rpartition("=")
        text = count.strip()
        if not text.isdigit():
            raise ConfigError(
                f"--rows {raw!r}: expected a row count (--rows 100) or TABLE=N (--rows users=500)"
            )
        if eq:
            if not name.strip():
                raise ConfigError(f"--rows {raw!r}: a table name before '=' is missing")
            tables[name.strip()] = int(text)
        else:
            default = int(text)
    return default, tables


def _schemas(value: str | None, all_schemas: bool) -> list[str] | None:
    if value is not None and all_schemas:
        raise ConfigError("pass either --schema or --all-schemas, not both.")
    if value is None:
        return None
    names = [s.strip() for s in value.split(",") if s.strip()]
    if not names:
        raise ConfigError("--schema: give one or more schema names, e.g. --schema public,billing")
    return names


@click.command(cls=PgseedCommand)
@click.option(
    "--schema", "schema", metavar="A,B", help="fill only these schemas (default: every user schema)"
)
@click.option(
    "--all-schemas", is_flag=True, help="fill every user schema (the default, said explicitly)"
)
@click.option(
    "--rows",
    "rows",
    multiple=True,
    metavar="N | TABLE=N",
    help="rows per table (default 100), or for one table; repeatable",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="a fill config (YAML): see --dry-run",
)
@click.option(
    "--seed",
    type=click.IntRange(0, 2**63 - 1),
    default=None,
    help="run seed (default: drawn and printed)",
)
@click.option(
    "--no-bulk",
    "--no_bulk",
    "no_bulk",
    is_flag=True,
    help="keep indexes and FKs in place during the load even when tables start empty",
)
@click.option(
    "--dry-run",
    "--dry_run",
    "dry_run",
    is_flag=True,
    help="print the plan as an editable config, with sample rows; write nothing",
)
def fill(
    schema: str | None,
    all_schemas: bool,
    rows: tuple[str, ...],
    config_path: Path | None,
    seed: int | None,
    no_bulk: bool,
    dry_run: bool,
    max_workers: int | None,
    database_url: str | None,
    embedded: bool,
    output: Path | None,
    fmt: str,
) -> None:
    """Fill every table of any PostgreSQL schema: FK order, keys, CHECKs, one transaction.

    \b
    pgseed fill --database-url postgresql://localhost/app_test --rows 100
    pgseed fill --database-url URL --rows 1000 --rows app.users=50 --dry-run > plan.yaml
    pgseed fill --database-url URL --config plan.yaml
    pgseed fill --database-url URL --output fixtures/ --format parquet
    """
    from ..anyschema import api
    from ..anyschema.describe import plan_yaml
    from ..progress import Reporter
    from ..rng import draw_seed

    default_rows, table_rows = _rows(rows)
    cfg = api.settings(
        config_path,
        rows=default_rows,
        table_rows=table_rows,
        seed=seed,
        schemas=_schemas(schema, all_schemas),
    )
    dsn = resolve_dsn(database_url, embedded, "pgseed_fill_demo")
    if output is not None and dry_run:
        raise ConfigError(
            "--output with --dry-run: drop one (--dry-run prints the plan, --output writes files)."
        )
    if dry_run:
        p = api.preview(dsn, cfg)
        click.echo(plan_yaml(p.plan, p.dbname, p.samples), nl=False)
        return
    if cfg.seed is None:
        cfg = cfg.model_copy(update={"seed": draw_seed()})
        click.echo(f"seed: {cfg.seed} (none given; drawn for this run)")
    assert cfg.seed is not None
    line = reproduce(cfg.seed)
    reporter = Reporter()
    if output is not None:
        out = api.export(
            dsn, cfg, output, fmt, reporter=reporter, workers=max_workers, reproduce=line
        )
        reporter.summary(out.written, out.seconds, f"rows written to {output} ({fmt})")
        reproduced(line)
        return
    out = api.fill(
        dsn, cfg, reporter=reporter, reproduce=line, bulk=not no_bulk, workers=max_workers
    )
    reporter.summary(out.written, out.seconds, "rows created")
    for n in out.notes:
        click.echo(f"note: {n}")
    for seq, nxt in out.sequences.items():
        click.echo(f"sequence {seq} moved on: next value {nxt}")
    reproduced(line)


fill = apply(
    fill,
    [workers_option(), history_option(), *target_options("pgseed_fill_demo"), *output_options()],
)  # type: ignore[assignment]
