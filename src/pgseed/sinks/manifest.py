"""Which files of an ``--output`` directory are pgseed's: the manifest an export leaves.

Every export (``FileSink``) writes ``.pgseed-export.json`` beside its table files, in
the same all-or-nothing set: the format and each file with its rows. The next export
into the directory reads it to know the earlier export's files, and replaces that
export whole: its own files over theirs, and the earlier files it does not write again
(a table since dropped, the same tables in another format) removed in the same
all-or-nothing step, so the directory always holds exactly one export.

A directory holding anything else (a file or directory no manifest names, a manifest
that cannot be read) is refused with exit 2 before any work: pgseed never deletes a
file it did not write, and an export written beside foreign files would no longer be
one export. Ignored: hidden entries (``.gitkeep``, ``.gitignore``, ``.DS_Store``, which
no export reader takes for a table) and the transient files of a running or killed
export (``NAME.pgseed-PID.part|.old``; ``files.FileSet`` removes a dead one's).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from ..errors import ConfigError

MANIFEST = ".pgseed-export.json"
_TRANSIENT = re.compile(r"\.pgseed-\d+\.(part|old)$")
_SHOWN = 5  # foreign names listed in the message; the rest are counted


def _plain(name: object) -> bool:
    """A file name of the directory itself: nothing a manifest lists may reach elsewhere."""
    return (
        isinstance(name, str)
        and name not in ("", ".", "..", MANIFEST)
        and "/" not in name
        and "\\" not in name
        and "\0" not in name
    )


def _listed(directory: Path) -> set[str] | None:
    """The files the manifest names, or None when there is none that pgseed can read."""
    try:
        data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("written_by") != "pgseed":
        return None
    files = data.get("files")
    if not isinstance(files, dict):
        return None
    names = set(files)
    return names if all(_plain(n) for n in names) else None


def check_output(directory: Path) -> set[str]:
    """The files of the earlier export in ``directory`` (none when it is new or empty),
    which the next export replaces. ConfigError (exit 2) when ``directory`` is not a
    directory, or holds entries pgseed did not write."""
    directory = Path(directory)
    if not directory.exists():
        return set()
    if not directory.is_dir():
        raise ConfigError(f"--output {directory} exists and is not a directory.")
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return set()  # unreadable: FileSet's write reports it with its reason and fix
    present = {e.name for e in entries}
    listed = _listed(directory) if MANIFEST in present else None
    ours = set(listed or ())
    foreign = sorted(
        e.name + ("/" if e.is_dir(follow_symlinks=False) else "")
        for e in entries
        if (e.name == MANIFEST and listed is None)
        or (
            not e.name.startswith(".")
            and not _TRANSIENT.search(e.name)
            and (e.name not in ours or e.is_dir(follow_symlinks=False))
        )
    )
    if foreign:
        more = len(foreign) - _SHOWN
        names = ", ".join(foreign[:_SHOWN]) + (f" and {more} more" if more > 0 else "")
        raise ConfigError(
            f"--output {directory} holds files pgseed did not write ({names}). An export "
            f"goes into an empty directory or replaces pgseed's own earlier export there "
            f"(the one its {MANIFEST} names), so the directory holds one export; pgseed "
            "never deletes a file it did not write.\n"
            f"Fix: choose a new or empty directory for --output, or move those files out "
            f"of {directory}."
        )
    return {n for n in ours if n in present}


def manifest(fmt: str, rows: Mapping[str, int]) -> str:
    """The manifest of an export: its format and each file with its rows. No time or
    version in it, so the same export gives the same bytes (fixtures kept in git)."""
    data = {"written_by": "pgseed", "format": fmt, "files": dict(sorted(rows.items()))}
    return json.dumps(data, indent=2) + "\n"
