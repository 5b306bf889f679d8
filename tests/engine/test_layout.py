"""Issue 9's layout rules, kept true: no import cycle in src/pgseed (module-level
imports; TYPE_CHECKING blocks and imports inside functions are not cycles at import
time), no SQL in the CLI, no module over 400 lines except data files."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
DATA_FILES = {"pgseed/packs/genonaut/vocab.py"}


def _modules() -> dict[str, Path]:
    out = {}
    for p in SRC.rglob("*.py"):
        parts = p.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    is_pkg = path.name == "__init__.py"
    here = name.split(".") if is_pkg else name.split(".")[:-1]
    deps: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.Import):
            deps |= {a.name for a in node.names}
            continue
        base = ".".join(here[: len(here) - node.level + 1]) if node.level else ""
        full = ".".join(p for p in (base, node.module or "") if p)
        for a in node.names:
            deps.add(f"{full}.{a.name}" if f"{full}.{a.name}" in known else full)
    return {d for d in deps if d in known and d != name}


def test_no_import_cycles() -> None:
    mods = _modules()
    graph = {n: _imports(n, p, set(mods)) for n, p in mods.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(n: str, stack: list[str]) -> None:
        state[n] = 1
        stack.append(n)
        for d in sorted(graph[n]):
            if state.get(d) == 1:
                cycles.append([*stack[stack.index(d) :], d])
            elif d not in state:
                visit(d, stack)
        stack.pop()
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n, [])
    assert graph["pgseed.cli"], "the import graph found nothing: the test is broken"
    assert not cycles, cycles


def test_no_sql_in_the_cli() -> None:
    sql = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE FROM|TRUNCATE|LOCK TABLE)\b|\.execute\(")
    offenders = [
        f"{p.name}:{i}"
        for p in (SRC / "pgseed" / "cli").glob("*.py")
        for i, line in enumerate(p.read_text().splitlines(), 1)
        if sql.search(line)
    ]
    assert not offenders, offenders


def test_no_module_over_400_lines() -> None:
    big = {
        str(p.relative_to(SRC)): n
        for p in SRC.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 400
    }
    assert set(big) <= DATA_FILES, big
