"""Config values: the types every pack's config model uses, the checks made on every
source's values, the file readers, and errors that name the key and its source.

A pack's config is a pydantic model; ``layers.py`` merges its sources (defaults <
preset < file < environment < flags < --set) and validates once, turning pydantic's
errors into a ``ConfigError`` (``invalid``) that names the key, the bad value, where
it came from and what was expected. Unknown keys fail with a did-you-mean suggestion.

Values are read as their sources give them (the command line gives text, JSON
and YAML give typed values), and pydantic converts text to numbers. Two
conversions it would also make are refused, because they hide mistakes:

* a boolean where a number is expected (JSON ``true``, YAML ``yes``, which
  pydantic would read as 1): every numeric key is declared with ``Int`` or
  ``Float`` below, which refuse booleans; ``Date`` refuses numbers (pydantic
  would read ``20240101`` as seconds since 1970);
* ``null`` for a key that has a default (it would silently mean the default, or
  fail with a message about types): ``check_values`` names the key and says to
  leave it out. Keys whose type admits None (``holidays``) take null.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import types
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, BeforeValidator, ValidationError

from . import yaml12
from .errors import ConfigError


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a number, not a boolean")
    return value


def _not_number(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("expected a date like 2024-01-01, not a number")
    return value


Int = Annotated[int, BeforeValidator(_not_bool)]
"""An int that refuses booleans (use it for every integer config key)."""
Float = Annotated[float, BeforeValidator(_not_bool)]
"""A float that refuses booleans (use it for every float config key)."""
Date = Annotated[dt.date, BeforeValidator(_not_number)]
"""A date that refuses numbers (use it for every date config key)."""


def _allows_none(annotation: Any) -> bool:
    if annotation is None or annotation is type(None) or annotation is Any:
        return True
    if get_origin(annotation) is Annotated:
        return _allows_none(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_allows_none(a) for a in get_args(annotation))
    return False


def _unstorable(value: Any, path: str = "") -> tuple[str, str] | None:
    """(where inside ``value``, why) PostgreSQL cannot store some text in it; None: it can."""
    if isinstance(value, str):
        if "\x00" in value:
            return path, "contains a NUL character (\\x00), which PostgreSQL text cannot store"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path, "is not valid Unicode text (undecodable bytes?)"
        return None
    items: list[tuple[str, Any]] = []
    if isinstance(value, Mapping):
        for k, v in value.items():
            items += [
                (f"{path}.{k}" if path else str(k), k),
                (f"{path}.{k}" if path else str(k), v),
            ]
    elif isinstance(value, list | tuple):
        items = [(f"{path}[{i}]", v) for i, v in enumerate(value)]
    for where, v in items:
        found = _unstorable(v, where)
        if found:
            return found
    return None


def check_values(
    values: Mapping[str, Any], model: type[BaseModel], where: str, prefix: str = ""
) -> None:
    """Refuse, for any key (nested keys too), ``null`` where its type does not admit
    None, and text PostgreSQL cannot store. Raises ConfigError naming the key."""
    for key, value in values.items():
        found = _unstorable(key) or _unstorable(value)
        if found:
            inner, why = found
            name = f"{prefix}{key}" + (
                inner if inner.startswith("[") else f".{inner}" if inner else ""
            )
            raise ConfigError(
                f"invalid config:\n  {name} (from {where}) {why}.\n"
                "Fix: remove the character from the value."
            )
        field = model.model_fields.get(str(key))
        if field is None:
            continue  # unknown keys are refused elsewhere, with a did-you-mean
        ann = field.annotation
        if value is None and not _allows_none(ann):
            default = field.get_default(call_default_factory=True)
            shown = default.model_dump(mode="json") if isinstance(default, BaseModel) else default
            raise ConfigError(
                f"invalid config:\n  {prefix}{key} (from {where}): null is not allowed.\n"
                f"Fix: leave the key out to use the default ({json.dumps(shown, default=str)}), "
                "or give a value."
            )
        if isinstance(ann, type) and issubclass(ann, BaseModel) and isinstance(value, Mapping):
            check_values(value, ann, where, f"{prefix}{key}.")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def check_keys(kind: str, given: Iterable[str], known: Iterable[str], where: str) -> None:
    known = list(known)
    for key in given:
        if key not in known:
            raise ConfigError(
                f"Unknown {kind} '{key}' in {where}.{did_you_mean(key, known)}\n"
                f"Known keys: {', '.join(sorted(known))}."
            )


def read_text(path: Path) -> str:
    """A config file's text, or a ConfigError saying why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(
            f"config file {path} does not exist.\nFix: check the path (or leave --config out for the defaults)."
        ) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path} is not UTF-8 text ({exc.reason}).") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc


class _DuplicateKey(ValueError):
    pass


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when it repeats a key (json keeps only the last silently)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def read_json(path: Path) -> dict[str, Any]:
    text = read_text(path)
    try:
        data = json.loads(text, object_pairs_hook=_unique_pairs)
    except _DuplicateKey as exc:
        raise ConfigError(
            f"config file {path}: the key {exc.args[0]!r} appears twice in one object, and "
            "JSON keeps only the last.\nFix: remove one of them."
        ) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"config file {path} is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}."
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a JSON object at the top level.")
    return data


def read_yaml(path: Path) -> dict[str, Any]:
    text = read_text(path)
    try:
        data = yaml12.load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {path} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping at the top level.")
    return data


def invalid(
    exc: ValidationError, origin: Mapping[str, str], title: str = "invalid config"
) -> ConfigError:
    """A ConfigError naming each bad key (dotted), where its value came from, and why.

    ``origin`` maps keys (top-level or dotted) to the source that set them; the
    longest matching prefix of an error's location names the source.
    """
    lines = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        key = ".".join(loc) or "config"
        prefixes = (".".join(loc[:n]) for n in range(len(loc), 0, -1))
        src = next((origin[p] for p in prefixes if p in origin), None)
        where = f" (from {src})" if src else ""
        msg = str(err["msg"]).removeprefix("Value error, ")
        if not loc:  # a rule across keys: its message names them
            lines.append(msg)
            continue
        first, _, rest = msg.partition("\n")
        # A rule over a whole section names the values itself: its input (the section's
        # dict, with Python reprs like datetime.date(...)) would only repeat them.
        got = "" if isinstance(err.get("input"), Mapping) else f", got {err.get('input')!r}"
        lines.append(f"{key}{where}: {first}{got}" + (f"\n{rest}" if rest else ""))
    return ConfigError(f"{title}:\n  " + "\n  ".join(lines))
