"""The registry of domain packs: a dict from name to pack, plus the ``pgseed.packs``
entry-point group, so a pack installed from another distribution appears in
``pgseed <name> ...`` like the built-in ones.

A registry entry names an object satisfying ``contract.Pack`` as ``"module:attribute"``;
it is imported only when that pack is used (``pgseed --help`` imports each for its
one-line help; one that cannot be imported is listed as such, not a traceback).
A third-party distribution declares, in its ``pyproject.toml``::

    [project.entry-points."pgseed.packs"]
    mypack = "mypack.pack:PACK"
"""

from __future__ import annotations

import importlib
from functools import cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .contract import Pack

ENTRY_POINT_GROUP = "pgseed.packs"

BUILTIN: dict[str, str] = {
    "genonaut": "pgseed.packs.genonaut.spec:PACK",
    "retail": "pgseed.packs.retail.spec:PACK",
    "social": "pgseed.packs.social.spec:PACK",
}


@cache
def registry() -> dict[str, str]:
    """Every pack's name -> ``"module:attribute"``; built-in names cannot be taken over."""
    found = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    return {**found, **BUILTIN}


def names() -> list[str]:
    return sorted(registry())


def load(ref: str) -> object:
    """Import ``"module:attribute"``."""
    module, _, attr = ref.partition(":")
    obj: object = importlib.import_module(module)
    for part in attr.split(".") if attr else ():
        obj = getattr(obj, part)
    return obj


def load_checked(name: str, ref: str) -> object:
    """``load``, with whatever the import raises (a missing module or attribute, an error
    in the pack's own code) as ConfigError (exit 2) naming the pack and the fix."""
    from ..errors import ConfigError

    try:
        return load(ref)
    except Exception as exc:
        raise ConfigError(
            f"pack '{name}' ({ref}) cannot be loaded: {type(exc).__name__}: {exc}\n"
            "Fix: reinstall the distribution that provides it, or uninstall it "
            "(pip show / pip uninstall)."
        ) from exc


def get_pack(name: str) -> Pack:
    """The pack registered as ``name``; ConfigError (exit 2) with a did-you-mean otherwise."""
    from ..config import did_you_mean
    from ..errors import ConfigError
    from .contract import Pack

    known = registry()
    if name not in known:
        raise ConfigError(
            f"Unknown pack '{name}'.{did_you_mean(name, known)} Known: {', '.join(sorted(known))}"
        )
    pack = load_checked(name, known[name])
    if not isinstance(pack, Pack):
        raise ConfigError(
            f"pack '{name}' ({known[name]}) does not satisfy pgseed's pack contract "
            "(pgseed.packs.contract.Pack).\nFix: see docs/packs.md."
        )
    return pack
