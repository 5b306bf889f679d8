"""The seed tools a user would pick instead of pgseed, run as a new user would.

Each peer is a PyPI package that promises to fill an existing PostgreSQL schema
with no configuration. It is installed, pinned, into its own venv under
``benchmarks/out/venvs/peer-<name>`` and run with the least configuration it
allows (a URL and a row count) on a fresh copy of a corpus database, with a
timeout. Then the audit (``pgseed.anyschema.audit``) measures what it left:

- tables holding rows / all tables (ordinary and partitioned parents);
- tables it added rows to, and whether it left rows committed after it failed;
- constraint violations re-checked from the data, sequences behind ``max(id)``,
  and changes to the schema's definitions (constraints, indexes, triggers, tables).

pgseed joins as a contender as soon as ``pgseed fill`` exists (the project venv's
``pgseed fill --database-url DSN --rows 100``); see ``pgseed_available``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

from pgseed.anyschema.audit import empty_tables, sequences_behind, snapshot, violations

REPO = Path(__file__).resolve().parents[1]
VENVS = REPO / "benchmarks" / "out" / "venvs"
ROWS = 100
TIMEOUT_S = 600
"""Every peer run measured ends within 25 s (most fail early); a tool still running
after ten minutes is counted as timed out, so `make corpus` ends in bounded time."""


@dataclass(frozen=True)
class Peer:
    name: str
    requirements: tuple[str, ...]
    command: Callable[[Path, str], list[str]]
    """(the peer's venv bin directory, a libpq URL) -> the command line."""
    notes: str = ""

    @property
    def venv(self) -> Path:
        return VENVS / f"peer-{self.name}"


def _socket_url(dsn: str, scheme: str = "postgresql") -> str:
    """The libpq URL with an explicit user, as the peers' own URL parsers want it."""
    info = psycopg.conninfo.conninfo_to_dict(dsn)
    host = str(info.get("host", "localhost"))
    db = str(info.get("dbname", "postgres"))
    user = str(info.get("user", "postgres"))
    port = str(info.get("port", "5432"))
    if host.startswith("/"):
        return f"{scheme}://{user}@localhost:{port}/{db}?host={host}"
    return f"{scheme}://{user}@{host}:{port}/{db}"


PEERS: dict[str, Peer] = {
    p.name: p
    for p in [
        Peer(
            "seedforge",
            ("seedforge==0.5.0",),
            lambda bin_, dsn: [
                str(bin_ / "seedforge"),
                "generate",
                _socket_url(dsn),
                "--rows",
                str(ROWS),
            ],
            "`seedforge generate URL --rows 100` (reads the schema, FK order, name heuristics)",
        ),
        Peer(
            "seedkit",
            ("seedkit==1.5.1",),
            lambda bin_, dsn: [
                str(bin_ / "seedkit"),
                "generate",
                "--db",
                _socket_url(dsn, "postgres"),
                "--rows",
                str(ROWS),
                "--output",
                "direct",
            ],
            "`seedkit generate --db URL --rows 100 --output direct` (a Rust binary in the wheel)",
        ),
    ]
}


def install(peer: Peer) -> None:
    stamp = peer.venv / ".installed"
    wanted = "\n".join(peer.requirements)
    if stamp.exists() and stamp.read_text() == wanted:
        return
    if not (peer.venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(peer.venv)], check=True)
    pip = [str(peer.venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, *peer.requirements], check=True)
    stamp.write_text(wanted)


PGSEED = REPO / ".venv" / "bin" / "pgseed"


def pgseed_available() -> bool:
    """HOOK: pgseed joins the table once ``pgseed fill`` is on this tree."""
    if not PGSEED.exists():
        return False
    probe = subprocess.run([str(PGSEED), "fill", "--help"], capture_output=True, timeout=60)
    return probe.returncode == 0


def pgseed_command(dsn: str) -> list[str]:
    return [str(PGSEED), "fill", "--database-url", dsn, "--rows", str(ROWS)]


@dataclass
class Outcome:
    tool: str
    app: str
    status: str = ""
    """ok, error (exit N), timeout."""
    seconds: float = 0.0
    tables: int = 0
    filled: int = 0
    """Tables holding rows afterwards (pre-existing rows count: a one-row table is full)."""
    gained: int = 0
    """Tables the tool added rows to."""
    partial_commit: bool = False
    """The tool failed, yet rows it wrote stayed committed."""
    violations: list[str] = field(default_factory=list)
    sequences_behind: list[str] = field(default_factory=list)
    schema_changes: list[str] = field(default_factory=list)
    tail: str = ""
    """The last lines it printed."""


def schemas_of(conn: psycopg.Connection[tuple[object, ...]]) -> list[str]:
    rows = conn.execute(
        "SELECT DISTINCT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        " AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def row_counts(conn: psycopg.Connection[tuple[object, ...]], schemas: list[str]) -> dict[str, int]:
    tables = conn.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY(%s)",
        [schemas],
    ).fetchall()
    out = {}
    for s, t in tables:
        row = conn.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(str(s), str(t)))
        ).fetchone()
        out[f"{s}.{t}"] = int(str(row[0])) if row else 0
    return out


def copy_database(server: str, template: str, name: str) -> str:
    with psycopg.connect(
        psycopg.conninfo.make_conninfo(server, dbname="postgres"), autocommit=True
    ) as c:
        c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        c.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    return psycopg.conninfo.make_conninfo(server, dbname=name)


def drop_database(server: str, name: str) -> None:
    with psycopg.connect(
        psycopg.conninfo.make_conninfo(server, dbname="postgres"), autocommit=True
    ) as c:
        c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def run(
    tool: str, command: Callable[[str], list[str]], server: str, template: str, app: str
) -> Outcome:
    """Run ``command`` on a fresh copy of ``template`` and audit what it left."""
    name = f"corpus_{app}_{tool}_test".replace("-", "_")
    dsn = copy_database(server, template, name)
    out = Outcome(tool, app)
    with psycopg.connect(dsn) as c:
        schemas = schemas_of(c)
        before = row_counts(c, schemas)
        shape = snapshot(c, schemas)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update({"APP_ENV": "", "NO_COLOR": "1"})
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"peer-{tool}-") as cwd:
        try:
            done = subprocess.run(
                command(dsn), cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S
            )
            out.status = "ok" if done.returncode == 0 else f"error (exit {done.returncode})"
            printed = (done.stdout or "") + (done.stderr or "")
        except subprocess.TimeoutExpired as exc:
            out.status = "timeout"
            printed = str(exc.stdout or "") + str(exc.stderr or "")
    out.seconds = time.perf_counter() - started
    out.tail = "\n".join(printed.strip().splitlines()[-6:])
    with psycopg.connect(dsn) as c:
        after = row_counts(c, schemas)
        out.tables = len(after)
        empty = {e.split(" ")[0] for e in empty_tables(c, schemas)}
        out.filled = len([t for t in after if t not in empty])
        out.gained = len([t for t, n in after.items() if n > before.get(t, 0)])
        out.partial_commit = out.status != "ok" and out.gained > 0
        out.violations = violations(c, schemas)
        out.sequences_behind = sequences_behind(c, schemas)
        out.schema_changes = shape.diff(snapshot(c, schemas))
    drop_database(server, name)
    return out


def peer_command(peer: Peer) -> Callable[[str], list[str]]:
    install(peer)
    return lambda dsn: peer.command(peer.venv / "bin", dsn)


def markdown(outcomes: list[Outcome]) -> str:
    head = (
        "| tool | app | result | tables with rows | tables it filled | committed after an error |"
        " violations | sequences behind | schema changes | s |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = [
        f"| {o.tool} | {o.app} | {o.status} | {o.filled}/{o.tables} | {o.gained} |"
        f" {'yes' if o.partial_commit else 'no'} | {len(o.violations)} | {len(o.sequences_behind)} |"
        f" {len(o.schema_changes)} | {o.seconds:.0f} |"
        for o in outcomes
    ]
    return head + "\n".join(lines) + "\n"
