"""Spec 000 names this path; the code lives in pgseed.packs.genonaut."""
