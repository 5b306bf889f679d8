"""Spec 002, Task 1's ``generator.py``: the vectorised, keyed generators of the rows.

``users_block`` draws a block of users; ``item_draws`` a block of content items with
their generation jobs; ``plan`` sizes a run from the config and the database. A block
depends only on the seed and its index, so the bytes do not depend on the worker count.
"""

from pgseed.packs.genonaut.generate import block_bounds, item_draws, users_block
from pgseed.packs.genonaut.pack import plan

__all__ = ["block_bounds", "item_draws", "plan", "users_block"]
