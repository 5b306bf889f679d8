"""Domain packs, found by name in a plain registry."""

from __future__ import annotations

PACKS: tuple[str, ...] = ("genonaut",)


def check_pack(name: str) -> str:
    from ..config import did_you_mean
    from ..errors import ConfigError

    if name not in PACKS:
        raise ConfigError(
            f"Unknown pack '{name}'.{did_you_mean(name, PACKS)} Known: {', '.join(PACKS)}"
        )
    return name
