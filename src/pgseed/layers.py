"""Config layering, one mechanism for every pack. Later sources win::

    model defaults < preset (e.g. retail's --scenario) < config file
                   < environment (PGSEED_<KEY>, and the pack's own aliases such as SEEDER_*)
                   < named flags < --set key.sub=value

Keys are dotted (``time_series.noise_sigma``) at every level. Every value keeps the
name of the source that set it, so an error says where the bad value came from
(``config.invalid``); unknown keys fail with a did-you-mean. Values are checked for
what PostgreSQL cannot store and for ``null`` where a key has a default
(``config.check_values``) before validation.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from . import yaml12
from .config import check_values, did_you_mean, invalid
from .errors import ConfigError

M = TypeVar("M", bound=BaseModel)
ENV_PREFIX = "PGSEED_"
Source = tuple[str, Mapping[str, Any]]  # (where the values came from, nested values)


def known_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every dotted key of ``model`` (nested models' keys included, in field order)."""
    keys = []
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            keys += known_keys(ann, f"{prefix}{name}.")
        else:
            keys.append(prefix + name)
    return keys


def deep_merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def dotted(key: str, value: Any) -> dict[str, Any]:
    """``("a.b.c", v)`` -> ``{"a": {"b": {"c": v}}}``."""
    out: dict[str, Any] = {}
    node = out
    parts = key.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return out


def leaves(values: Mapping[str, Any], prefix: str = "") -> list[str]:
    """The dotted keys of a nested mapping's leaves."""
    out = []
    for key, value in values.items():
        if isinstance(value, Mapping):
            out += leaves(value, f"{prefix}{key}.")
        else:
            out.append(f"{prefix}{key}")
    return out


def check_known(values: Mapping[str, Any], model: type[BaseModel], where: str) -> None:
    """ConfigError (exit 2) for the first key ``model`` does not have, with a did-you-mean."""
    known = known_keys(model)
    _check_known(values, model, where, "", known)


def _check_known(
    values: Mapping[str, Any], model: type[BaseModel], where: str, prefix: str, known: list[str]
) -> None:
    for key, value in values.items():
        field = model.model_fields.get(str(key))
        name = f"{prefix}{key}"
        if field is None:
            raise ConfigError(
                f"Unknown config key '{name}' in {where}.{did_you_mean(name, known)}\n"
                f"Known keys: {', '.join(sorted(known))}."
            )
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            if not isinstance(value, Mapping):
                raise ConfigError(
                    f"invalid config:\n  {name} (from {where}) is a section of keys "
                    f"({', '.join(ann.model_fields)}), got {value!r}.\n"
                    f"Fix: set one of its keys, e.g. {name}.{next(iter(ann.model_fields))}."
                )
            _check_known(value, ann, where, name + ".", known)


def _field(model: type[BaseModel], key: str) -> Any:
    """The annotation of a dotted key (None when unknown)."""
    ann: Any = model
    for part in key.split("."):
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return None
        field = ann.model_fields.get(part)
        if field is None:
            return None
        ann = field.annotation
    return ann


def read_value(model: type[BaseModel], key: str, raw: str, where: str) -> Any:
    """Text from the environment or ``--set`` as a value: read as YAML 1.2 (``0.2``,
    ``[1, 2]``, ``true``), except for text keys, which take the text as it is."""
    if _field(model, key) is str:
        return raw
    try:
        return yaml12.load(raw)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: cannot read {raw!r} ({exc})") from exc


def env_sources(
    model: type[BaseModel],
    environ: Mapping[str, str] | None = None,
    aliases: Mapping[str, str] | None = None,
) -> list[Source]:
    """``PGSEED_<KEY>`` for every top-level key, then the pack's ``aliases`` (variable ->
    dotted key, e.g. ``SEEDER_DEFAULT_STORES`` -> ``dimensions.stores.count``), one
    source per variable set (so an error names the variable). Empty ones are ignored."""
    environ = os.environ if environ is None else environ
    names = {ENV_PREFIX + k.upper(): k for k in model.model_fields}
    names.update(aliases or {})
    out: list[Source] = []
    for var, key in names.items():
        raw = environ.get(var)
        if raw is None or raw.strip() == "":
            continue
        value = dotted(key, read_value(model, key, raw, var))
        check_values(value, model, var)
        out.append((var, value))
    return out


def env_source(
    model: type[BaseModel],
    environ: Mapping[str, str] | None = None,
    aliases: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """``env_sources`` merged into one mapping."""
    out: dict[str, Any] = {}
    for _, values in env_sources(model, environ, aliases):
        out = deep_merge(out, values)
    return out


def parse_set(model: type[BaseModel], item: str) -> dict[str, Any]:
    """``--set time_series.noise_sigma=0.2`` as nested values."""
    if "=" not in item:
        raise ConfigError(f"--set {item!r}: expected KEY=VALUE, e.g. seed=42")
    key, raw = (p.strip() for p in item.split("=", 1))
    known = known_keys(model)
    if key not in known:
        raise ConfigError(
            f"--set: unknown config key '{key}'.{did_you_mean(key, known)}\n"
            f"Known keys: {', '.join(sorted(known))}."
        )
    return dotted(key, read_value(model, key, raw, f"--set {key}"))


def flag_source(flags: Mapping[str, Any]) -> dict[str, Any]:
    """Named flags (dotted key -> value, None for a flag not given) as nested values."""
    out: dict[str, Any] = {}
    for key, value in flags.items():
        if value is not None:
            out = deep_merge(out, dotted(key, value))
    return out


def merge(model: type[M], sources: Sequence[Source], title: str = "invalid config") -> M:
    """Merge ``sources`` in order (later wins) and validate once; errors name the dotted
    key, the bad value and the source it came from."""
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for where, values in sources:
        check_known(values, model, where)
        check_values(values, model, where)
        merged = deep_merge(merged, values)
        origin.update(dict.fromkeys(leaves(values), where))
    try:
        return model.model_validate(merged)
    except ValidationError as exc:
        raise invalid(exc, origin, title) from exc


def layer(model: type[M], *sources: Source) -> M:
    """``merge`` with the sources as arguments."""
    return merge(model, sources)


def build(
    model: type[M],
    *,
    presets: Mapping[str, Mapping[str, Any]] | None = None,
    preset_key: str = "scenario",
    default_preset: str | None = None,
    file: Source | None = None,
    environ: Mapping[str, str] | None = None,
    env_aliases: Mapping[str, str] | None = None,
    flags: Mapping[str, Any] | None = None,
    sets: Sequence[str] = (),
    title: str = "invalid config",
) -> M:
    """Every source of a pack's config, layered (see the module docstring).

    With ``presets``, the preset named by ``preset_key`` (from whichever source sets it
    last: a flag, ``--set``, the environment or the file; else ``default_preset``) goes
    under every other source. ConfigError names an unknown preset with a did-you-mean.
    """
    sources: list[Source] = []
    if file is not None:
        sources.append(file)
    sources += env_sources(model, environ, env_aliases)
    sources.append(("command line", flag_source(flags or {})))
    sources += [(f"--set {item}", parse_set(model, item)) for item in sets]
    if presets is not None:
        sources.insert(0, _preset(presets, preset_key, default_preset, sources))
    return merge(model, sources, title)


def _preset(
    presets: Mapping[str, Mapping[str, Any]],
    key: str,
    default: str | None,
    sources: Sequence[Source],
) -> Source:
    chosen: Any = default
    where = "the default"
    for name, values in sources:
        if key in values:
            chosen, where = values[key], name
    if not isinstance(chosen, str):
        raise ConfigError(
            f"{key} (from {where}): expected a name, got {chosen!r}.\nKnown: {', '.join(presets)}."
        )
    if chosen not in presets:
        raise ConfigError(
            f"unknown {key} {chosen!r} (from {where}).{did_you_mean(str(chosen), presets)}\n"
            f"Known: {', '.join(presets)}."
        )
    return (f"{key} {chosen}", {**presets[chosen], key: chosen})
