"""The reflected schema ``pgseed fill`` works from: plain frozen dataclasses.

Names are PostgreSQL's own (``pg_class``, ``pg_attribute``, ``pg_type``,
``pg_constraint``, ``pg_index``); identifiers are raw (unquoted) strings, quoted
once when a statement is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PgType:
    """A column's type, domains resolved.

    ``name`` is ``format_type(atttypid, atttypmod)`` as the catalog prints it
    (``character varying(20)``, ``numeric(10,2)``, ``public.mood[]``); ``base`` is
    the ``pg_type.typname`` of the type under any domains (``varchar``, ``numeric``,
    ``_int4`` for ``integer[]``, ``citext``, ``vector``); ``kind`` its ``typtype``
    (``b`` base, ``e`` enum, ``r`` range, ``m`` multirange, ``c`` composite,
    ``p`` pseudo) and ``category`` its ``typcategory`` (``N`` numeric, ``S`` string,
    ``D`` date/time, ``B`` boolean, ``T`` timespan, ``I`` network, ``G`` geometric,
    ``V`` bit string, ``A`` array, ``E`` enum, ``R`` range, ``U`` user-defined).
    """

    name: str
    base: str
    kind: str = "b"
    category: str = "U"
    length: int | None = None
    """char(n)/varchar(n)/bit(n)/varbit(n) length, vector(n) dimensions."""
    precision: int | None = None
    """numeric(p,s) precision; time/timestamp/interval fractional-second digits."""
    scale: int | None = None
    labels: tuple[str, ...] = ()
    """Enum labels in their sort order."""
    element: PgType | None = None
    """Arrays: the element type; ranges and multiranges: the subtype."""
    domain: str | None = None
    """The outermost domain's name when the column's type is a domain."""
    domain_checks: tuple[str, ...] = ()
    """The domains' CHECK expressions (``VALUE > 0``), outermost first."""
    domain_not_null: bool = False

    @property
    def is_array(self) -> bool:
        return self.element is not None and self.category == "A"


@dataclass(frozen=True)
class Column:
    name: str
    type: PgType
    not_null: bool
    default: str | None = None
    """``pg_get_expr(adbin)``: ``nextval('s'::regclass)``, ``now()``, a constant."""
    identity: str = ""
    """``a`` GENERATED ALWAYS AS IDENTITY, ``d`` BY DEFAULT, empty otherwise."""
    generated: bool = False
    """A stored generated column: never written."""
    sequence: str | None = None
    """The sequence feeding it (identity, serial or a ``nextval`` default), as
    SQL text (quoted, schema-qualified)."""


@dataclass(frozen=True)
class ForeignKey:
    name: str
    columns: tuple[str, ...]
    ref_table: str
    """The referenced table's key (``Table.key``)."""
    ref_columns: tuple[str, ...]
    deferrable: bool = False
    on_delete: str = "a"
    ref_ident: tuple[str, str] = ("", "")
    """The referenced table as (schema, name), for tables outside the run."""
    """``confdeltype``: a no action, r restrict, c cascade, n set null, d set default."""


@dataclass(frozen=True)
class UniqueKey:
    """A unique constraint or unique index (a primary key is one too).

    ``columns`` are the plain columns it covers; ``expressions`` the index's
    expressions as text (``lower(email)``); ``predicate`` a partial index's WHERE.
    """

    name: str
    columns: tuple[str, ...]
    primary: bool = False
    expressions: tuple[str, ...] = ()
    predicate: str | None = None
    nulls_not_distinct: bool = False


@dataclass(frozen=True)
class Check:
    name: str
    expression: str
    """``pg_get_constraintdef`` without the ``CHECK`` wrapper: ``(price > (0)::numeric)``."""
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Exclusion:
    name: str
    definition: str
    """``pg_get_constraintdef``: ``EXCLUDE USING gist (room WITH =, during WITH &&)``."""
    columns: tuple[str, ...]
    """The plain columns among its keys (an expression key has none)."""
    operators: tuple[str, ...]
    """Per key, the operator's name (``&&``)."""
    keys: tuple[str, ...] = ()
    """Per key, its SQL (``pg_get_indexdef``): a quoted column or ``tsrange(starts, ends)``."""
    operator_sql: tuple[str, ...] = ()
    """Per key, the operator schema-qualified (``OPERATOR(pg_catalog.&&)``): an
    extension's operator (intarray's ``&&``) need not be on the search path."""
    predicate: str | None = None
    """A partial constraint's ``WHERE``."""


@dataclass(frozen=True)
class Partitioning:
    """A partitioned table's key and its partitions' bounds."""

    strategy: str
    """``r`` range, ``l`` list, ``h`` hash."""
    columns: tuple[str, ...]
    bounds: tuple[str, ...]
    """``pg_get_expr(relpartbound)`` per leaf partition: ``FOR VALUES FROM (1) TO (10)``,
    ``FOR VALUES IN ('a', 'b')``, ``DEFAULT``."""
    routes: str | None = None
    """The condition a row must meet to have a partition at all: the OR of every leaf
    partition's constraint (``pg_get_partition_constraintdef``), sub-partitions included;
    None when a DEFAULT partition takes anything."""


@dataclass(frozen=True)
class Table:
    schema: str
    name: str
    oid: int
    columns: tuple[Column, ...]
    primary_key: UniqueKey | None = None
    uniques: tuple[UniqueKey, ...] = ()
    """Every unique constraint and unique index except the primary key."""
    foreign_keys: tuple[ForeignKey, ...] = ()
    checks: tuple[Check, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    partitioning: Partitioning | None = None
    rows: int = 0
    """Rows already in the table when it was read."""

    @property
    def key(self) -> str:
        """``schema.name`` unquoted: the table's name in plans, configs and messages."""
        return f"{self.schema}.{self.name}"

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


@dataclass(frozen=True)
class Schema:
    tables: dict[str, Table] = field(default_factory=dict)
    """By ``Table.key``, in the catalog's order (schema, name)."""


@dataclass(frozen=True)
class Rule:
    """What one column's values must satisfy, from its CHECKs, keys and the config.

    Bounds are PostgreSQL text literals of the column's type (``'0'``,
    ``'2024-01-01'``, ``'0.5'``) so a rule is the same for every type; the value
    generators parse them for their type.
    """

    low: str | None = None
    high: str | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    choices: tuple[str, ...] = ()
    """Allowed values (an IN list, an enum subset, a config choice list)."""
    weights: tuple[float, ...] = ()
    """One per choice when given; uniform otherwise."""
    min_length: int | None = None
    max_length: int | None = None
    """Character length (``length(col) <= n`` CHECKs, varchar(n))."""
    pattern: str | None = None
    """A POSIX regex the value must match (``col ~ '^[a-z]+$'``)."""
    constant: str | None = None
    null_rate: float = 0.0
    """Share of NULLs; 0 for NOT NULL columns and key columns."""
    unique: bool = False
    """Values must differ for every distinct row index (0 .. 2**40)."""
    provider: str | None = None
    """A word pool or Faker provider name chosen by the column's name or the config
    (``email``, ``first_name``, ``city``); None lets the type decide."""


@dataclass(frozen=True)
class ColumnPlan:
    """One column to generate: where it lives, its type and its rule."""

    table: str
    """``Table.key``."""
    column: str
    type: PgType
    rule: Rule = Rule()
