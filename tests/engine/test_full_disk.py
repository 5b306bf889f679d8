"""A full disk: a clear error and exit 1, no traceback, no partial file left, and the
files of an earlier successful run in the same directory byte for byte as they were.

Real ``python -m pgseed`` processes writing into a 1 MB tmpfs (mounted here: the tests
run as root in CI; they skip, saying why, where mounting is not permitted).
"""

from __future__ import annotations

import os
import resource
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from psycopg import sql

from pgseed.cli import main
from tests.conftest import SMALL, drop_database, dsn_for, scalar, write_config
from tests.support.procs import env_for, run

pytestmark = pytest.mark.db

TINY = "size=1m"
EARLIER = ("--stores", "1", "--products", "2", "--end-date", "2024-01-10")  # a few KB
TOO_BIG = ("--stores", "10", "--products", "50")  # a year: megabytes of fixtures
RETAIL_SMALL = ("--stores", "3", "--products", "4", "--end-date", "2024-03-31")


def _mount(where: Path, options: str = TINY) -> None:
    where.mkdir(parents=True, exist_ok=True)
    try:
        r = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        pytest.skip("no mount command: cannot make a small disk to fill")
    if r.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here (needs root): {r.stderr.strip()}")


@pytest.fixture
def tiny(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs, unmounted afterwards."""
    where = tmp_path / "tiny"
    _mount(where)
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Take all but ``leave`` bytes of the disk."""
    st = os.statvfs(disk)
    size = st.f_bavail * st.f_frsize - leave
    if size > 0:
        fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            os.posix_fallocate(fd, 0, size)
        finally:
            os.close(fd)


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.name != "filler"}


def assert_clean_failure(
    rc: int, out: str, disk: Path, fix: str, reason: str = "No space left on device", code: int = 1
) -> None:
    assert rc == code, out
    assert reason in out, out
    if reason == "No space left on device":
        assert f"Fix: free space on the disk that holds {disk}" in out, out
    assert fix in out, out
    assert "Traceback" not in out, out
    assert not [p for p in disk.rglob("*") if ".part" in p.name], out


def _export(out: Path, fmt: str, *size: str) -> list[str]:
    return ["retail", "generate", "--full-new", *size, "--output", str(out), "--format", fmt]


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("leave", [None, 20_000, 0], ids=["fills-midway", "20kB-left", "full"])
def test_export_onto_a_full_disk_keeps_the_earlier_export(
    fmt: str, leave: int | None, tiny: Path, tmp_path: Path
) -> None:
    env = env_for(tmp_path)
    fixtures = tiny / "fixtures"  # the disk's filler beside it, not in the export's directory
    rc, out = run(_export(fixtures, fmt, *EARLIER), env)
    assert rc == 0, out
    before = snapshot(fixtures)
    assert len(before) == 8 and all(before.values())  # seven tables and the manifest
    if leave is not None:
        fill(tiny, leave)
    rc, out = run(_export(fixtures, fmt, *TOO_BIG), env)
    assert_clean_failure(rc, out, fixtures, "or choose another --output")
    assert "partial files were removed" in out
    assert snapshot(fixtures) == before


@pytest.mark.parametrize(
    ("limit", "code", "reason", "fix"),
    [
        # found before any work, like any --output that cannot be written: a bad flag
        ("read-only", 2, "Read-only file system", "is on a read-only file system: choose another"),
        ("file-size", 1, "File too large", "does not take files this large: choose another"),
    ],
    ids=["read-only", "file-size"],
)
def test_export_that_cannot_write_keeps_the_earlier_export(
    limit: str, code: int, reason: str, fix: str, tiny: Path, tmp_path: Path
) -> None:
    """Other ways a write fails: EROFS, EFBIG (a file size limit, ulimit -f) mid-way."""
    env = env_for(tmp_path)
    rc, out = run(_export(tiny, "csv", *EARLIER), env)
    assert rc == 0, out
    before = snapshot(tiny)
    limits = {}
    if limit == "read-only":
        subprocess.run(["mount", "-o", "remount,ro", str(tiny)], check=True)
    else:
        limits[resource.RLIMIT_FSIZE] = 100_000  # the export's files are larger
    rc, out = run(_export(tiny, "csv", *TOO_BIG), env, limits=limits)
    assert_clean_failure(rc, out, tiny, fix, reason, code)
    assert snapshot(tiny) == before


@pytest.fixture(scope="module")
def earlier_report(server_dsn: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A retail database and a report drawn from it (drawing is slow: once per module)."""
    name = f"pgseed_{uuid.uuid4().hex[:10]}_test"
    dsn = dsn_for(server_dsn, name)
    out = tmp_path_factory.mktemp("earlier-report")
    env = {"APP_ENV": "", "PGSEED_HOME": str(out / "home")}
    try:
        for args in (
            ["retail", "generate", "--full-new", *RETAIL_SMALL, "--database-url", dsn],
            ["retail", "report", "--database-url", dsn, "--out", str(out / "report")],
        ):
            res = CliRunner().invoke(main, args, env=env)
            assert res.exit_code == 0, res.output
        yield dsn, snapshot(out / "report")
    finally:
        drop_database(server_dsn, name)


@pytest.mark.parametrize("leave", [150_000, 40_000, 0], ids=["150kB-left", "40kB-left", "full"])
def test_report_onto_a_full_disk_keeps_the_earlier_report(
    leave: int, earlier_report: Any, tiny: Path, tmp_path: Path
) -> None:
    dsn, before = earlier_report
    assert "index.html" in before and len(before) == 6
    for name, data in before.items():
        (tiny / name).write_bytes(data)
    fill(tiny, leave)
    report = ["retail", "report", "--database-url", dsn, "--out", str(tiny)]
    rc, out = run(report, env_for(tmp_path))
    assert_clean_failure(rc, out, tiny, "or choose another --out")
    assert snapshot(tiny) == before


def _tables(dsn: str) -> int:
    q = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
    return int(scalar(dsn, q))


@pytest.mark.parametrize("pack", ["genonaut", "retail"])
def test_a_full_tmpdir_stops_a_run_with_workers(
    pack: str, db_dsn: str, tiny: Path, tmp_path: Path
) -> None:
    """The workers' context is pickled into TMPDIR: full, the run rolls back and says so.

    One page is left: Python's tempfile skips a TMPDIR where it cannot write 4 bytes."""
    fill(tiny, 4096)
    env = env_for(tmp_path, TMPDIR=str(tiny))
    if pack == "genonaut":
        # The context holds no users any more (issue 8, kind 12); a long images_dir makes
        # it bigger than the page left free.
        cfg = write_config(tmp_path, dict(SMALL, images_dir="data/" + "x" * 8000))
        args = ["genonaut", "generate", "--config", str(cfg)]
    else:  # a year of 500 series: more than one worker task, so a context to share
        args = ["retail", "generate", "--full-new", *TOO_BIG]
    rc, out = run([*args, "--database-url", db_dsn, "--max-workers", "2"], env)
    assert_clean_failure(rc, out, tiny, "or point TMPDIR at another directory")
    assert "All of it was rolled back" in out
    assert _tables(db_dsn) == 0
    assert [p.name for p in tiny.iterdir()] == ["filler"]  # no pgseed-PID-* directory left


@pytest.fixture
def full_tablespace(server_dsn: str, db_name: str) -> Iterator[str]:
    """db_name, created with its tables going to a tablespace on a 1 MB tmpfs."""
    admin = dsn_for(server_dsn, "postgres")
    with psycopg.connect(admin, autocommit=True) as c:
        row = c.execute("SHOW data_directory").fetchone()
    assert row is not None
    data = Path(str(row[0]))
    if not data.exists():
        pytest.skip("the test server's files are not on this machine: cannot fill its disk")
    # Not under pytest's tmp_path: the server's OS user must be able to reach it.
    disk = Path(tempfile.mkdtemp(prefix="pgseed-tablespace-"))
    disk.chmod(0o755)
    space = f"tiny_{db_name}"
    try:
        _mount(disk)
        os.chown(disk, data.stat().st_uid, data.stat().st_gid)  # the server's OS user
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(
                sql.SQL("CREATE TABLESPACE {} LOCATION {}").format(
                    sql.Identifier(space), sql.Literal(str(disk))
                )
            )
            c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
            c.execute(
                sql.SQL("ALTER DATABASE {} SET default_tablespace = {}").format(
                    sql.Identifier(db_name), sql.Identifier(space)
                )
            )
        yield dsn_for(server_dsn, db_name)
    finally:
        drop_database(server_dsn, db_name)
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(sql.SQL("DROP TABLESPACE IF EXISTS {}").format(sql.Identifier(space)))
        subprocess.run(["umount", "-l", str(disk)], check=False)
        disk.rmdir()


def test_a_full_disk_on_the_database_side_rolls_back(full_tablespace: str, tmp_path: Path) -> None:
    """Kept as it was: the COPY fails, the run rolls back, exit 1, no traceback."""
    cfg = write_config(tmp_path, SMALL)
    args = ["genonaut", "generate", "--database-url", full_tablespace, "--config", str(cfg)]
    rc, out = run(args, env_for(tmp_path))
    assert rc == 1, out
    assert "could not extend file" in out and "No space left on device" in out, out
    assert "All of it was rolled back" in out and "Traceback" not in out, out
    assert _tables(full_tablespace) == 0
