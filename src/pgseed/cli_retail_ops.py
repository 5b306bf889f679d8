"""The bodies of ``pgseed retail generate --full-new|--append|--delete``.

Split from ``cli_retail.py`` (option parsing) along its seam: what each operation
prints, in which order it asks the library for plans, guards and runs. Issue 9 moves
the decisions made here into the library.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import sys
from typing import Any

import click

from .cli import _reproduce
from .dsn import redact
from .errors import ConfigError, PgseedError
from .progress import Reporter
from .safety import check_app_env, env_flag, require_confirm


def open_db(dsn: str, *, dry_run: bool, write: bool = True) -> tuple[Any, str]:
    from .packs.retail import spec
    from .run import open_checked

    return open_checked(dsn, spec.SCHEMA, write=write, dry_run=dry_run)


def print_rows(title: str, rows: dict[str, int]) -> None:
    click.echo(title)
    for table, n in rows.items():
        click.echo(f"  {table:<26} {n:>12,}")


def print_samples(samples: dict[str, list[dict[str, str]]]) -> None:
    for table, rows in samples.items():
        click.echo(f"\nsample rows of {table}:")
        for row in rows:
            click.echo("  " + ", ".join(f"{k}={v}" for k, v in row.items()))


def full_new(
    dsn: str,
    cfg: Any,
    confirm: bool,
    dry_run: bool,
    workers: int,
    no_bulk: bool,
    reporter: Reporter,
    verbose: bool,
) -> None:
    from .packs.retail import spec
    from .packs.retail.pack import counts, plan_full, prepare_full, run_full, samples
    from .run import seed as seed_run

    if not dry_run:
        check_app_env()
    p = plan_full(cfg)
    target, state = open_db(dsn, dry_run=dry_run)
    held: dict[str, int] = {}
    try:
        if target is not None and state == "ok":
            held = {t: n for t, n in counts(target.conn).items() if n}
    finally:
        if target is not None:
            target.conn.close()
    note = "estimates for price_history and promotion"
    if dry_run:
        where = (
            "does not exist yet (a real run creates it)"
            if target is None
            else (
                f'"{target.dbname}": '
                + ("schema in place" if state == "ok" else "no schema yet (a real run creates it)")
            )
        )
        click.echo(f"database {where}")
        if held:
            click.echo(
                "would replace: "
                + ", ".join(f"{t} {n:,}" for t, n in held.items())
                + " (needs --confirm)"
            )
        print_rows(f"planned rows (dry run: nothing is written; {note}):", p.rows)
        print_samples(samples(p))
        return
    if held:
        require_confirm(
            "--full-new into tables that hold rows ("
            + ", ".join(f"{t} {n:,}" for t, n in held.items())
            + ")",
            confirm,
        )
    if verbose:
        print_rows(f"planned rows ({note}):", p.rows)
    reproduce = reproduce_line(cfg.seed)
    click.echo(
        f"seeding {redact(dsn)}: full-new, scenario {cfg.scenario}, seed {cfg.seed}, "
        f"{workers} worker(s)"
    )
    click.echo(f"reproduce with: {reproduce}")
    if p.missing_pairs:
        click.echo(
            f"sparsity: {p.missing_pairs:,} of {len(p.stores.id) * len(p.products.id):,} "
            "store x product pairs never sell"
        )
    loader = seed_run(
        dsn,
        spec.SCHEMA,
        reporter,
        lambda conn, loader, pool: run_full(conn, p, loader, reporter, pool),
        reproduce=reproduce,
        bulk_mode=not no_bulk,
        workers=workers,
        warm=("pgseed.packs.retail.pack",),
        prepare=lambda conn: prepare_full(
            conn, replace=confirm or not env_flag("SEEDER_REQUIRE_CONFIRM", True)
        ),
    )
    reporter.summary(loader.written, loader.seconds, "rows created")


def reproduce_line(seed: int) -> str:
    """The reproduce line, with the SEEDER_* values (and a redacted DATABASE_URL) it used."""
    from .packs.retail.config import ENV_KEYS

    env = [f"{k}={shlex.quote(os.environ[k])}" for k in ENV_KEYS if os.environ.get(k, "").strip()]
    given = " ".join(sys.argv)
    if "--database" not in given and "--embedded" not in given and os.environ.get("DATABASE_URL"):
        env.append(f"DATABASE_URL={shlex.quote(redact(os.environ['DATABASE_URL']))}")
    return " ".join([*env, _reproduce(seed)])


def append(
    dsn: str,
    cfg: Any,
    flags: dict[str, Any],
    dry_run: bool,
    workers: int,
    reporter: Reporter,
    verbose: bool,
) -> None:
    from .packs.retail import spec
    from .packs.retail.append import append_range, plan_append, run_append
    from .packs.retail.pack import lock_all, samples
    from .run import seed as seed_run

    if flags.get("end_date") is None:
        raise ConfigError(
            "--append needs --end-date (and --start-date, else the day after the "
            "last calendar day).\nExample: --append --start-date 2025-01-01 "
            "--end-date 2025-03-31"
        )
    # dry_run=True: never create a database just to find nothing to append to.
    target, state = open_db(dsn, dry_run=True)
    if target is None or state != "ok":
        if target is not None:
            target.conn.close()
        raise PgseedError(
            "nothing to append to: the database has no retail data yet.\nFix: run --full-new first."
        )
    try:
        start, end = append_range(target.conn, flags.get("start_date"), flags["end_date"])
        if end < start:
            click.echo(
                f"nothing to append: the data already runs to {start - dt.timedelta(days=1)} "
                f"(through --end-date {end}); this append was already applied."
            )
            return
        p = plan_append(target.conn, cfg, start, end)
    finally:
        target.conn.close()
    if dry_run or verbose:
        click.echo(f"append {start}..{end} to {p.pairs:,} existing store x product series")
        print_rows(
            "planned rows (estimates for price_history and promotion)"
            + (" (dry run: nothing is written):" if dry_run else ":"),
            p.rows,
        )
    if dry_run:
        print_samples(samples(p))
        return
    reproduce = reproduce_line(cfg.seed)
    click.echo(
        f"seeding {redact(dsn)}: append {start}..{end} to {p.pairs:,} series, seed {cfg.seed}"
    )
    click.echo(f"reproduce with: {reproduce}")

    applied: list[dt.date] = []  # set when another run applied the append meanwhile

    def body(conn: Any, loader: Any, pool: Any) -> None:
        lock_all(conn)
        # Under the lock, judged again: a run that held it may have appended these days.
        now_start, now_end = append_range(conn, flags.get("start_date"), end)
        if now_end < now_start:
            applied.append(now_start)
            return
        fresh = plan_append(conn, cfg, now_start, now_end)
        run_append(conn, fresh, cfg, loader, reporter, pool)

    loader = seed_run(
        dsn,
        spec.SCHEMA,
        reporter,
        body,
        reproduce=reproduce,
        bulk_mode=False,
        workers=workers,
        warm=("pgseed.packs.retail.pack",),
    )
    if applied:
        click.echo(
            f"nothing to append: the data already runs to {applied[0] - dt.timedelta(days=1)} "
            f"(through --end-date {end}); this append was applied by another run meanwhile."
        )
        return
    reporter.summary(loader.written, loader.seconds, "rows appended")


def delete(dsn: str, scope: str, confirm: bool, dry_run: bool, reporter: Reporter) -> None:
    from .packs.retail.pack import SCOPES, check_delete, counts, delete

    if not dry_run:
        require_confirm(f"--delete --scope {scope}", confirm)
    target, state = open_db(dsn, dry_run=True, write=not dry_run)
    if target is None or state != "ok":
        if target is not None:
            target.conn.close()
        click.echo("nothing to delete: the database has no retail schema.")
        return
    conn = target.conn
    try:
        if dry_run:
            check_delete(scope, counts(conn))  # the refusal a real run would give
            n = counts(conn, SCOPES[scope])
            print_rows(f"would delete (dry run, scope {scope}):", n)
            return
        removed = delete(conn, scope)
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.close()
    print_rows(f"deleted (scope {scope}), in one transaction:", removed)
    reporter.info(f"done in {reporter.elapsed():.2f} s")
