"""YAML as YAML 1.2 reads it, for config files, ``SEEDER_*`` variables and ``--set``.

PyYAML implements YAML 1.1, whose implicit types surprise in a config: ``yes``,
``no``, ``on`` and ``off`` are booleans, ``010`` is octal 8 and ``1:30`` is the
sexagesimal 90. YAML 1.2's core schema (what the spec and most tools now mean by
YAML) reads booleans only from true/false, integers in decimal (``010`` is 10),
``0o`` octal and ``0x`` hex, and floats also in ``1e3`` form. ``load`` uses that
schema, keeps YAML 1.1's dates (``2024-01-01`` is a date), and refuses a mapping
that repeats a key instead of silently keeping the last value.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


class DuplicateKey(yaml.YAMLError):
    pass


class Loader(yaml.SafeLoader):
    pass


# YAML 1.1's bool/int/float resolvers out, YAML 1.2 core's in.
Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
Loader.add_implicit_resolver(
    _INT, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _int(loader: Loader, node: yaml.Node) -> int:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _bool(loader: Loader, node: yaml.Node) -> bool:
    return str(loader.construct_scalar(node)).lower() == "true"  # type: ignore[arg-type]


def _mapping(loader: Loader, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
    assert isinstance(node, yaml.MappingNode)
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            mark = key_node.start_mark
            raise DuplicateKey(
                f"the key {key!r} appears twice in one mapping (line {mark.line + 1}): "
                "YAML keeps only the last, so one of them is ignored"
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


Loader.add_constructor(_INT, _int)
Loader.add_constructor(_BOOL, _bool)
Loader.add_constructor("tag:yaml.org,2002:map", _mapping)


def load(text: str) -> Any:
    """``text`` read as YAML 1.2 (see the module docstring); yaml.YAMLError when it is not."""
    return yaml.load(text, Loader=Loader)
