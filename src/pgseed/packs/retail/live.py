"""The retail columns an append reads, as the database names them.

On the pack's own schema every model column is there under its own name. On an
application's own, evolved schema (``binding.Binding``) a column may be renamed
(``--map``) or gone. ``Columns`` writes the append's queries with the live names;
``APPEND_NEEDS`` are the columns without which a series cannot be continued (exit 4,
naming exactly those); ``DERIVED`` are the ones an append can do without, and how it
derives their state from what is there (docs/any-schema.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from psycopg import sql

from ...binding import Binding
from ...errors import SchemaMismatchError
from ...pg import Conn

APPEND_NEEDS: Mapping[str, tuple[str, ...]] = {
    "store": ("id", "code", "name"),  # code and name key each store's demand level
    "product": ("id", "sku", "name", "base_price", "launch_date"),
    "calendar": ("date",),
    "sales_daily": ("date", "store_id", "product_id", "quantity"),
    "inventory_snapshot_daily": ("date", "store_id", "product_id", "on_hand_qty"),
}
APPEND_WHY = (
    "the stock, sales and demand levels each series continues from are read from them "
    "(a generate --full-new over the longer date range needs none of them)"
)
REPORT_NEEDS: Mapping[str, tuple[str, ...]] = {
    "store": ("id", "code"),
    "product": ("id", "sku"),
    "calendar": ("date", "day_of_week", "is_holiday", "holiday_name"),
    "sales_daily": ("date", "store_id", "product_id", "quantity", "unit_price", "on_promotion"),
    "price_history": ("store_id", "product_id", "price", "valid_from", "valid_to"),
    "promotion": ("store_id", "product_id", "start_date", "end_date"),
    "inventory_snapshot_daily": ("date", "store_id", "product_id", "on_hand_qty", "is_stockout"),
}
REPORT_WHY = "the report's pictures are drawn from them"
PRICE = ("store_id", "product_id", "price", "valid_from", "valid_to")
PROMOTION = ("store_id", "product_id", "discount_pct", "start_date", "end_date")
DERIVED: Mapping[tuple[str, str], str] = {
    ("inventory_snapshot_daily", "received_qty"): (
        "each series continues from its last day's opening stock less that day's sales "
        "(the delivery of the last day is not recorded, so it is not counted)"
    ),
    ("inventory_snapshot_daily", "ordered_qty"): (
        "no orders are in transit when the append starts: the first ones are placed on "
        "its first day and arrive lead_time_days later"
    ),
    **{("price_history", c): "each series continues at its product's base price" for c in PRICE},
    **{("promotion", c): "no promotion runs on into the appended days" for c in PROMOTION},
}
INV = "inventory_snapshot_daily"
_REF = re.compile(r"\{(\w+)\.(\w+)\}")


@dataclass(frozen=True)
class Columns:
    """Each model column's live name: ``live[table][column]`` (None: the table lacks
    it); a table or column not listed (the pack's own schema, ids filled by sequences)
    keeps its model name."""

    live: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    types: Mapping[str, Mapping[str, tuple[str, str | None]]] = field(default_factory=dict)
    """Per table and model column: (the model's type, the live column's type)."""

    @classmethod
    def of(cls, binding: Binding | None) -> Columns:
        if binding is None:
            return cls()
        return cls(
            {t: dict(zip(tb.columns, tb.targets, strict=True)) for t, tb in binding.tables.items()},
            {
                t: {
                    c: (m, lt) for c, m, lt in zip(tb.columns, tb.types, tb.live_types, strict=True)
                }
                for t, tb in binding.tables.items()
            },
        )

    def kind_differs(self, table: str, column: str) -> str | None:
        """The live type when it is of another kind than the model's (a number mapped
        onto a text column): the verb reads it as the model's type and cannot."""
        model, live = self.types.get(table, {}).get(column, ("", None))
        if live is None or _kind(model) is None or _kind(live) is None:
            return None
        return live if _kind(model) != _kind(live) else None

    def name(self, table: str, column: str) -> str | None:
        names = self.live.get(table, {})
        return names.get(column, column)

    def has(self, table: str, *columns: str) -> bool:
        return all(self.name(table, c) is not None for c in columns)

    def sql(self, template: str, **tables: str) -> sql.Composed:
        """``template`` with each ``{a.column}`` replaced by the live name (quoted) of
        ``column`` in table ``tables[a]``; the caller checked that it is there."""
        args: dict[str, sql.Composable] = {}

        def ref(m: re.Match[str]) -> str:
            name = self.name(tables[m[1]], m[2])
            assert name is not None, f"{tables[m[1]]}.{m[2]} is not in the database"
            key = f"{m[1]}__{m[2]}"
            args[key] = sql.Identifier(name)
            return "{" + key + "}"

        return sql.SQL(_REF.sub(ref, template)).format(**args)

    def require(self, op: str, needs: Mapping[str, tuple[str, ...]], why: str) -> None:
        """SchemaMismatchError (exit 4) naming every column of ``needs`` the database
        lacks; ``why`` says what ``op`` reads them for, and what else would do."""
        gone = [f"{t}.{c}" for t, cols in needs.items() for c in cols if not self.has(t, c)]
        wrong = [
            f"{t}.{c} ({self.name(t, c)} is {kind})"
            for t, cols in needs.items()
            for c in cols
            if self.has(t, c) and (kind := self.kind_differs(t, c)) is not None
        ]
        if wrong:
            raise SchemaMismatchError(
                f"{op} cannot run on this database: {', '.join(wrong)} cannot be read as "
                f"the pack's type, and {why}.\nFix: map {wrong[0].split(' ')[0]} to a column "
                "of the same kind (a number to a number, a date to a date), or drop the --map."
            )
        if gone:
            raise SchemaMismatchError(
                f"{op} cannot run on this database: it has no column {', '.join(gone)}, "
                f"and {why}.\nFix: if the application renamed them, pass --map "
                f"TABLE.COLUMN=NEW (e.g. --map {gone[0]}=NEW)."
            )

    @classmethod
    def reading(cls, conn: Conn, maps: Mapping[str, Mapping[str, str]]) -> Columns:
        """The report's reading on an application's own, evolved schema: renamed
        columns shown under the models' names (``binding.shadow``, temporary views in the
        caller's transaction); SchemaMismatchError (exit 4) naming the columns the
        pictures cannot do without (``REPORT_NEEDS``). The models' names as they are on
        the pack's own schema."""
        from ...binding import bind, shadow
        from ...schema import schema_state
        from .spec import SCHEMA

        if schema_state(conn, SCHEMA.metadata) != "bind" and not maps:
            return cls()
        binding = bind(conn, SCHEMA, maps)
        shadow(conn, binding)
        cols = cls.of(binding)
        cols.require("retail report", REPORT_NEEDS, REPORT_WHY)
        return cols

    def derived(self) -> list[str]:
        """What an append derives, one line per column the database lacks."""
        out: dict[str, list[str]] = {}
        for (table, column), how in DERIVED.items():
            if not self.has(table, column):
                out.setdefault(how, []).append(f"{table}.{column}")
        return [f"{', '.join(cols)} not in the database: {how}" for how, cols in out.items()]


def _kind(type_name: str) -> str | None:
    """Number, text, date/time or boolean; None for anything else (not judged)."""
    t = type_name.lower()
    if t.startswith(("int", "bigint", "smallint", "numeric", "decimal", "double", "real", "float")):
        return "number"
    if t.startswith(("text", "character", "varchar", "char", "citext")):
        return "text"
    if t.startswith(("date", "timestamp", "time")):
        return "time"
    if t.startswith(("bool",)):
        return "boolean"
    return None
