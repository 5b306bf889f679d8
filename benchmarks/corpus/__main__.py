"""``make corpus``: build the real-schema corpus, then run the seed tools on it.

    python -m benchmarks.corpus [--apps optuna,wagtail] [--tools seedforge,seedkit,pgseed]
                                [--no-tools] [--keep]

1. Each application (``registry.APPS``) is installed into its own venv and creates
   its schema in a fresh database ``<app>_corpus`` with its own code (``create.py``);
   its constructs are counted (``census.py``).
2. Each tool (``benchmarks/peers.py``: the PyPI peers, and pgseed once ``pgseed
   fill`` exists) runs on a fresh copy of each, with a timeout, and the audit says
   what it left.

Everything runs against one embedded PostgreSQL 18 in benchmarks/out/corpus-home
(or the server of ``PGSEED_BENCH_DSN``). Results: benchmarks/out/corpus/results.{json,md}.
Minutes to tens of minutes (installs included, the first time); never part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

from psycopg.conninfo import make_conninfo

from pgseed import embedded

from .. import peers
from .census import census
from .create import create
from .registry import APPS

OUT = Path(__file__).resolve().parents[1] / "out"


def corpus_table(rows: dict[str, dict[str, int]]) -> str:
    cols = [
        ("tables", "tables"), ("schemas", "schemas"), ("fks", "FKs"), ("composite_fks", "composite FKs"),
        ("self_refs", "self-refs"), ("pk_is_fk", "PK is FK"), ("fk_to_non_pk", "FK to non-PK key"),
        ("cycles", "FK cycles"), ("checks", "CHECKs"), ("unique_partial", "partial unique"),
        ("unique_expression", "expression unique"), ("exclusions", "EXCLUDE"), ("enums", "enums"),
        ("domains", "domains"), ("array_columns", "array cols"), ("json_columns", "json cols"),
        ("triggers", "triggers"), ("partitioned", "partitioned"),
    ]  # fmt: skip
    head = "| app | version | " + " | ".join(c[1] for c in cols) + " |\n"
    head += "|---|---|" + "---|" * len(cols) + "\n"
    body = ""
    for app, counts in rows.items():
        version = APPS[app].package.split("==")[1]
        body += f"| {app} | {version} | " + " | ".join(str(counts[c[0]]) for c in cols) + " |\n"
    return head + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the real-schema corpus and the peer tools")
    parser.add_argument("--apps", default=",".join(APPS), help="comma-separated (default: all)")
    parser.add_argument(
        "--tools",
        default="",
        help="comma-separated (default: every peer, and pgseed when it has `fill`)",
    )
    parser.add_argument(
        "--no-tools", action="store_true", help="build the corpus and count it only"
    )
    args = parser.parse_args(argv)
    apps = [a for a in args.apps.split(",") if a]
    unknown = [a for a in apps if a not in APPS]
    if unknown:
        parser.error(f"unknown app(s) {unknown}; known: {', '.join(APPS)}")

    out = OUT / "corpus"
    out.mkdir(parents=True, exist_ok=True)
    server = os.environ.get("PGSEED_BENCH_DSN") or embedded.start(
        OUT / "corpus-home", cleanup="stop"
    )
    print(f"server: {server}", flush=True)

    counts: dict[str, dict[str, int]] = {}
    failed: dict[str, str] = {}
    for app in apps:
        dsn = make_conninfo(server, dbname=f"{app}_corpus")
        print(f"[{app}] installing and creating the schema ...", flush=True)
        try:
            create(APPS[app], dsn, fresh=True)
        except Exception as exc:  # a broken app must not stop the others
            failed[app] = f"{type(exc).__name__}: {exc}"
            print(f"[{app}] FAILED: {failed[app]}", flush=True)
            continue
        counts[app] = census(dsn).as_dict()
        print(f"[{app}] {counts[app]['tables']} tables", flush=True)
        if counts[app]["tables"] != APPS[app].tables:
            print(
                f"[{app}] WARNING: the registry says {APPS[app].tables} tables; update"
                " benchmarks/corpus/registry.py and docs/any-schema.md",
                flush=True,
            )

    report = "## The corpus\n\n" + corpus_table(counts)
    outcomes: list[peers.Outcome] = []
    if not args.no_tools:
        tools = [t for t in args.tools.split(",") if t] or [
            *peers.PEERS,
            *(["pgseed"] if peers.pgseed_available() else []),
        ]
        for tool in tools:
            command = (
                peers.pgseed_command if tool == "pgseed" else peers.peer_command(peers.PEERS[tool])
            )
            for app in counts:
                o = peers.run(tool, command, server, f"{app}_corpus", app)
                outcomes.append(o)
                print(
                    f"[{tool} on {app}] {o.status}: {o.filled}/{o.tables} tables with rows,"
                    f" {len(o.violations)} violations, {len(o.sequences_behind)} sequences behind,"
                    f" {o.seconds:.0f} s",
                    flush=True,
                )
        report += "\n## The tools\n\n" + peers.markdown(outcomes)
    (out / "results.json").write_text(
        json.dumps(
            {"corpus": counts, "failed": failed, "tools": [asdict(o) for o in outcomes]}, indent=2
        )
    )
    (out / "results.md").write_text(report)
    print("\n" + report)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
