"""The bodies of ``pgseed retail generate --full-new|--append|--delete``: each calls the
library (``engine.generate``, ``packs.retail.ops``) and prints its result."""

from __future__ import annotations

from typing import Any

import click

from .. import engine
from ..dsn import redact
from ..progress import Reporter
from .shell import generate_command, print_rows, print_samples, reproduce, reproduced

ESTIMATES = (
    "estimates for price_history and promotion; on --append, a series whose price does not "
    "change at the first new day extends its last window instead of adding one"
)


def reproduce_line(seed: int) -> str:
    """The reproduce line, with the SEEDER_* values (and a redacted DATABASE_URL) it used."""
    from ..packs.retail.config import ENV_KEYS

    return reproduce(seed, list(ENV_KEYS))


def full_new(
    pack: Any,
    cfg: Any,
    flags: dict[str, Any],
    verbose: bool,
) -> None:
    """spec 003's ``--full-new``: the engine's generate (the pack replaces its tables)."""
    plan: Any = engine.plan(pack, cfg)
    if verbose and not flags["dry_run"]:
        print_rows(f"planned rows ({ESTIMATES}):", plan.rows)
    notes = []
    if plan.missing_pairs:
        notes.append(
            f"sparsity: {plan.missing_pairs:,} of "
            f"{len(plan.stores.id) * len(plan.products.id):,} store x product pairs never sell"
        )

    def describe(dsn: str, workers: int) -> str:
        return (
            f"seeding {redact(dsn)}: full-new, scenario {cfg.scenario}, seed {cfg.seed}, "
            f"{workers} worker(s)"
        )

    generate_command(
        pack,
        cfg,
        **flags,
        env_keys=list(pack.env_aliases),
        describe=describe,
        notes=notes,
        dry_note=f"; {ESTIMATES}",
    )


def append(
    dsn: str,
    cfg: Any,
    flags: dict[str, Any],
    dry_run: bool,
    workers: int,
    reporter: Reporter,
    verbose: bool,
) -> None:
    from ..packs.retail import ops

    start, end = flags.get("start_date"), flags.get("end_date")
    p = ops.preview_append(dsn, cfg, start, end)
    for line in p.derived:  # an application's own schema lacks what these would read
        reporter.warn(line)
    ignored = [f"--{k}" for k in ("stores", "products") if flags.get(k) is not None]
    if ignored and p.applied_through is None:
        reporter.warn(
            f"{' and '.join(ignored)} ignored by --append: it continues the {p.pairs:,} "
            "store x product series the database holds (--full-new makes new ones)"
        )
    if p.applied_through is not None:
        click.echo(
            f"nothing to append: the data already runs to {p.applied_through} "
            f"(through --end-date {p.end}); this append was already applied."
        )
        return
    if dry_run or verbose:
        click.echo(f"append {p.start}..{p.end} to {p.pairs:,} existing store x product series")
        print_rows(
            f"planned rows ({ESTIMATES})" + (" (dry run: nothing is written):" if dry_run else ":"),
            p.rows,
        )
    if dry_run:
        print_samples(p.samples)
        return
    line = reproduce_line(cfg.seed)
    click.echo(
        f"seeding {redact(dsn)}: append {p.start}..{p.end} to {p.pairs:,} series, seed {cfg.seed}"
    )
    assert end is not None
    result = ops.append(dsn, cfg, start, end, reporter=reporter, workers=workers, reproduce=line)
    if result.applied_meanwhile is not None:
        click.echo(
            f"nothing to append: the data already runs to {result.applied_meanwhile} "
            f"(through --end-date {p.end}); this append was applied by another run meanwhile."
        )
        return
    reporter.summary(result.written, result.seconds, "rows appended")
    reproduced(line)


def delete(dsn: str, scope: str, confirm: bool, dry_run: bool, reporter: Reporter) -> None:
    from ..packs.retail import ops
    from ..packs.retail.config import ENV_KEYS

    r = ops.delete(
        dsn,
        scope,
        confirm=confirm,
        dry_run=dry_run,
        reporter=reporter,
        reproduce=reproduce(None, list(ENV_KEYS)),
    )
    if r.no_schema:
        click.echo("nothing to delete: the database has no retail schema.")
    elif r.dry_run:
        print_rows(f"would delete (dry run, scope {scope}):", r.rows)
    else:
        print_rows(f"deleted (scope {scope}), in one transaction:", r.rows)
        reporter.info(f"done in {reporter.elapsed():.2f} s")
