from __future__ import annotations

import pgseed


def test_all_is_sorted_and_importable() -> None:
    assert list(pgseed.__all__) == sorted(pgseed.__all__)
    for name in pgseed.__all__:
        assert getattr(pgseed, name) is not None
