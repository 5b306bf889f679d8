"""Markdown documents written from the figures the database holds, and one question per
document whose answer is a figure of that document.

Four kinds, each a fixed template filled from SQL aggregates over the retail tables:

    store profile        one per store: address facts, units, revenue, best category
    product sheet        one per product: prices, launch, units, stockouts, promotions
    promotion calendar   one per month: every promotion that starts in it
    sales summary        one per month: units and revenue per store and category

Every query has a total ORDER BY and numbers are printed from integers and exact
``numeric`` values, so the same data gives the same documents byte for byte. The
question of a document is picked with a keyed hash of (seed, document path), never a
shared RNG.
"""

from __future__ import annotations

import calendar as cal
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import psycopg

from ....errors import SchemaMismatchError
from ....pg import Conn

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Document:
    path: str  # the source's identifier everywhere: our index, the application's
    kind: str
    title: str
    text: str


@dataclass(frozen=True)
class Question:
    text: str
    answer: str  # the figure, as the document prints it
    path: str  # the document that holds it


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Document, ...]
    questions: tuple[Question, ...]

    def digest(self) -> str:
        h = hashlib.sha256()
        for d in self.documents:
            h.update(d.path.encode() + b"\0" + d.text.encode() + b"\0")
        return h.hexdigest()


def _pick(seed: int, path: str, n: int) -> int:
    h = hashlib.blake2b(f"{seed}|{path}".encode(), digest_size=8, person=b"pgseed-rag-q")
    return int.from_bytes(h.digest(), "big") % n


def _money(v: Any) -> str:
    return f"{Decimal(v or 0).quantize(CENT, ROUND_HALF_UP)}"


def _month(y: int, m: int) -> str:
    return f"{cal.month_name[m]} {y}"


def _rows(conn: Conn, q: str) -> list[tuple[Any, ...]]:
    try:
        return conn.execute(q).fetchall()
    except (psycopg.errors.UndefinedColumn, psycopg.errors.UndefinedTable) as exc:
        conn.rollback()
        raise SchemaMismatchError(
            f"the rag-agent documents cannot be written from this database: "
            f"{str(exc).splitlines()[0]}. They read the retail pack's own column names.\n"
            "Fix: run the scenario on a database pgseed created (a *_demo or *_test "
            "name), not on an application's renamed schema."
        ) from exc


def _by_key(rows: Sequence[tuple[Any, ...]]) -> dict[Any, tuple[Any, ...]]:
    return {r[0]: r[1:] for r in rows}


def build(conn: Conn, *, seed: int, scenario: str) -> Corpus:
    """Every document and question for the data the connection sees."""
    span = _rows(conn, "SELECT min(date), max(date) FROM calendar")[0]
    if span[0] is None:
        return Corpus((), ())
    start, end = span
    head = f"Data set: seed {seed}, scenario {scenario}, days {start} to {end}."
    docs: list[Document] = []
    questions: list[Question] = []
    for make in (_stores, _products, _promotions, _summaries):
        for doc, question in make(conn, seed, head, start, end):
            docs.append(doc)
            if question is not None:
                questions.append(question)
    return Corpus(tuple(docs), tuple(questions))


Made = list[tuple[Document, Question | None]]


def _stores(conn: Conn, seed: int, head: str, start: dt.date, end: dt.date) -> Made:
    sales = _by_key(
        _rows(
            conn,
            "SELECT store_id, sum(quantity), sum(total_amount) FROM sales_daily "
            "GROUP BY store_id ORDER BY store_id",
        )
    )
    best: dict[int, tuple[str, int]] = {}
    for sid, category, units in _rows(
        conn,
        "SELECT s.store_id, p.category, sum(s.quantity) AS u FROM sales_daily s "
        "JOIN product p ON p.id = s.product_id GROUP BY 1, 2 ORDER BY 1, u DESC, 2",
    ):
        best.setdefault(sid, (category, int(units)))
    promos = _by_key(_rows(conn, "SELECT store_id, count(*) FROM promotion GROUP BY 1 ORDER BY 1"))
    stockouts = _by_key(
        _rows(
            conn,
            "SELECT store_id, count(*) FILTER (WHERE is_stockout) "
            "FROM inventory_snapshot_daily GROUP BY 1 ORDER BY 1",
        )
    )
    out: Made = []
    for sid, code, name, region, stype, city, size, opened in _rows(
        conn,
        "SELECT id, code, name, region, store_type, city, size_sqm, opened_on "
        "FROM store ORDER BY id",
    ):
        units, revenue = sales.get(sid, (0, 0))
        category, cat_units = best.get(sid, ("none", 0))
        path = f"retail/stores/{code}.md"
        title = f"Store profile: {code} {name}"
        text = "\n".join(
            [
                f"# {title}",
                "",
                head,
                "",
                f"- Store code: {code}",
                f"- Name: {name}",
                f"- Region: {region}",
                f"- Store type: {stype}",
                f"- City: {city}",
                f"- Floor area: {size} square metres",
                f"- Opened on: {opened}",
                "",
                "## Sales",
                "",
                f"- Units sold from {start} to {end}: {int(units or 0)}",
                f"- Revenue from {start} to {end}: {_money(revenue)}",
                f"- Best-selling category: {category} ({cat_units} units)",
                f"- Promotions run: {int(promos.get(sid, (0,))[0])}",
                f"- Stockout days (product-days out of stock): "
                f"{int(stockouts.get(sid, (0,))[0] or 0)}",
                "",
            ]
        )
        who = f"store {code} ({name})"
        asks = [
            (f"How many units did {who} sell in total from {start} to {end}?", str(units or 0)),
            (f"What was the total revenue of {who} from {start} to {end}?", _money(revenue)),
            (f"Which product category sold the most units at {who}?", category),
            (f"How large is the floor area of {who} in {city}?", f"{size}"),
        ]
        ask = asks[_pick(seed, path, len(asks))]
        out.append((Document(path, "store_profile", title, text), Question(*ask, path)))
    return out


def _products(conn: Conn, seed: int, head: str, start: dt.date, end: dt.date) -> Made:
    sales = _by_key(
        _rows(
            conn,
            "SELECT product_id, sum(quantity), sum(total_amount) FROM sales_daily "
            "GROUP BY 1 ORDER BY 1",
        )
    )
    promos = _by_key(
        _rows(conn, "SELECT product_id, count(*) FROM promotion GROUP BY 1 ORDER BY 1")
    )
    windows = _by_key(
        _rows(conn, "SELECT product_id, count(*) FROM price_history GROUP BY 1 ORDER BY 1")
    )
    stockouts = _by_key(
        _rows(
            conn,
            "SELECT product_id, count(*) FILTER (WHERE is_stockout) "
            "FROM inventory_snapshot_daily GROUP BY 1 ORDER BY 1",
        )
    )
    out: Made = []
    for pid, sku, name, category, brand, base, cost, launch in _rows(
        conn,
        "SELECT id, sku, name, category, brand, base_price, unit_cost, launch_date "
        "FROM product ORDER BY id",
    ):
        units, revenue = sales.get(pid, (0, 0))
        units = int(units or 0)
        out_days = int(stockouts.get(pid, (0,))[0] or 0)
        average = _money(Decimal(revenue) / units) if units else "no sales"
        path = f"retail/products/{sku}.md"
        title = f"Product sheet: {sku} {name}"
        text = "\n".join(
            [
                f"# {title}",
                "",
                head,
                "",
                f"- SKU: {sku}",
                f"- Name: {name}",
                f"- Category: {category}",
                f"- Brand: {brand}",
                f"- Base price: {_money(base)}",
                f"- Unit cost: {_money(cost)}",
                f"- Launch date: {launch}",
                "",
                "## Performance",
                "",
                f"- Units sold from {start} to {end}: {units}",
                f"- Revenue: {_money(revenue)}",
                f"- Average selling price: {average}",
                f"- Price windows (price_history rows): {int(windows.get(pid, (0,))[0])}",
                f"- Promotions: {int(promos.get(pid, (0,))[0])}",
                f"- Stockout days (store-days out of stock): {out_days}",
                "",
            ]
        )
        what = f"product {sku} ({name})"
        asks = [
            (f"What is the base price of {what}?", _money(base)),
            (f"How many units of {what} were sold from {start} to {end}?", str(units)),
            (f"When was {what} launched?", str(launch)),
            (f"On how many store-days was {what} out of stock?", str(out_days)),
        ]
        ask = asks[_pick(seed, path, len(asks))]
        out.append((Document(path, "product_sheet", title, text), Question(*ask, path)))
    return out


def _months(conn: Conn) -> list[tuple[int, int]]:
    return [
        (int(y), int(m))
        for y, m in _rows(conn, "SELECT DISTINCT year, month FROM calendar ORDER BY 1, 2")
    ]


def _monthly(
    conn: Conn,
    seed: int,
    head: str,
    kind: str,
    q: str,
    render: Callable[[tuple[Any, ...]], tuple[str, tuple[str, str] | None]],
    empty: str,
) -> Made:
    """One document per month of the calendar; ``q`` selects (year, month, ...) rows,
    ``render`` turns one into a line and, maybe, a (question, answer)."""
    grouped: dict[tuple[int, int], list[tuple[Any, ...]]] = defaultdict(list)
    for row in _rows(conn, q):
        grouped[(int(row[0]), int(row[1]))].append(row[2:])
    label = {"promotion_calendar": "Promotion calendar", "sales_summary": "Sales summary"}[kind]
    folder = {"promotion_calendar": "promotions", "sales_summary": "sales"}[kind]
    out: Made = []
    for y, m in _months(conn):
        path = f"retail/{folder}/{y}-{m:02d}.md"
        title = f"{label}: {_month(y, m)}"
        lines, asks = [], []
        for row in grouped.get((y, m), []):
            line, ask = render(row)
            lines.append(line.replace("{month}", _month(y, m)))
            if ask is not None:
                asks.append(ask)
        text = "\n".join([f"# {title}", "", head, "", *(lines or [empty]), ""])
        question = None
        if asks:
            t, a = asks[_pick(seed, path, len(asks))]
            question = Question(t.replace("{month}", _month(y, m)), a, path)
        out.append((Document(path, kind, title, text), question))
    return out


def _promotions(conn: Conn, seed: int, head: str, start: dt.date, end: dt.date) -> Made:
    def render(r: tuple[Any, ...]) -> tuple[str, tuple[str, str] | None]:
        first, last, sku, code, pct = r
        off = f"{Decimal(pct) * 100:.1f}%"
        return (
            f"- {first} to {last}: {sku} at store {code}, {off} off",
            (
                f"In the promotion calendar for {{month}}, what discount did product {sku} "
                f"get at store {code} in the promotion from {first} to {last}?",
                off,
            ),
        )

    return _monthly(
        conn,
        seed,
        head,
        "promotion_calendar",
        "SELECT extract(year FROM p.start_date)::int, extract(month FROM p.start_date)::int, "
        "p.start_date, p.end_date, pr.sku, s.code, p.discount_pct FROM promotion p "
        "JOIN product pr ON pr.id = p.product_id JOIN store s ON s.id = p.store_id "
        "ORDER BY 1, 2, 3, s.code, pr.sku, p.end_date, p.id",
        render,
        "No promotion starts in this month.",
    )


def _summaries(conn: Conn, seed: int, head: str, start: dt.date, end: dt.date) -> Made:
    def render(r: tuple[Any, ...]) -> tuple[str, tuple[str, str] | None]:
        # The month on every line: a chunk of the table still says which month it is.
        code, category, units, revenue = r
        return (
            f"- {{month}}, store {code}, {category}: {int(units)} units, revenue {_money(revenue)}",
            (
                f"According to the sales summary for {{month}}, how many units of "
                f"{category} did store {code} sell?",
                str(int(units)),
            ),
        )

    return _monthly(
        conn,
        seed,
        head,
        "sales_summary",
        "SELECT extract(year FROM s.date)::int, extract(month FROM s.date)::int, st.code, "
        "p.category, sum(s.quantity), sum(s.total_amount) FROM sales_daily s "
        "JOIN store st ON st.id = s.store_id JOIN product p ON p.id = s.product_id "
        "GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        render,
        "No sales were recorded in this month.",
    )
