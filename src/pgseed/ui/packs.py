"""What the dashboard offers per pack: the config form's fields and each action as the
CLI commands it runs.

An action is a list of steps, each one ``pgseed`` command line (without the target: the
worker passes it in the environment). Every step is a real CLI run in a child process,
so the engine's guards, its one transaction and its rollback on a signal apply unchanged.
A destructive action also names its preview: the same commands with ``--dry-run``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..packs.retail.config import SCENARIOS

Argv = tuple[str, ...]


@dataclass(frozen=True)
class Field:
    """One input of the config form and the CLI flag it becomes (empty: not passed, so
    the config's own default, file or environment applies, as on the command line)."""

    key: str
    label: str
    flag: str
    kind: str = "text"  # text | int | float | date | select | check
    placeholder: str = ""
    choices: tuple[str, ...] = ()
    actions: frozenset[str] = frozenset({"generate"})


@dataclass(frozen=True)
class Action:
    key: str  # generate | append | delete
    label: str
    destructive: bool
    help: str


@dataclass(frozen=True)
class PackUI:
    name: str
    fields: tuple[Field, ...]
    actions: tuple[Action, ...]
    scopes: tuple[str, ...] = ()  # Delete's scopes; () for a pack without Delete
    note: str = ""
    sets: frozenset[str] = field(default_factory=lambda: frozenset({"generate", "append"}))

    def action(self, key: str) -> Action | None:
        return next((a for a in self.actions if a.key == key), None)

    def flags(self, action: str, values: Mapping[str, str]) -> list[str]:
        """The flags the form's ``values`` give ``action``: filled fields only, plus one
        ``--set`` per non-empty line of "more settings"."""
        out: list[str] = []
        for f in self.fields:
            if action not in f.actions:
                continue
            v = values.get(f.key, "").strip()
            if f.kind == "check":
                if v:
                    out.append(f.flag)
            elif v:
                out += [f.flag, v]
        if action in self.sets:
            for line in values.get("more", "").splitlines():
                if line.strip():
                    out += ["--set", line.strip()]
        return out

    def steps(self, action: str, values: Mapping[str, str], *, preview: bool) -> list[Argv]:
        """The command lines of ``action`` (``preview``: its dry run)."""
        build = _STEPS.get(self.name, _generic)
        return [
            tuple(s) for s in build(self.name, action, self.flags(action, values), values, preview)
        ]


def _retail(
    name: str, action: str, flags: list[str], values: Mapping[str, str], preview: bool
) -> list[list[str]]:
    last = ["--dry-run"] if preview else ["--confirm"]
    if action == "generate":
        return [["retail", "generate", "--full-new", *flags, *last]]
    if action == "append":
        return [["retail", "generate", "--append", *flags, *(["--dry-run"] if preview else [])]]
    scope = values.get("scope", "all") or "all"
    return [["retail", "generate", "--delete", "--scope", scope, *last]]


def _social(
    name: str, action: str, flags: list[str], values: Mapping[str, str], preview: bool
) -> list[list[str]]:
    last = ["--dry-run"] if preview else ["--confirm"]
    if action == "generate":
        # Generate New replaces: the social tables are emptied and seeded anew in one
        # transaction, so a Cancel or a failure leaves them as they were.
        return [["social", "seed-all", "--replace", *flags, *last]]
    if action == "append":
        return [["social", "seed-activity", *flags, *(["--dry-run"] if preview else [])]]
    scope = values.get("scope", "all") or "all"
    return [["social", "reset", "--scope", scope, *last]]


def _generic(
    name: str, action: str, flags: list[str], values: Mapping[str, str], preview: bool
) -> list[list[str]]:
    """genonaut and a third-party pack: ``generate`` adds rows."""
    return [[name, "generate", *flags, *(["--dry-run"] if preview else [])]]


_STEPS = {"retail": _retail, "social": _social}

GA = frozenset({"generate", "append"})

RETAIL = PackUI(
    name="retail",
    fields=(
        Field("scenario", "scenario", "--scenario", "select", "retail_standard", tuple(SCENARIOS)),
        Field("seed", "seed", "--seed", "int", "42", actions=GA),
        Field("stores", "stores", "--stores", "int", "10"),
        Field("products", "products", "--products", "int", "50"),
        Field("start_date", "start date", "--start-date", "date", "2024-01-01", actions=GA),
        Field("end_date", "end date", "--end-date", "date", "2024-12-31", actions=GA),
        Field("sparsity", "sparsity", "--sparsity", "float", "0.0"),
    ),
    actions=(
        Action("generate", "Generate New", True, "replaces the pack's 7 tables (--full-new)"),
        Action("append", "Append", False, "adds sales and inventory for start..end date"),
        Action("delete", "Delete", True, "empties the scope's tables"),
    ),
    scopes=("all", "facts", "dimensions"),
)

SOCIAL = PackUI(
    name="social",
    fields=(
        Field("run_seed", "run seed", "--run-seed", "text", "drawn when empty", actions=GA),
        Field("count", "profiles", "--count", "int", "100"),
        Field("activity_days", "activity days", "--activity-days", "int", "30"),
        Field("start_date", "start date", "--start-date", "date", "2024-01-01", actions=GA),
        Field("days", "days to append", "--days", "int", "30", actions=frozenset({"append"})),
        Field("market", "market", "--market", "select", "default", ("default", "realistic")),
        Field("skip_jobs", "skip the jobs", "--skip-jobs", "check"),
    ),
    actions=(
        Action(
            "generate",
            "Generate New",
            True,
            "seed-all --replace: empty and seed anew, one transaction",
        ),
        Action("append", "Append", False, "seed-activity: more days after the last ones"),
        Action("delete", "Delete", True, "reset --scope"),
    ),
    scopes=("all", "activity", "derived"),
)

GENONAUT = PackUI(
    name="genonaut",
    fields=(
        Field("seed", "seed", "--seed", "int", "drawn when empty"),
        Field("users", "users", "--target-rows-users", "int", "500"),
        Field("content_items", "content items", "--target-rows-content-items", "int", "20000"),
        Field(
            "auto_items", "auto content items", "--target-rows-content-items-auto", "int", "100000"
        ),
        Field(
            "prompt_types", "prompt types", "--prompt-types", "text", "all; e.g. Fashion,Portraits"
        ),
        Field("date_start", "date start", "--date-start", "text", "2025-05-01 00:00:00"),
        Field("date_end", "date end", "--date-end", "text", "2025-09-21 23:59:59"),
    ),
    actions=(Action("generate", "Generate", False, "adds rows to what is there"),),
    note=(
        "genonaut has no delete verb: its generate adds rows beside the application's own "
        "(users, content), and deleting only the seeded ones needs the engine to tell them "
        "apart, which it does not do yet. Use a fresh _demo/_test database instead."
    ),
    sets=frozenset({"generate"}),
)

BUILTIN: dict[str, PackUI] = {p.name: p for p in (GENONAUT, RETAIL, SOCIAL)}


def ui_for(name: str) -> PackUI:
    """The built-in form of ``name``; a third-party pack gets Generate with "more settings"."""
    return BUILTIN.get(name) or PackUI(
        name=name,
        fields=(Field("seed", "seed", "--seed", "int", "drawn when empty"),),
        actions=(Action("generate", "Generate", False, "the pack's generate"),),
        sets=frozenset({"generate"}),
    )


def display(steps: Sequence[Argv]) -> str:
    """The commands as a person would type them (no URL in them: the target is the env's)."""
    import shlex

    return " && ".join("pgseed " + " ".join(shlex.quote(a) for a in s) for s in steps)
