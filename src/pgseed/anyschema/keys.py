"""Key columns, drawn for every table before any row is loaded.

A key column is one a foreign key points at (a primary key, a unique key) or one
that points somewhere (an FK column). Drawing them all first lets any edge of an
FK cycle be written directly (deferred or re-checked later), and lets a child pick
its parent's exact key values, composite ones included.

Rules (issue 10, "Every constraint holds by construction", "Cardinality"):

- a sequence-fed integer key continues the sequence: ids ``start .. start+n-1``
  where ``start`` is past both ``max(id)`` and the sequence's last value, and the
  run moves the sequence past them (``run.py``);
- a child picks parents with a skewed distribution (log-normal weights per parent),
  or ``min``/``max`` children per parent from the config; an optional FK is NULL at
  its null rate;
- a PK or unique key made only of FK columns gets distinct parent combinations
  (a PK that is also an FK: at most one child per parent);
- FKs that share columns agree: a later FK chooses among the parents whose values
  match what the earlier FK already chose;
- a self-reference points at an earlier row (or the row itself when it is NOT NULL
  and no earlier row exists), so any batch of rows satisfies it on its own.

Every draw is keyed by (seed, table, constraint, row index): the same whatever
the batch size or worker count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .. import rng
from ..errors import GenerationError
from .model import ForeignKey, Table

Values = list[str | None]


@dataclass
class KeyStore:
    """Each table's key column values, existing rows first, then this run's rows."""

    values: dict[str, dict[str, Values]] = field(default_factory=dict)
    existing_keys: dict[str, dict[tuple[str, ...], set[tuple[str | None, ...]]]] = field(
        default_factory=dict
    )
    """Per table, the values its existing rows hold for each unique key made of FK columns."""
    dropped: dict[str, set[int]] = field(default_factory=dict)
    """Rows (positions among this run's rows) no consistent parent exists for."""
    _parents: dict[
        tuple[str, tuple[str, ...]],
        tuple[tuple[tuple[Values, int], ...], tuple[list[tuple[str, ...]], list[int]]],
    ] = field(default_factory=dict, repr=False)
    """``parent_rows`` per (table, columns), with the column lists it was made from: a
    table's keys are read by each of its children, and rebuilt only when replaced."""
    _parent_arrays: dict[
        tuple[str, tuple[str, ...]], dict[int, tuple[list[tuple[str, ...]], np.ndarray]]
    ] = field(default_factory=dict, repr=False)
    """``parent_column`` per (table, columns) and column: made from the tuples it names."""

    def column(self, table: str, column: str) -> Values | None:
        return self.values.get(table, {}).get(column)

    def put(self, table: str, column: str, values: Values) -> None:
        self.values.setdefault(table, {})[column] = values


def skewed_parents(
    seed: int, name: str, parents: int, rows: np.ndarray, sigma: float = 1.0
) -> np.ndarray:
    """One parent position per row: log-normal parent weights (a few parents have
    many children, many have few), keyed by the constraint and the row index."""
    if parents <= 0:
        return np.zeros(len(rows), dtype=np.int64)
    weights = np.exp(
        sigma
        * rng.hashed_normal(seed, name + "/w", np.arange(parents), np.zeros(parents, np.int64))
    )
    cum = np.cumsum(weights)
    cum /= cum[-1]
    u = rng.hashed_uniform(seed, name, rows, np.zeros(len(rows), np.int64))
    out: np.ndarray = np.minimum(np.searchsorted(cum, u, side="right"), parents - 1)
    return out


def distinct_draw(seed: int, name: str, total: int, n: int) -> np.ndarray:
    """``n`` distinct integers in ``[0, total)``, keyed by ``name`` (n <= total)."""
    gen = rng.stream(seed, "distinct", name)
    if total <= 4 * n + 1024:
        return np.asarray(gen.permutation(total)[:n], dtype=np.int64)
    picked: dict[int, None] = {}
    while len(picked) < n:
        for v in gen.integers(0, total, size=2 * (n - len(picked))).tolist():
            picked.setdefault(int(v), None)
            if len(picked) == n:
                break
    return np.fromiter(picked, dtype=np.int64, count=n)


def per_parent_counts(
    seed: int, name: str, parents: int, low: int, high: int, distribution: str
) -> np.ndarray:
    """Children per parent in ``[low, high]``: ``uniform``, or ``skewed`` (most parents
    near ``low``, a long tail towards ``high``)."""
    u = rng.hashed_uniform(seed, name + "/count", np.arange(parents), np.zeros(parents, np.int64))
    span = high - low + 1
    k = low + np.floor(u * span) if distribution == "uniform" else low + np.floor(span * u**3)
    out: np.ndarray = np.minimum(k, high).astype(np.int64)
    return out


@dataclass(frozen=True)
class FkChoice:
    """How one FK of a table picks parents (from the config, else the defaults)."""

    null_rate: float = 0.1
    low: int | None = None
    high: int | None = None
    distribution: str = "skewed"


def parent_rows(store: KeyStore, fk: ForeignKey) -> tuple[list[tuple[str, ...]], list[int]]:
    """The referenced key tuples of the parent (rows with a NULL in them left out) and
    their positions. Cached per (table, columns) while the store holds the same lists."""
    cols = [store.column(fk.ref_table, c) for c in fk.ref_columns]
    if any(c is None for c in cols):
        raise GenerationError(
            f"{fk.name}: the key of {fk.ref_table} ({', '.join(fk.ref_columns)}) was not drawn "
            "before this table needed it (an FK cycle through key columns).\n"
            "Fix: skip one of the tables of the cycle in the config (tables: NAME: {skip: true})"
        )
    lists = tuple(c for c in cols if c is not None)
    cached = store._parents.get((fk.ref_table, fk.ref_columns))
    if cached is not None and len(cached[0]) == len(lists):
        same = all(a is b and len(a) == n for a, (b, n) in zip(lists, cached[0], strict=True))
        if same:
            return cached[1]
    if len(lists) == 1:
        positions = [i for i, v in enumerate(lists[0]) if v is not None]
        only = lists[0]
        tuples: list[tuple[str, ...]] = [(only[i],) for i in positions]  # type: ignore[misc]
    else:
        tuples, positions = [], []
        for i, tup in enumerate(zip(*lists, strict=True)):
            if None not in tup:
                tuples.append(tup)
                positions.append(i)
    found = (tuples, positions)
    store._parents[(fk.ref_table, fk.ref_columns)] = (tuple((c, len(c)) for c in lists), found)
    return found


def parent_column(store: KeyStore, fk: ForeignKey, j: int) -> np.ndarray:
    """Column ``j`` of ``parent_rows`` as an object array (picked from by position);
    cached with them."""
    parents, _ = parent_rows(store, fk)
    key = (fk.ref_table, fk.ref_columns)
    arrays = store._parent_arrays.setdefault(key, {})
    got = arrays.get(j)
    if got is None or got[0] is not parents:
        got = (parents, np.array([t[j] for t in parents], dtype=object))
        arrays[j] = got
    return got[1]


def assign_foreign_keys(
    seed: int,
    table: Table,
    fks: Sequence[ForeignKey],
    n: int,
    first: int,
    store: KeyStore,
    choices: dict[str, FkChoice],
    unique_sets: Sequence[tuple[str, ...]],
    existing: dict[tuple[str, ...], set[tuple[str | None, ...]]],
) -> dict[str, Values]:
    """Values of every FK column of ``table`` for its ``n`` new rows.

    ``first`` is the first new row's index (the rows already there); ``unique_sets``
    the unique keys made only of FK columns (distinct parent combinations);
    ``existing`` the values existing rows hold for each such key (a 1:1 FK skips
    parents that already have their child).
    """
    rows = np.arange(first, first + n, dtype=np.int64)
    out: dict[str, Values] = {}
    dropped = store.dropped.setdefault(table.key, set())
    ordered = sorted(fks, key=lambda f: (-len(f.columns), f.name))
    combo_picks = _combos(
        seed, table, combo_groups(ordered, unique_sets, table.key), store, n, existing
    )
    for fk in ordered:
        cfg = choices.get(fk.name, FkChoice())
        nullable = all(not table.column(c).not_null for c in fk.columns)
        if fk.ref_table == table.key:
            out.update(_self_reference(seed, table, fk, rows, store, nullable, cfg))
            continue
        parents, _ = parent_rows(store, fk)
        if not parents:
            if nullable:
                for c in fk.columns:
                    out.setdefault(c, [None] * n)
                continue
            raise GenerationError(
                f"{table.key}: {fk.name} needs rows in {fk.ref_table}, which has none and gets "
                "none in this run.\nFix: give it rows (tables: "
                f"{fk.ref_table}: {{rows: 100}}) or skip {table.key}"
            )
        if fk.name in combo_picks:
            pick = combo_picks[fk.name]
        elif cfg.low is not None and cfg.high is not None:
            counts = per_parent_counts(
                seed, f"{table.key}/{fk.name}", len(parents), cfg.low, cfg.high, cfg.distribution
            )
            pick = np.repeat(np.arange(len(parents)), counts)[:n]
            if len(pick) < n:
                pick = np.concatenate(
                    [pick, skewed_parents(seed, fk.name, len(parents), rows[len(pick) :])]
                )
        else:
            pick = skewed_parents(seed, f"{table.key}/{fk.name}", len(parents), rows)
        shared = [c for c in fk.columns if c in out]
        if shared:
            pick = _agree(seed, table, fk, parents, pick, shared, out, rows, dropped)
        nulls = np.zeros(n, dtype=bool)
        if nullable and fk.name not in combo_picks:
            nulls = (
                rng.hashed_uniform(seed, f"{table.key}/{fk.name}/null", rows, np.zeros(n, np.int64))
                < cfg.null_rate
            )
        for j, c in enumerate(fk.columns):
            if c in shared:
                continue
            ref = parent_column(store, fk, j)[pick]
            ref[nulls] = None
            out[c] = ref.tolist()
    return out


Group = tuple[tuple[str, ...], list[ForeignKey]]
"""A unique key made only of FK columns, and the FKs that cover it."""


def combo_groups(
    fks: Sequence[ForeignKey], unique_sets: Sequence[tuple[str, ...]], table: str
) -> list[Group]:
    """The unique keys made only of FK columns, smallest first (a key drawn distinct makes
    its supersets distinct). Two such keys that overlap without one holding the other,
    as ``(session_id, question_id)`` and ``(position_id, question_id)``, are both kept
    distinct by drawing their shared part distinct: it becomes a key of its own."""

    def group(key: tuple[str, ...]) -> Group | None:
        members = [f for f in fks if set(f.columns) <= set(key) and f.ref_table != table]
        covered = {c for f in members for c in f.columns}
        shared = any(
            set(m.columns) & set(f.columns) for i, m in enumerate(members) for f in members[i + 1 :]
        )
        if members and covered == set(key) and not shared:
            return key, members
        return None

    # by column set; a key keeps its own column order (existing rows are read in it)
    keys = {frozenset(k): tuple(k) for k in unique_sets}
    for a in list(keys):
        for b in list(keys):
            inter = a & b
            overlap = inter and not a <= b and not b <= a and inter not in keys
            if overlap and group(tuple(sorted(inter))) is not None:
                keys[inter] = tuple(sorted(inter))
    found = [g for k in keys.values() if (g := group(k)) is not None]
    return sorted(found, key=lambda g: (len(g[0]), g[0]))


def _combos(
    seed: int,
    table: Table,
    groups: list[Group],
    store: KeyStore,
    n: int,
    existing: dict[tuple[str, ...], set[tuple[str | None, ...]]],
) -> dict[str, np.ndarray]:
    """Distinct parent combinations for unique keys made only of FK columns, none of
    them a combination the table's existing rows already hold."""
    picks: dict[str, np.ndarray] = {}
    unique_done: list[tuple[str, ...]] = []
    for key, group in groups:
        if any(f.name in picks for f in group):
            # a superset of a key already drawn distinct is distinct too
            if not any(set(done) <= set(key) for done in unique_done):
                raise GenerationError(
                    f"{table.key}: unique keys ({', '.join(key)}) and another overlapping one are "
                    "both made of FK columns; pgseed cannot draw both distinct.\n"
                    f"Fix: skip {table.key} in the config, or give it rows by hand"
                )
            continue
        unique_done.append(key)
        parents = [parent_rows(store, f)[0] for f in group]
        sizes = [len(p) for p in parents]
        total = int(np.prod(sizes)) if sizes else 0
        used = existing.get(key, set())
        codes = distinct_draw(
            seed, f"{table.key}/{'+'.join(f.name for f in group)}", total, min(total, n + len(used))
        )
        idx = []
        rest = codes.copy()
        for size in sizes:
            idx.append(rest % size)
            rest = rest // size
        where = {c: (g, f.columns.index(c)) for g, f in enumerate(group) for c in f.columns}
        keep: list[int] = list(range(min(n, len(codes)))) if not used else []
        for r in range(len(codes) if used else 0):
            tup = tuple(parents[where[c][0]][int(idx[where[c][0]][r])][where[c][1]] for c in key)
            if tup not in used:
                keep.append(r)
                if len(keep) == n:
                    break
        if len(keep) < n:
            raise GenerationError(
                f"{table.key}: only {len(keep)} new distinct parent combinations exist for "
                f"{', '.join(f.name for f in group)}, fewer than the {n} rows planned (planner bug)"
            )
        for g, f in enumerate(group):
            picks[f.name] = idx[g][keep]
    return picks


def combinations(
    store: KeyStore, group: Group, existing: dict[tuple[str, ...], set[tuple[str | None, ...]]]
) -> int:
    """How many new distinct parent combinations ``group`` offers (caps a table's rows)."""
    key, fks = group
    total = 1
    for f in fks:
        total *= len(parent_rows(store, f)[0])
    return max(0, total - len(existing.get(key, set())))


def _agree(
    seed: int,
    table: Table,
    fk: ForeignKey,
    parents: list[tuple[str, ...]],
    pick: np.ndarray,
    shared: list[str],
    out: dict[str, Values],
    rows: np.ndarray,
    dropped: set[int],
) -> np.ndarray:
    """Re-pick, for each row, among the parents whose shared columns equal the values
    an earlier FK chose; rows with no such parent are dropped."""
    idx = [fk.columns.index(c) for c in shared]
    by_shared: dict[tuple[str, ...], list[int]] = {}
    for p, tup in enumerate(parents):
        by_shared.setdefault(tuple(tup[i] for i in idx), []).append(p)
    u = rng.hashed_uniform(
        seed, f"{table.key}/{fk.name}/agree", rows, np.zeros(len(rows), np.int64)
    )
    result = pick.copy()
    for r in range(len(rows)):
        want = tuple(out[c][r] for c in shared)
        if any(v is None for v in want):
            continue
        options = by_shared.get(want)  # type: ignore[arg-type]
        if not options:
            dropped.add(r)
            continue
        result[r] = options[int(u[r] * len(options))]
    return result


def _self_reference(
    seed: int,
    table: Table,
    fk: ForeignKey,
    rows: np.ndarray,
    store: KeyStore,
    nullable: bool,
    cfg: FkChoice,
) -> dict[str, Values]:
    cols = [store.column(table.key, c) for c in fk.ref_columns]
    if any(c is None for c in cols):
        raise GenerationError(f"{table.key}: {fk.name} references columns that are not drawn keys")
    u = rng.hashed_uniform(seed, f"{table.key}/{fk.name}", rows, np.zeros(len(rows), np.int64))
    nul = rng.hashed_uniform(
        seed, f"{table.key}/{fk.name}/null", rows, np.zeros(len(rows), np.int64)
    )
    out: dict[str, list[str | None]] = {c: [] for c in fk.columns}
    for r, e in enumerate(rows.tolist()):
        if e == 0 or (nullable and nul[r] < max(cfg.null_rate, 0.2)):
            target = None if nullable else e
        else:
            target = int(u[r] * e)
        for c, ref in zip(fk.columns, cols, strict=True):
            out[c].append(None if target is None else ref[target])  # type: ignore[index]
    return out
