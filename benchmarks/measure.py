"""Run a command and measure it: wall time, peak RSS of its process tree, CPU.

Client CPU comes from ``RUSAGE_CHILDREN`` (the command and every descendant it
waited for, such as pgseed's worker processes). Server CPU is the growth of the
PostgreSQL postmaster's own, its reaped children's and its live children's CPU
time: backends that exit during the run are counted once reaped.
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil


@dataclass(frozen=True)
class Measure:
    wall: float
    peak_rss_mb: float
    client_cpu: float
    server_cpu: float | None
    stdout: str

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d.pop("stdout")
        return d


def server_cpu(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        pm = psutil.Process(pid)
        t = pm.cpu_times()
        total = t.user + t.system + t.children_user + t.children_system
        for child in pm.children(recursive=True):
            try:
                c = child.cpu_times()
                total += c.user + c.system
            except psutil.NoSuchProcess:
                pass
        return total
    except psutil.NoSuchProcess:
        return None


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):  # it may exit while we look
            total += p.memory_info().rss
    return total


def run(
    cmd: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    server_pid: int | None = None,
    timeout: float = 3600,
) -> Measure:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    s0 = server_cpu(server_pid)
    started = time.perf_counter()
    proc = psutil.Popen(
        cmd,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    peak = 0
    out_parts: list[str] = []
    # Poll memory while the command runs; a reader thread drains its output.
    import threading

    reader = threading.Thread(target=lambda: out_parts.append(proc.stdout.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc))
        time.sleep(0.05)
        if time.perf_counter() - started > timeout:
            proc.kill()
            raise TimeoutError(f"{cmd[:4]} took over {timeout} s")
    wall = time.perf_counter() - started
    reader.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    s1 = server_cpu(server_pid)
    out = "".join(out_parts)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:6])} ... exited {proc.returncode}:\n{out[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measure(
        wall=wall,
        peak_rss_mb=peak / 2**20,
        client_cpu=cpu,
        server_cpu=None if s0 is None or s1 is None else s1 - s0,
        stdout=out,
    )
