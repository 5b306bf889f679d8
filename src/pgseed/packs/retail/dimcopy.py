"""The retail dimensions (store, product, calendar) as text COPY rows.

Small tables, written by the writer process; ``encode.encode_rows`` escapes every
field. The fact tables go in as binary COPY instead (``pack.work``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...encode import bool_field, encode_rows, int_field
from . import dims

DIM_COLUMNS = {
    "store": ("id", "code", "name", "region", "store_type", "city", "size_sqm", "opened_on"),
    "product": (
        "id",
        "sku",
        "name",
        "category",
        "brand",
        "base_price",
        "unit_cost",
        "launch_date",
    ),
    "calendar": (
        "date",
        "day_of_week",
        "day_of_month",
        "day_of_year",
        "week_of_year",
        "month",
        "quarter",
        "year",
        "is_weekend",
        "is_holiday",
        "holiday_name",
    ),
}


def iso_dates(days: np.ndarray) -> list[str]:
    return np.datetime_as_string(np.asarray(days).astype("datetime64[D]")).tolist()  # type: ignore[no-any-return]


def money(cents: np.ndarray) -> list[str]:
    c = np.asarray(cents, dtype=np.int64)
    return [f"{v // 100}.{v % 100:02d}" for v in c.tolist()]


def store_copy(s: dims.Stores) -> bytes:
    return encode_rows(
        [
            int_field(s.id),
            list(s.code),
            list(s.name),
            list(s.region),
            list(s.store_type),
            list(s.city),
            int_field(s.size_sqm),
            iso_dates(s.opened_on),
        ]
    )


def product_copy(p: dims.Products) -> bytes:
    return encode_rows(
        [
            int_field(p.id),
            list(p.sku),
            list(p.name),
            list(p.category),
            list(p.brand),
            money(p.base_cents),
            money(p.cost_cents),
            iso_dates(p.launch),
        ]
    )


def calendar_columns(c: dims.CalendarRows) -> dict[str, Any]:
    d = c.days.astype("datetime64[D]")
    dates = [dims.from_epoch_day(x) for x in c.days.tolist()]
    month = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    dow = (c.days + 3) % 7
    return {
        "date": c.days,
        "day_of_week": dow,
        "day_of_month": np.array([x.day for x in dates], dtype=np.int64),
        "day_of_year": (d - d.astype("datetime64[Y]")).astype(np.int64) + 1,
        "week_of_year": np.array([x.isocalendar()[1] for x in dates], dtype=np.int64),
        "month": month,
        "quarter": (month - 1) // 3 + 1,
        "year": year,
        "is_weekend": dow >= 5,
        "is_holiday": np.array([n is not None for n in c.holiday_name], dtype=bool),
        "holiday_name": c.holiday_name,
    }


def calendar_copy(c: dims.CalendarRows) -> bytes:
    cols = calendar_columns(c)
    return encode_rows(
        [
            iso_dates(cols["date"]),
            *(int_field(cols[k]) for k in DIM_COLUMNS["calendar"][1:8]),
            bool_field(cols["is_weekend"]),
            bool_field(cols["is_holiday"]),
            list(cols["holiday_name"]),
        ]
    )
