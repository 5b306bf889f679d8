"""Where COPY bytes go when the output is files (issue 9: where bytes go is a strategy).

``FileSink`` has the interface of :class:`~pgseed.load.CopyLoader`, so a pack's run
can write ``<table>.csv``, ``<table>.json`` or ``<table>.parquet`` through the same
worker pipeline that loads a database. The files hold what the database would hold
after the same COPY: the data is decoded (``decode``: COPY text or binary tuples),
each value is printed as PostgreSQL prints it for its column type (``kinds``,
``pgtext``, ``jsonb``), and written in the chosen format (``formats``), a batch at a
time, so memory stays flat. The files are one :class:`~pgseed.files.FileSet`: all of
them or none. With them goes a manifest (``manifest``): the next export into the
directory replaces that export whole, and a directory holding files pgseed did not
write is refused (``check_output``).
"""

from __future__ import annotations

from .filesink import FORMATS, FileSink
from .manifest import MANIFEST, check_output

__all__ = ["FORMATS", "MANIFEST", "FileSink", "check_output"]
