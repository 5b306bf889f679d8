"""The Genonaut pack (specs 000-002): users, content_items, content_items_auto, generation_jobs.

Kept empty of imports: worker processes import only ``generate`` (numpy); the
schema and CLI-facing pieces live in ``spec``, ``config``, ``pack`` and ``verify``.
"""
