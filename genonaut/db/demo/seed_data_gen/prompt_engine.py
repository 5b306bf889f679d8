"""Spec 002, Task 1's ``prompt_engine.py``: prompts from spec 001's word lists.

``prompts(rng, n, domains)``: one domain per prompt, 4-30 of its phrases and 0-10
general phrases, shuffled and joined with ", ". ``DOMAIN_PROMPTS`` (the 30 domains),
``GENERAL_PHRASES`` and ``TAG_POOL`` are the spec's lists as written.
"""

from pgseed.packs.genonaut.generate import prompts
from pgseed.packs.genonaut.vocab import DOMAIN_PROMPTS, GENERAL_PHRASES, TAG_POOL

__all__ = ["DOMAIN_PROMPTS", "GENERAL_PHRASES", "TAG_POOL", "prompts"]
