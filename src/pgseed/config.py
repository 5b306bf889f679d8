"""Config layering: defaults < config file < environment < CLI flags.

A pack's config is a pydantic model. ``layer`` merges plain dicts from each
source in that order and validates once, turning pydantic's errors into a
``ConfigError`` that names the key, the bad value and what was expected.
Unknown keys fail with a did-you-mean suggestion.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import ConfigError

M = TypeVar("M", bound=BaseModel)

ENV_PREFIX = "PGSEED_"


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
        raise ConfigError(f"config file {path} does not exist.\nFix: pass --config PATH.") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path} is not UTF-8 text ({exc.reason}).") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc


def read_json(path: Path) -> dict[str, Any]:
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"config file {path} is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}."
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a JSON object at the top level.")
    return data


def env_values(model: type[BaseModel], environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``PGSEED_<KEY>`` environment variables for the model's keys."""
    environ = os.environ if environ is None else environ
    out: dict[str, str] = {}
    for key in model.model_fields:
        name = ENV_PREFIX + key.upper()
        if name in environ:
            out[key] = environ[name]
    return out


def layer(model: type[M], *sources: tuple[str, Mapping[str, Any]]) -> M:
    """Merge ``(source name, values)`` pairs, later ones winning, and validate."""
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for where, values in sources:
        check_keys("config key", values, model.model_fields, where)
        for key, value in values.items():
            if value is not None:
                merged[key] = value
                origin[key] = where
    try:
        return model.model_validate(merged)
    except ValidationError as exc:
        raise invalid(exc, origin) from exc


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
        lines.append(f"{key}{where}: {err['msg']}, got {err.get('input')!r}")
    return ConfigError(f"{title}:\n  " + "\n  ".join(lines))
