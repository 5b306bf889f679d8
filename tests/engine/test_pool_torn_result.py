"""A worker killed while it writes its result: the run fails with "a worker process died"
and the process exits. Python 3.11's executor thread then waits for the rest of that
message, and the interpreter's exit joins that thread: without pgseed's clean-up the
process printed its error and never exited (seen in CI)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.support.procs import REPO

SCRIPT = textwrap.dedent(
    """
    import gc, os, signal, struct, sys
    from multiprocessing.queues import SimpleQueue

    from pgseed.errors import GenerationError
    from pgseed.pool import Task, WorkerPool


    def torn(ctx, args):
        # in the worker: take the result pipe's lock, write a length header and half a
        # body, and die, as a worker the out-of-memory killer takes mid-write
        queue = next(o for o in gc.get_objects() if isinstance(o, SimpleQueue))
        queue._wlock.acquire()
        os.write(queue._writer.fileno(), struct.pack("!i", 1000) + b"x" * 10)
        os.kill(os.getpid(), signal.SIGKILL)


    if __name__ == "__main__":
        try:
            with WorkerPool(2) as pool:
                for _ in pool.map_ordered(torn, None, [Task("t", i) for i in range(4)]):
                    pass
        except GenerationError as exc:
            print("failed:", str(exc).splitlines()[0], flush=True)
            sys.exit(1)
        print("no failure", flush=True)
    """
)


def test_a_worker_killed_mid_result_ends_the_process(tmp_path: Path) -> None:
    script = tmp_path / "torn.py"
    script.write_text(SCRIPT)
    r = subprocess.run(
        [sys.executable, str(script)],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin", "TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,  # the old code never exits: TimeoutExpired fails the test
    )
    assert r.returncode == 1, r.stdout + r.stderr
    assert "failed: a worker process died" in r.stdout, r.stdout + r.stderr
    assert "Traceback" not in r.stderr, r.stderr
