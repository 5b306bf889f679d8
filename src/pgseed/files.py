"""Files pgseed writes: complete or absent, never half-written.

:class:`FileSet` writes a set of files (an export's fixtures, a report's pictures
and page) into one directory:

1. each file is written to ``NAME.pgseed-PID.part`` beside its final name;
2. once every file is written, each is flushed, fsynced and closed (a full disk
   can first show up here, on the last buffer or on the fsync);
3. only then are they renamed over their final names, in a section that stop
   signals wait for (``signals.deferred``).

Any failure before step 3 (an error, a full disk, Ctrl-C, SIGTERM) removes every
partial file and leaves the files already in the directory as they were, so an
earlier complete set stays complete. An OSError (ENOSPC, EDQUOT, EROFS, EACCES,
EFBIG, ...) becomes a :class:`~pgseed.errors.FileWriteError` naming the directory,
the reason and the fix. Closing a file on a full disk raises too, so the clean-up
swallows its own errors rather than replace the first one.

The renames are all or nothing too: files already there are moved aside first and
put back if a rename fails (a directory in the way is refused before any rename), and
directories the set created are removed again when it fails. Files the set retires
(``retire``: an earlier export's files this one does not write again) are moved aside
with them and removed only once every new file is in place.

A process killed with SIGKILL cannot clean up. Its partial files carry its pid, and
the next FileSet in the same directory removes those whose owner is gone;
``sweep`` does the same for the worker pool's ``pgseed-PID-*`` temporary directories.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from . import signals
from .errors import FileWriteError

PART = re.compile(r"\.pgseed-(\d+)\.part$")

_FIX = {
    errno.ENOSPC: "free space on the disk that holds {d}, or {alt}",
    errno.EDQUOT: "free space within your disk quota on {d} (or have it raised), or {alt}",
    errno.EROFS: "{d} is on a read-only file system: {alt}",
    errno.EACCES: "give yourself write permission on {d}, or {alt}",
    errno.EPERM: "give yourself write permission on {d}, or {alt}",
    errno.EFBIG: "the file system holding {d} does not take files this large: {alt}",
}


def describe(exc: OSError, directory: Path, alternative: str) -> tuple[str, str]:
    """(reason, fix) for an OSError met while writing into ``directory``."""
    code = errno.errorcode.get(exc.errno or 0)
    reason = (exc.strerror or str(exc)) + (f" ({code})" if code else "")
    fix = _FIX.get(exc.errno or 0, "check {d}, or {alt}").format(d=directory, alt=alternative)
    return reason, fix


def write_error(exc: OSError, directory: Path, what: str, alternative: str) -> FileWriteError:
    """A message a person can act on, for an OSError met while writing into ``directory``."""
    reason, fix = describe(exc, directory, alternative)
    return FileWriteError(f"cannot write {what} to {directory}: {reason}.\nFix: {fix}.")


def owner_gone(pid: int, mtime: float) -> bool:
    """True when ``pid`` is dead, or is a newer process that reused the number
    (it started after the file or directory was last written)."""
    import psutil

    try:
        started: float = psutil.Process(pid).create_time()
    except psutil.NoSuchProcess:
        return True
    except psutil.Error:  # e.g. no access to it: not ours to judge
        return False
    return started > mtime + 1.0  # create_time has clock-tick precision


def sweep(directory: Path, pattern: re.Pattern[str]) -> list[str]:
    """Remove the entries of ``directory`` (files or directories) whose names match
    ``pattern``, are ours (same uid) and whose owner pid (group 1) is gone."""
    removed: list[str] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    uid = os.getuid() if hasattr(os, "getuid") else None
    for entry in entries:
        m = pattern.search(entry.name)
        if m is None or int(m.group(1)) == os.getpid():
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if (uid is not None and st.st_uid != uid) or not owner_gone(int(m.group(1)), st.st_mtime):
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
        removed.append(entry.name)
    return removed


def created_dirs(directory: Path) -> list[Path]:
    """The directories ``mkdir(parents=True)`` would create for ``directory``, deepest first."""
    out = []
    d = directory.absolute()
    while not d.exists() and d != d.parent:
        out.append(d)
        d = d.parent
    return out


def remove_created(dirs: list[Path]) -> None:
    """Remove directories a failed write created, deepest first, while they are empty."""
    for d in dirs:
        try:
            d.rmdir()
        except OSError:
            return


class FileSet:
    """``with FileSet(dir, ...) as files: f = files.open("a.csv"); ...``: all or nothing."""

    def __init__(self, directory: Path, *, what: str, alternative: str) -> None:
        self.directory = directory
        self.what = what  # "the fixtures", "the report"
        self.alternative = alternative  # "choose another --output"
        self._open: list[tuple[Path, Path, IO[Any]]] = []  # (part, final, file)
        self._retired: list[Path] = []

    def error(self, exc: OSError) -> FileWriteError:
        return write_error(exc, self.directory, self.what, self.alternative)

    def __enter__(self) -> FileSet:
        self._created = created_dirs(self.directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self.error(exc) from exc
        sweep(self.directory, PART)
        return self

    def open(self, name: str, *, binary: bool = False) -> IO[Any]:
        """A new file that becomes ``directory/name`` when the whole set is complete."""
        final = self.directory / name
        part = final.with_name(f"{final.name}.pgseed-{os.getpid()}.part")
        f: IO[Any] = (
            open(part, "wb")  # noqa: SIM115  (closed by _complete or _abort)
            if binary
            else open(part, "w", encoding="utf-8", newline="")  # noqa: SIM115
        )
        self._open.append((part, final, f))
        return f

    def retire(self, name: str) -> None:
        """Remove ``directory/name`` when the whole set is in place (and only then): a
        file of the set this one replaces that it does not write again."""
        self._retired.append(self.directory / name)

    def __exit__(
        self, typ: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None:
            try:
                self._complete()
                with signals.deferred():
                    self._rename()
                return
            except BaseException as failure:
                exc = failure
        with signals.deferred():
            self._abort()
        if isinstance(exc, OSError):
            raise self.error(exc) from exc
        if exc is not None and typ is None:  # failed in _complete or _rename: not re-raised by with
            raise exc

    def _complete(self) -> None:
        for _, _, f in self._open:
            if not f.closed:
                f.flush()
                os.fsync(f.fileno())
                f.close()

    def _rename(self) -> None:
        """Every part over its final name, or none: the files already there are first
        moved aside (``NAME.pgseed-PID.old``) and put back if any rename fails."""
        for _, final, _ in self._open:
            if final.is_dir() and not final.is_symlink():
                raise IsADirectoryError(errno.EISDIR, "a directory has the file's name", str(final))
        moved: list[tuple[Path, Path]] = []  # (final, its old content aside)
        placed: list[Path] = []
        try:
            # A retired name that has become a directory since is not the file retired.
            retired = [r for r in self._retired if r.is_symlink() or not r.is_dir()]
            for final in [*(f for _, f, _ in self._open), *retired]:
                if final.exists() or final.is_symlink():
                    old = final.with_name(f"{final.name}.pgseed-{os.getpid()}.old")
                    os.replace(final, old)
                    moved.append((final, old))
            for part, final, _ in self._open:
                os.replace(part, final)
                placed.append(final)
        except BaseException:
            kept = {final for final, _ in moved}
            for final in placed:
                if final not in kept:
                    with contextlib.suppress(OSError):
                        final.unlink()
            for final, old in moved:
                with contextlib.suppress(OSError):
                    os.replace(old, final)
            raise
        for _, old in moved:
            with contextlib.suppress(OSError):
                old.unlink()
        self._open, self._retired = [], []

    def _abort(self) -> None:
        for part, _, f in self._open:
            with contextlib.suppress(OSError):
                f.close()  # on a full disk the last flush fails here too
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)
        self._open, self._retired = [], []
        remove_created(getattr(self, "_created", []))
