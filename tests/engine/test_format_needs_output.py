"""``--format`` without ``--output`` is refused (exit 2) by every verb that has both: it
was silently ignored, and the run wrote to a database the user meant to spare."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import database_exists

VERBS = {
    "retail": ["retail", "generate", "--full-new", "--stores", "1", "--products", "1", "--confirm"],
    "genonaut": ["genonaut", "generate"],
    "fill": ["fill", "--rows", "3"],
    "a registered pack": ["bookshop", "generate", "--confirm"],
}


@pytest.mark.db
@pytest.mark.parametrize("verb", list(VERBS))
def test_format_without_output_is_refused(
    cli: Any, bookshop: None, server_dsn: str, db_name: str, db_dsn: str, verb: str
) -> None:
    r = cli(*VERBS[verb], "--database-url", db_dsn, "--format", "parquet")
    assert r.exit_code == 2, r.output
    assert "--format parquet chooses the files of --output" in r.output, r.output
    assert "Fix: add --output DIR, or drop --format." in r.output
    assert "Traceback" not in r.output
    assert not database_exists(server_dsn, db_name)  # nothing was created or written


# fill --output reads a database's schema: its files are tested in tests/anyschema.
@pytest.mark.parametrize("verb", [v for v in VERBS if v != "fill"])
def test_the_format_defaults_to_csv(cli: Any, bookshop: None, tmp_path: Any, verb: str) -> None:
    args = [a for a in VERBS[verb] if a != "--confirm"]
    args += ["--seed", "1", "--output", str(tmp_path / "out")]
    r = cli(*args)
    assert r.exit_code == 0, r.output
    assert list((tmp_path / "out").glob("*.csv")), r.output
