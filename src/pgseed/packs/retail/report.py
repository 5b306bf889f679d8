"""``pgseed retail report``: five pictures of the retail data and a page that shows them.

Every aggregate is computed by PostgreSQL (GROUP BY, window functions); Python
only receives one row per day, per weekday, per series or per sample series-day.
matplotlib is imported inside :func:`report`, so importing this module is cheap.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psycopg import sql
from psycopg.pq import TransactionStatus

from ...errors import PgseedError
from ...files import FileSet
from .live import INV, Columns
from .models import TABLES

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

from ...pg import Conn

Rows = list[tuple[Any, ...]]
Draw = Callable[[Conn, "Axes", int, int], str]
DAY = dt.timedelta(days=1)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
BLUE, ORANGE, GREEN, RED, GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#7f7f7f"
RECEIVED: dict[str, Any] = {"marker": "^", "color": GREEN, "s": 22, "zorder": 3}
STOCKOUT: dict[str, Any] = {"marker": "x", "color": RED, "s": 20, "zorder": 4, "clip_on": False}
HOLIDAY: dict[str, Any] = {"xytext": (4, 6), "textcoords": "offset points", "fontsize": 8}
INVENTORY_TITLE = "Inventory of sample series: stock, sales, deliveries and stockouts"
PRICES_TITLE = "Shelf price, paid price and promotion windows of the sample series"

CAPTIONS = {  # what to look for in each picture
    "daily_sales.png": "Total units sold per day (thin line) and its centred 7-day mean (thick line): the saw-tooth is the weekly rhythm, the thick line the trend and season. Red dashed lines mark calendar holidays, those farthest off the trend labelled: look for spikes (or closures) on them.",
    "weekly_profile.png": "Mean units per store × product day, by day of week. The weekend bars (orange) should stand apart from the working days if the weekly pattern is there.",
    "promotions.png": "Left: mean units per series-day with and without a promotion. Middle: per-series lift (mean units on promotion ÷ mean units without; 1 = no effect). Right: mean paid unit price on promotion vs normal days. Promotions should sell more at a lower price.",
    "inventory.png": "Sample series (the one with most stockout days first): stock on hand at the start of each day (line), units sold (grey bars), deliveries received at the end of the day (green triangles) and stockout days (red bands and crosses: demand exceeded stock). Stock should fall with sales and jump at deliveries; stockouts should come where it runs dry.",
    "prices.png": "The same series: shelf price from price_history (step line), the unit price actually paid each day (dots, red on promotion) and promotion windows (orange bands). Paid prices should sit on the shelf price outside the windows and below it inside them.",
}


def _tx(text: object) -> str:
    """Text from the database, made safe for matplotlib (``$`` would start mathtext)."""
    return str(text).replace("$", r"\$")


def _fetch(conn: Conn, query: str | sql.Composed, params: Sequence[object] = ()) -> Rows:
    return conn.execute(query, params).fetchall()


def _figure(height: float = 5.0) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(12.0, height), dpi=100, layout="constrained")


def _labels(ax: Axes, title: str, xlabel: str, ylabel: str) -> None:
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)


def _save(fig: Figure, out: FileSet, name: str) -> str:
    fig.savefig(out.open(name, binary=True), format="png", dpi=100)
    return name


def _dates(ax: Axes) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def _summary(conn: Conn) -> tuple[dict[str, int], dict[str, str]]:
    union = sql.SQL(" UNION ALL ").join(
        sql.SQL("SELECT {}, count(*) FROM {}").format(sql.Literal(t), sql.Identifier(t))
        for t in TABLES
    )
    counts = {str(t): int(n) for t, n in _fetch(conn, union)}
    if counts["sales_daily"] == 0:
        raise PgseedError("no sales to draw: run `pgseed retail generate --full-new` first")
    first, last, series, units, promo, share = _fetch(
        conn,
        "SELECT min(date), max(date), count(DISTINCT (store_id, product_id)), sum(quantity), "
        "avg(on_promotion::int)::float8, (SELECT avg(is_stockout::int)::float8 "
        "FROM inventory_snapshot_daily) FROM sales_daily",
    )[0]
    facts = {
        "date range": f"{first} .. {last} ({(last - first).days + 1} days)",
        "series (store × product)": f"{series:,}",
        "units sold": f"{units:,}",
        "share of stockout days": "n/a" if share is None else f"{share:.1%}",
        "share of promotion days": f"{promo:.1%}",
    }
    return counts, facts


def _daily(conn: Conn, out: FileSet) -> str:
    rows = _fetch(
        conn,
        """SELECT c.date, COALESCE(sum(s.quantity), 0)::float8 AS units,
                  avg(COALESCE(sum(s.quantity), 0)) OVER (ORDER BY c.date
                      ROWS BETWEEN 3 PRECEDING AND 3 FOLLOWING)::float8,
                  c.is_holiday, c.holiday_name
           FROM calendar c LEFT JOIN sales_daily s ON s.date = c.date
           WHERE c.date BETWEEN (SELECT min(date) FROM sales_daily)
                            AND (SELECT max(date) FROM sales_daily)
           GROUP BY c.date ORDER BY c.date""",
    )
    days = [r[0] for r in rows]
    fig = _figure()
    ax = fig.add_subplot()
    ax.plot(days, [r[1] for r in rows], color=BLUE, lw=0.8, alpha=0.6, label="units per day")
    ax.plot(days, [r[2] for r in rows], color=BLUE, lw=2.2, label="7-day mean (centred)")
    holidays = [r for r in rows if r[3]]
    for i, r in enumerate(holidays):
        ax.axvline(r[0], color=RED, ls="--", lw=0.8, alpha=0.5, label="holiday" if i == 0 else None)
    ax.scatter([r[0] for r in holidays], [r[1] for r in holidays], color=RED, s=18, zorder=3)
    top = max((r[1] for r in rows), default=0.0)
    for r in sorted(holidays, key=lambda r: -abs(r[1] - r[2]))[:6]:  # farthest off the trend
        ax.annotate(_tx(r[4] or "holiday"), (r[0], r[1]), rotation=30, color=RED, **HOLIDAY)
    ax.set_ylim(0, top * 1.15 + 1)
    ax.margins(x=0.05)  # room for labels at the ends
    ax.yaxis.set_major_formatter("{x:,.0f}")
    _labels(ax, "Total units sold per day", "date", "units sold (all stores and products)")
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    _dates(ax)
    return _save(fig, out, "daily_sales.png")


def _weekly(conn: Conn, out: FileSet) -> str:
    rows = _fetch(
        conn,
        """SELECT c.day_of_week, avg(s.quantity)::float8
           FROM sales_daily s JOIN calendar c ON c.date = s.date
           GROUP BY c.day_of_week ORDER BY c.day_of_week""",
    )
    means: dict[int, float] = dict(rows)
    values = [float(means.get(d, 0.0)) for d in range(7)]
    fig = _figure()
    ax = fig.add_subplot()
    bars = ax.bar(WEEKDAYS, values, color=[BLUE] * 5 + [ORANGE] * 2)
    ax.bar_label(bars, fmt="%.1f", padding=2)
    overall = _fetch(conn, "SELECT avg(quantity)::float8 FROM sales_daily")[0][0]
    ax.axhline(overall, color=GREY, ls="--", lw=1, label=f"all days: {overall:.1f}")
    _labels(ax, "Mean units per series-day by day of week", "day of week", "mean units")
    ax.legend(loc="lower right")
    ax.grid(axis="y", alpha=0.3)
    return _save(fig, out, "weekly_profile.png")


def _promotions(conn: Conn, out: FileSet) -> str:
    means = _fetch(
        conn,
        """SELECT COALESCE(avg(quantity) FILTER (WHERE NOT on_promotion), 0)::float8,
                  COALESCE(avg(quantity) FILTER (WHERE on_promotion), 0)::float8,
                  COALESCE(avg(unit_price) FILTER (WHERE NOT on_promotion), 0)::float8,
                  COALESCE(avg(unit_price) FILTER (WHERE on_promotion), 0)::float8
           FROM sales_daily""",
    )[0]
    lifts = [
        float(r[0])
        for r in _fetch(
            conn,
            """SELECT avg(quantity) FILTER (WHERE on_promotion)::float8
                      / NULLIF(avg(quantity) FILTER (WHERE NOT on_promotion), 0)::float8
               FROM sales_daily GROUP BY store_id, product_id
               HAVING bool_or(on_promotion) AND bool_or(NOT on_promotion)""",
        )
        if r[0] is not None
    ]
    labels = ["normal", "promotion"]
    fig = _figure()
    ax1, ax2, ax3 = fig.subplots(1, 3, width_ratios=[1, 1.6, 1])
    ax1.bar_label(ax1.bar(labels, means[:2], color=[BLUE, ORANGE]), fmt="%.1f", padding=2)
    _labels(ax1, "Mean units per series-day", "", "units")
    if lifts:
        ax2.hist(lifts, bins=min(30, max(5, len(lifts) // 5)), color=ORANGE, alpha=0.8)
        median = sorted(lifts)[len(lifts) // 2]
        ax2.axvline(median, color="black", ls="--", lw=1, label=f"median {median:.2f}×")
        ax2.legend(loc="upper right")
    else:
        ax2.text(0.5, 0.5, "no series with both kinds of day", transform=ax2.transAxes)
    ax2.axvline(1.0, color=GREY, lw=1)
    _labels(ax2, "Promotion lift per series", "mean units on promotion ÷ without", "series")
    ax3.bar_label(ax3.bar(labels, means[2:], color=[BLUE, ORANGE]), fmt="%.2f", padding=2)
    _labels(ax3, "Mean paid unit price", "", "unit price")
    for ax in (ax1, ax3):
        ax.margins(y=0.15)
    for ax in (ax1, ax2, ax3):
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle("Promotion days against normal days")
    return _save(fig, out, "promotions.png")


def _sample(conn: Conn, n: int) -> list[tuple[int, int, str]]:
    """The series with most stockout days first, then the lowest (store_id, product_id) ones."""
    rows = _fetch(
        conn,
        """WITH per AS (
             SELECT s.store_id, s.product_id, count(*) FILTER (WHERE i.is_stockout) AS n
             FROM sales_daily s LEFT JOIN inventory_snapshot_daily i
               ON (i.date, i.store_id, i.product_id) = (s.date, s.store_id, s.product_id)
             GROUP BY s.store_id, s.product_id),
           top AS (SELECT store_id, product_id FROM per ORDER BY n DESC, 1, 2 LIMIT 1)
           SELECT per.store_id, per.product_id, st.code || ' × ' || pr.sku FROM per
           JOIN store st ON st.id = per.store_id JOIN product pr ON pr.id = per.product_id
           ORDER BY (per.store_id, per.product_id) IN (SELECT * FROM top) DESC, 1, 2 LIMIT %s""",
        [n],
    )
    return [(int(r[0]), int(r[1]), _tx(r[2])) for r in rows]


# The deliveries of a day, where the database does not record them (an application's
# own schema without received_qty): what the next day opens with beyond this day's
# opening stock less its sales (on_hand(t+1) = on_hand(t) - sold(t) + received(t)).
DERIVED_RECEIVED = (
    "lead(i.on_hand_qty) OVER (ORDER BY i.date) - i.on_hand_qty + COALESCE(s.quantity, 0)"
)


def _inventory_axes(
    conn: Conn, ax: Axes, store: int, product: int, *, received: str = "i.received_qty"
) -> str:
    rows = _fetch(
        conn,
        f"""SELECT i.date, i.on_hand_qty, COALESCE({received}, 0), i.is_stockout,
                  COALESCE(s.quantity, 0)
           FROM inventory_snapshot_daily i LEFT JOIN sales_daily s
             ON (s.date, s.store_id, s.product_id) = (i.date, i.store_id, i.product_id)
           WHERE i.store_id = %s AND i.product_id = %s ORDER BY i.date""",
        [store, product],
    )
    days = [r[0] for r in rows]
    ax.bar(days, [r[4] for r in rows], width=1.0, color=GREY, alpha=0.6, label="sold")
    ax.plot(days, [r[1] for r in rows], color=BLUE, lw=1.3, label="on hand (opening)")
    got = [r for r in rows if r[2] > 0]
    ax.scatter([r[0] for r in got], [r[2] for r in got], label="received", **RECEIVED)
    out_days = [r[0] for r in rows if r[3]]
    for day in out_days:
        ax.axvspan(day, day + DAY, color=RED, alpha=0.25, lw=0)
    ax.scatter(out_days, [0] * len(out_days), label="stockout day", **STOCKOUT)
    ax.set_ylabel("units")
    return f" ({len(out_days)} stockout days)"


def _prices_axes(conn: Conn, ax: Axes, store: int, product: int) -> str:
    def q(select: str) -> Rows:
        return _fetch(
            conn, f"{select} WHERE store_id = %s AND product_id = %s ORDER BY 1", [store, product]
        )

    # An open window (valid_to NULL: an application's "current" price) runs to the
    # last day drawn.
    shelf = q(
        "SELECT valid_from, COALESCE(valid_to, (SELECT max(date) FROM sales_daily)), "
        "price::float8 FROM price_history"
    )
    paid = q("SELECT date, unit_price::float8, on_promotion FROM sales_daily")
    promos = q("SELECT start_date, end_date FROM promotion")
    for a, b in promos:
        ax.axvspan(a, b + DAY, color=ORANGE, alpha=0.2, lw=0, label="promotion window")
    if shelf:
        xs = [r[0] for r in shelf] + [shelf[-1][1] + DAY]
        ys = [r[2] for r in shelf] + [shelf[-1][2]]
        ax.step(xs, ys, where="post", color=BLUE, lw=1.6, label="shelf price")
    for flag, color, label in ((False, GREY, "paid"), (True, RED, "paid on promotion")):
        pts = [r for r in paid if bool(r[2]) is flag]
        ax.scatter(
            [r[0] for r in pts], [r[1] for r in pts], s=6, color=color, label=label, zorder=3
        )
    ax.set_ylabel("price")
    return ""


def _series(
    conn: Conn, out: FileSet, sample: list[tuple[int, int, str]], draw: Draw, name: str, title: str
) -> str:
    """One subplot per sample series (two columns), one legend for all of them."""
    cols = 1 if len(sample) == 1 else 2
    rows = -(-len(sample) // cols)
    fig = _figure(max(5.0, 2.8 * rows))
    grid = fig.subplots(rows, cols, squeeze=False).ravel().tolist()
    for ax in grid[len(sample) :]:
        ax.set_visible(False)
    axes = grid[: len(sample)]
    first, last = _fetch(conn, "SELECT min(date), max(date) FROM sales_daily")[0]
    seen: dict[str, Any] = {}
    for ax, (store, product, label) in zip(axes, sample, strict=True):
        ax.set_title(label + draw(conn, ax, store, product), fontsize=10)
        ax.set_xlim(first, last + DAY)  # the same period everywhere, launches start late
        ax.grid(alpha=0.3)
        _dates(ax)
        for handle, text in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(text, handle)
    for ax in axes[-cols:]:
        ax.set_xlabel("date")
    fig.legend(list(seen.values()), list(seen), loc="outside lower center", ncols=len(seen))
    fig.suptitle(title)
    return _save(fig, out, name)


def _page(counts: dict[str, int], facts: dict[str, str], images: list[str]) -> str:
    e = html.escape
    count_rows = "".join(f"<tr><td>{e(t)}</td><td>{n:,}</td></tr>" for t, n in counts.items())
    fact_rows = "".join(f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in facts.items())
    figures = "".join(
        f'<figure><img src="{e(name)}" alt="{e(name)}"><figcaption>{e(CAPTIONS[name])}'
        "</figcaption></figure>"
        for name in images
    )
    style = (
        "body{font-family:sans-serif;max-width:1240px;margin:2em auto;color:#222}td+td{text-align:right}"
        "table{border-collapse:collapse;margin:0 2em 1em 0;display:inline-table;vertical-align:top}"
        "td,th{border:1px solid #ccc;padding:3px 10px}img{max-width:100%;border:1px solid #ddd}"
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>pgseed retail report</title><style>{style}</style></head><body>"
        "<h1>pgseed retail report</h1>"
        f"<table><tr><th>table</th><th>rows</th></tr>{count_rows}</table>"
        f"<table><tr><th>summary</th><th></th></tr>{fact_rows}</table>"
        f"{figures}</body></html>\n"
    )


def report(
    conn: Conn,
    out: Path,
    n_series: int = 4,
    maps: Mapping[str, Mapping[str, str]] | None = None,
) -> Path:
    """Write PNG files and out/index.html; return the path of index.html. On an
    application's own, evolved schema (``maps``: its renamed columns) the pictures read
    it through ``live.Columns.reading``, and deliveries it does not record are derived
    from the stock (``DERIVED_RECEIVED``)."""
    import matplotlib

    matplotlib.use("Agg")
    # One snapshot for every query, so the pictures agree with the table even while a
    # run writes; only when the transaction is ours to start (and to end). Read-only
    # once the temporary views of a bound schema are there.
    own = not conn.autocommit and conn.info.transaction_status == TransactionStatus.IDLE
    if own:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    try:
        cols = Columns.reading(conn, maps or {})
        if own:
            conn.execute("SET TRANSACTION READ ONLY")
        received = "i.received_qty" if cols.has(INV, "received_qty") else DERIVED_RECEIVED
        inventory = partial(_inventory_axes, received=received)
        counts, facts = _summary(conn)
        # All or nothing: a full disk or a signal leaves no half-drawn picture, and an
        # earlier report in the directory as it was.
        with FileSet(out, what="the report", alternative="choose another --out") as files:
            sample = _sample(conn, max(1, n_series))
            images = [
                _daily(conn, files),
                _weekly(conn, files),
                _promotions(conn, files),
                _series(conn, files, sample, inventory, "inventory.png", INVENTORY_TITLE),
                _series(conn, files, sample, _prices_axes, "prices.png", PRICES_TITLE),
            ]
            files.open("index.html").write(_page(counts, facts, images))
    finally:
        if own:
            conn.rollback()
    return out / "index.html"
