"""``pgseed fill``'s YAML config: rows per table, and rules per column and per FK.

    seed: 42
    rows: 100                      # rows per table unless a table says otherwise
    schemas: [app, billing]        # default: every user schema
    tables:
      app.users:                   # schema.table, or the bare name when it is unique
        rows: 500                  # or  skip: true
        columns:
          status: {choices: {active: 0.9, banned: 0.1}}   # or a list (uniform)
          age: {range: [18, 90]}
          code: {regex: '^[A-Z]{3}[0-9]{2}$'}
          email: {provider: email}
          plan: {constant: free}
          nickname: {null_rate: 0.5}
          score: {sql: "round(random() * 100)"}           # i = the row's number, 1-based
        foreign_keys:
          users_team_id_fkey: {min: 0, max: 20, distribution: uniform, null_rate: 0.2}

Names are checked against the live schema (``plan.py``) with a did-you-mean; a
``pgseed fill --dry-run`` prints this file with what was inferred, to edit and
pass back with ``--config``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..config import invalid, read_yaml

Scalar = str | int | float | bool


class ColumnRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    choices: list[Scalar] | dict[str, float] | None = None
    range: tuple[Scalar, Scalar] | None = None
    regex: str | None = None
    provider: str | None = None
    constant: Scalar | None = None
    null_rate: float | None = Field(None, ge=0, le=1)
    sql: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ColumnRule:
        sources = [
            k
            for k in ("choices", "range", "regex", "provider", "constant", "sql")
            if getattr(self, k) is not None
        ]
        if len(sources) > 1:
            raise ValueError(f"give one of {', '.join(sources)}, not several")
        if isinstance(self.choices, dict) and any(w < 0 for w in self.choices.values()):
            raise ValueError("choice weights must be >= 0")
        return self


class ForeignKeyRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min: int | None = Field(None, ge=0)
    max: int | None = Field(None, ge=0)
    distribution: Literal["skewed", "uniform"] = "skewed"
    null_rate: float | None = Field(None, ge=0, le=1)

    @model_validator(mode="after")
    def _bounds(self) -> ForeignKeyRule:
        if (self.min is None) != (self.max is None):
            raise ValueError("give both min and max children per parent")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is above max ({self.max})")
        return self


class TableRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rows: int | None = Field(None, ge=0)
    skip: bool = False
    columns: dict[str, ColumnRule] = {}
    foreign_keys: dict[str, ForeignKeyRule] = {}

    @field_validator("columns", "foreign_keys", mode="before")
    @classmethod
    def _empty(cls, value: object) -> object:
        return {} if value is None else value  # a key whose entries are all commented out


class FillConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int | None = Field(None, ge=0, le=2**63 - 1)
    rows: int = Field(100, ge=0)
    schemas: list[str] | None = None
    tables: dict[str, TableRule] = {}

    @field_validator("tables", mode="before")
    @classmethod
    def _no_tables(cls, value: object) -> object:
        return {} if value is None else value


def load(path: Path | None, overrides: dict[str, object] | None = None) -> FillConfig:
    """The config file (if any) with flag ``overrides`` on top; ConfigError (exit 2)
    names every bad key."""
    data: dict[str, object] = read_yaml(path) if path is not None else {}
    for key, value in (overrides or {}).items():
        if key == "tables":
            tables = dict(data.get("tables") or {})  # type: ignore[call-overload]
            for name, rule in value.items():  # type: ignore[attr-defined]
                tables[name] = {**(tables.get(name) or {}), **rule}
            data["tables"] = tables
        elif value is not None:
            data[key] = value
    try:
        return FillConfig.model_validate(data)
    except ValidationError as exc:
        raise invalid(exc, {}, title=f"invalid fill config{f' in {path}' if path else ''}") from exc
