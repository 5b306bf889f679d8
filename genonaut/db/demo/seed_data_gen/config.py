"""Spec 002, Task 1's ``config.py``: the seeder's config is pgseed's Genonaut config.

``GenonautConfig`` (the pydantic model of ``config.json``'s seeder keys), ``file_values``
(reading ``config.json`` in spec 000's or spec 001's layout) and ``admin_uuid`` (the
admin from the environment, ``env/.env`` or ``.env``).
"""

from pgseed.packs.genonaut.config import GenonautConfig, admin_uuid, file_values

__all__ = ["GenonautConfig", "admin_uuid", "file_values"]
