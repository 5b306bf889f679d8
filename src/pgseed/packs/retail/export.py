"""Fixture export (spec 003): a full-new dataset written to files, no database.

``--output DIR --format csv|json`` writes one file per table (``store.csv`` or
``store.json``) with the rows a ``--full-new`` run with the same seed and config
would load, fact ids included (numbered in load order, as the sequences would).
CSV has a header row; JSON is an array of objects (numbers as numbers, dates as
``YYYY-MM-DD``). The files are written as one :class:`~pgseed.files.FileSet`: under
temporary names, renamed over the old ones only once every table is complete. A
failed or interrupted export (a full disk, Ctrl-C, SIGTERM) removes its partial
files and leaves the directory as it was, an earlier complete export included.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np

from ...errors import ConfigError
from ...files import FileSet, describe
from ...progress import Reporter
from . import dims
from .config import RetailConfig
from .dimcopy import DIM_COLUMNS, calendar_columns
from .models import TABLES
from .plan import plan_full
from .simulate import FACT_TYPES, Series, simulate
from .work import FACTS_ORDER, blocks


def _dec(units: int, scale: int, fmt: str) -> Any:
    """Fixed-point ``units`` of 10^-scale: a float in JSON, exact text in CSV."""
    return f"{units / 10**scale:.{scale}f}" if fmt == "csv" else round(units / 10**scale, scale)


def _dim_rows(p: Any, fmt: str) -> dict[str, tuple[tuple[str, ...], list[list[Any]]]]:
    st, pr, cal = p.stores, p.products, p.calendar

    def date(x: Any) -> str:
        return str(dims.from_epoch_day(int(x)))

    stores = [
        [
            int(st.id[i]),
            st.code[i],
            st.name[i],
            st.region[i],
            st.store_type[i],
            st.city[i],
            int(st.size_sqm[i]),
            date(st.opened_on[i]),
        ]
        for i in range(len(st.id))
    ]
    products = [
        [
            int(pr.id[i]),
            pr.sku[i],
            pr.name[i],
            pr.category[i],
            pr.brand[i],
            _dec(int(pr.base_cents[i]), 2, fmt),
            _dec(int(pr.cost_cents[i]), 2, fmt),
            date(pr.launch[i]),
        ]
        for i in range(len(pr.id))
    ]
    c = calendar_columns(cal)
    calendar = [
        [
            date(c["date"][i]),
            *(int(c[k][i]) for k in DIM_COLUMNS["calendar"][1:8]),
            bool(c["is_weekend"][i]),
            bool(c["is_holiday"][i]),
            c["holiday_name"][i],
        ]
        for i in range(len(cal.days))
    ]
    return {
        "store": (DIM_COLUMNS["store"], stores),
        "product": (DIM_COLUMNS["product"], products),
        "calendar": (DIM_COLUMNS["calendar"], calendar),
    }


def _fact_rows(table: str, cols: dict[str, np.ndarray], first_id: int, fmt: str) -> list[list[Any]]:
    types = FACT_TYPES[table]
    n = len(cols[next(iter(types))])
    out: list[list[Any]] = [[first_id + i] for i in range(n)]
    for c, t in types.items():
        v = cols[c]
        if t == "date":
            vals: list[Any] = np.datetime_as_string(v.astype("datetime64[D]")).tolist()
        elif t.startswith("numeric:"):
            scale = int(t.split(":")[1])
            vals = [_dec(x, scale, fmt) for x in v.tolist()]
        elif t == "bool":
            vals = [bool(x) for x in v.tolist()]
        else:
            vals = [int(x) for x in v.tolist()]
        for row, x in zip(out, vals, strict=True):
            row.append(x)
    return out


def _csv(x: Any) -> Any:
    if x is None:
        return ""
    if isinstance(x, bool):
        return "true" if x else "false"
    return x


class _Sink:
    def __init__(self, f: IO[Any], fmt: str, columns: tuple[str, ...]) -> None:
        self.fmt = fmt
        self.columns = columns
        self.f = f
        self.rows = 0
        if fmt == "csv":
            self.w = csv.writer(self.f, lineterminator="\n")
            self.w.writerow(columns)
        else:
            self.f.write("[")

    def write(self, rows: list[list[Any]]) -> None:
        if self.fmt == "csv":
            self.w.writerows([_csv(x) for x in r] for r in rows)
        else:
            for r in rows:
                self.f.write(
                    ("\n  " if self.rows == 0 else ",\n  ")
                    + json.dumps(dict(zip(self.columns, r, strict=True)), ensure_ascii=False)
                )
                self.rows += 1
            return
        self.rows += len(rows)

    def finish(self) -> None:
        if self.fmt == "json":
            self.f.write("\n]\n" if self.rows else "]\n")


def _series_blocks(p: Any) -> Iterator[Series]:
    s = p.series
    for lo, hi in blocks(s, p.ctx.day1 - p.ctx.day0 + 1):
        yield s.part(lo, hi)


def export(
    cfg: RetailConfig, out: Path, fmt: str, reporter: Reporter, *, reproduce: str = ""
) -> dict[str, int]:
    """Write every table of a full-new dataset to ``out``; rows written per table."""
    if fmt not in ("csv", "json"):
        raise ConfigError(f"--format {fmt!r}: use csv or json.")
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--output {out} exists and is not a directory.")
    try:  # a directory that cannot be written at all is a bad flag: say so before any work
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):  # nameless where it can be: nothing to leave
            pass
    except OSError as exc:
        reason, fix = describe(exc, out, "choose another --output")
        raise ConfigError(f"cannot write to --output {out}: {reason}.\nFix: {fix}.") from exc
    p = plan_full(cfg)
    reporter.begin(p.rows)
    sinks: dict[str, _Sink] = {}
    try:
        with FileSet(out, what="the fixtures", alternative="choose another --output") as files:

            def sink(table: str, columns: tuple[str, ...]) -> _Sink:
                sinks[table] = _Sink(files.open(f"{table}.{fmt}"), fmt, columns)
                return sinks[table]

            for table, (columns, rows) in _dim_rows(p, fmt).items():
                sink(table, columns).write(rows)
                reporter.advance(table, len(rows))
            for table in FACTS_ORDER:
                sink(table, ("id", *FACT_TYPES[table]))
            for part in _series_blocks(p):
                result = simulate(p.ctx, part)
                for table in FACTS_ORDER:
                    rows = _fact_rows(table, result[table], sinks[table].rows + 1, fmt)
                    sinks[table].write(rows)
                    reporter.advance(table, len(rows))
            for s in sinks.values():
                s.finish()
    except BaseException:
        reporter.end()
        reporter.fail(
            f"export failed after {reporter.elapsed():.2f} s; its partial files were removed "
            f"and {out} is as it was.",
            reproduce,
        )
        raise
    reporter.end()
    return {t: sinks[t].rows for t in TABLES}
