from __future__ import annotations

import pytest

import pgseed


def test_all_is_sorted_and_importable() -> None:
    assert list(pgseed.__all__) == sorted(pgseed.__all__)
    assert "generate" in pgseed.__all__ and "Pack" in pgseed.__all__
    for name in pgseed.__all__:
        assert getattr(pgseed, name) is not None


@pytest.mark.parametrize(
    "module",
    ["pgseed.packs.genonaut.generate", "pgseed.packs.retail.simulate", "pgseed.packs.retail.work"],
)
def test_workers_import_no_database_stack(module: str) -> None:
    """What a worker process needs to generate a block spawns fast: numpy, not the
    database or config stack."""
    import subprocess
    import sys

    code = (
        f"import sys, {module}; "
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'psycopg', 'pydantic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_all_matches_the_lazy_exports() -> None:
    assert set(pgseed.__all__) == set(pgseed._EXPORTS)
