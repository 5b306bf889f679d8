"""Spec 002, Task 1's ``bulk_inserter.py``: rows go in with COPY, not INSERTs.

``CopyLoader`` writes encoded blocks to each table with ``COPY ... FROM STDIN`` (binary
where every column allows it), in FK order, inside the run's one transaction.
"""

from pgseed.load import CopyLoader

__all__ = ["CopyLoader"]
