"""What a failed run says and raises, written once for every way pgseed writes.

A run into a database (``run._seed``, ``anyschema.api.fill``) and an export into files
(``engine.export_files``, ``anyschema.api.export``) end a failure the same way once they
have undone their work (rolled back, or removed the partial files): one report of what
had been written before the failure and what became of it, the command that reproduces
the run (``Reporter.fail`` prints it, once, last), then the exception raised.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NoReturn, Protocol

import psycopg

from .errors import GenerationError
from .progress import Reporter

ROLLED_BACK = "All of it was rolled back: the database is as it was."


def rolled_back(created: str | None = None, *, recorded: bool = False) -> str:
    """``ROLLED_BACK``, or for a run that created the database ``created`` itself: what
    stays of it, an empty database (with the history's line of the failed run when
    ``recorded``)."""
    if created is None:
        return ROLLED_BACK
    kept = " (pgseed.runs keeps the run's line)" if recorded else ""
    return (
        f'All of it was rolled back. The database "{created}" was created by this run and '
        f"holds none of its rows{kept}; a new run uses it as it is."
    )


class Exported(Protocol):
    """What an export's failure report reads of its sink (``sinks.FileSink``)."""

    directory: Path
    written: dict[str, int]


def report(
    reporter: Reporter,
    exc: BaseException,
    *,
    run: str,
    written: Mapping[str, int],
    outcome: str,
    reproduce: str,
    explain: Callable[[psycopg.Error], str] | None = None,
) -> NoReturn:
    """Report the failed ``run`` ("run", "fill", "export"): its rows per table written
    before the failure, ``outcome`` (what was undone), the reproduce line; then raise.
    Called in the ``except`` block: ``exc`` itself goes on for pgseed's errors, Ctrl-C,
    a signal and bugs; data the database refused becomes a GenerationError (exit 1)
    naming its reason, followed by ``explain(exc)`` (what the caller knows of it)."""
    done = ", ".join(f"{t} {n:,}" for t, n in written.items() if n) or "nothing"
    reporter.fail(
        f"{run} failed after {reporter.elapsed():.2f} s; written before the failure: {done}. "
        f"{outcome}",
        reproduce,
    )
    if isinstance(exc, psycopg.Error):
        more = explain(exc) if explain is not None else ""
        raise GenerationError(f"the database refused the data: {str(exc).strip()}{more}") from exc
    raise exc


def export_failed(
    reporter: Reporter, exc: BaseException, sink: Exported, reproduce: str
) -> NoReturn:
    """``report`` for an export into files whose sink has removed its partial files."""
    report(
        reporter,
        exc,
        run="export",
        written=sink.written,
        outcome=f"Its partial files were removed: {sink.directory} is as it was.",
        reproduce=reproduce,
    )
