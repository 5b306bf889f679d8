"""Where COPY bytes go when the output is files (issue 9: where bytes go is a strategy).

``FileSink`` has the interface of :class:`~pgseed.load.CopyLoader`, so a pack's run
can write ``<table>.csv``, ``<table>.json`` or ``<table>.parquet`` through the same
worker pipeline that loads a database. The files hold what the database would hold
after the same COPY: the data is decoded (``decode``: COPY text or binary tuples),
each value is printed as PostgreSQL prints it for its column type (``kinds``,
``pgtext``, ``jsonb``), and written in the chosen format (``formats``), a batch at a
time, so memory stays flat. The files are one :class:`~pgseed.files.FileSet`: all of
them or none.
"""

from __future__ import annotations

from .filesink import FORMATS, FileSink

__all__ = ["FORMATS", "FileSink"]
