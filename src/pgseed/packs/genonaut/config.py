"""The Genonaut pack's config (``config.json``: ``images_dir`` + ``seed_data_generator``,
or spec 001's seeder keys at the top level; the application's other top-level keys are
left alone) and the admin's UUID (the environment, ``env/.env``, ``.env``)."""

from __future__ import annotations

import difflib
import json
import math
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ... import tz
from ...config import Int, check_keys, did_you_mean, read_json
from ...errors import AdminUUIDError, ConfigError
from .vocab import DOMAIN_PROMPTS

Count = Annotated[Int, Field(ge=0, le=100_000_000)]
Batch = Annotated[Int, Field(ge=1, le=1_000_000)]


class GenonautConfig(BaseModel):
    """Every key is a CLI flag too: ``--target_rows_users 50`` or ``--target-rows-users 50``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    images_dir: str = "data/images"
    batch_size_users: Batch = 1000
    batch_size_content_items: Batch = 2000
    batch_size_content_items_auto: Batch = 2000
    batch_size_generation_jobs: Batch = 5000
    target_rows_users: Count = 500
    target_rows_content_items: Count = 20000
    target_rows_content_items_auto: Count = 100000
    admin_items_per_table: Count = 50
    prompt_types: tuple[str, ...] = ()
    date_start: str = "2025-05-01 00:00:00"
    date_end: str = "2025-09-21 23:59:59"
    timezone: str = "America/New_York"
    # The run seed: drawn (and printed) when absent. Not in spec 000; a key like any other.
    seed: Annotated[Int, Field(ge=0, le=2**63 - 1)] | None = None
    # The admin user (spec 000's DB_USER_ADMIN_UUID): the CLI fills it from the
    # environment or the env file (``admin_uuid``) when the config does not set it.
    admin_uuid: uuid.UUID | None = None
    # Model columns the application renamed, ``table.old=new`` (``--map``): the pack's
    # values for ``old`` go to ``new`` when it runs on an application's own schema.
    map: tuple[str, ...] = ()

    @field_validator("images_dir")
    @classmethod
    def _images_dir(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v

    @field_validator("prompt_types", mode="before")
    @classmethod
    def _split_types(cls, v: Any) -> Any:
        if isinstance(v, str):
            return tuple(p.strip() for p in v.split(",") if p.strip())
        return v

    @field_validator("prompt_types")
    @classmethod
    def _known_types(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(resolve_prompt_type(p) for p in v)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r} (expected e.g. America/New_York)") from exc
        return v

    @field_validator("date_start", "date_end")
    @classmethod
    def _date(cls, v: str) -> str:
        tz.parse(v)
        return v

    @model_validator(mode="after")
    def _range(self) -> GenonautConfig:
        lo, hi = self.range_utc
        if lo >= hi:
            raise ValueError(
                f"date_start ({self.date_start}) must be before date_end ({self.date_end}), "
                f"by a second at least; in whole seconds of UTC they are {_iso(lo)} and "
                f"{_iso(hi)}"
            )
        return self

    @property
    def range_utc(self) -> tuple[int, int]:
        """The date range as UTC epoch seconds (stored as naive UTC).

        A value with an offset (``+09:00``, ``Z``) is that instant; one without is wall
        time in ``timezone``; wall times skipped or repeated by DST are refused
        (``pgseed.tz``).
        """
        lo = tz.to_utc(self.date_start, self.timezone, "date_start")
        hi = tz.to_utc(self.date_end, self.timezone, "date_end")
        # Whole seconds inside the range: a fractional start rounds up, an end down.
        return math.ceil(lo.timestamp()), math.floor(hi.timestamp())

    @property
    def admin(self) -> uuid.UUID:
        """The admin's UUID; AdminUUIDError (exit 2) when no source gave one."""
        if self.admin_uuid is None:
            raise AdminUUIDError(
                f"DB_USER_ADMIN_UUID must be present ({ALIAS}): it names the admin user who "
                f"owns exactly 50 items of each content table.\nFix: set admin_uuid (e.g. "
                f"{uuid.uuid4()}) in the config, or DB_USER_ADMIN_UUID in the environment, "
                "env/.env or .env."
            )
        return self.admin_uuid

    @property
    def domains(self) -> tuple[str, ...]:
        return self.prompt_types or tuple(DOMAIN_PROMPTS)

    def target(self, table: str) -> int:
        return int(getattr(self, f"target_rows_{table}"))

    def batch(self, table: str) -> int:
        return int(getattr(self, f"batch_size_{table}"))


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower().replace("’", "'"))


def resolve_prompt_type(name: str) -> str:
    """A domain name from spec 000, matched loosely ("sci-fi art", "SciFiArt", "gothic")."""
    slugs = {_slug(d): d for d in DOMAIN_PROMPTS}
    s = _slug(name)
    if s in slugs:
        return slugs[s]
    prefix = [d for k, d in slugs.items() if k.startswith(s)] if s else []
    if len(prefix) == 1:
        return prefix[0]
    raise ValueError(
        f"unknown prompt type {name!r}.{did_you_mean(name, DOMAIN_PROMPTS)} "
        f"Known: {', '.join(DOMAIN_PROMPTS)}"
    )


FILE_SECTION = "seed_data_generator"
# The seeder's section of the application's config.json: spec 000 names it
# seed_data_generator (its config.json) and seed_data (its opening paragraph).
FILE_SECTIONS = (FILE_SECTION, "seed_data")
# A top-level key this close to one of pgseed's (difflib ratio) is taken for a
# misspelling of it; the application's own keys are further away (image_path, seed_path).
TYPO_CUTOFF = 0.8


def _seeder_only() -> list[str]:
    """Keys no application setting shares (spec 001 wrote them at the top level): the
    generic ones (seed, timezone, date_start, ...) at the top level are the application's."""
    return [
        k
        for k in GenonautConfig.model_fields
        if k.startswith(("batch_size_", "target_rows_"))
        or k in ("admin_items_per_table", "prompt_types")
    ]


def _check_top_level(data: dict[str, Any], path: Path) -> bool:
    """config.json is the application's settings file: pgseed reads ``images_dir`` and
    its own keys, and leaves every other top-level key alone, except one that looks like
    a misspelling of pgseed's. Its own keys are in one section (spec 000) or, when there
    is none, flat at the top level (spec 001's config.json); True for the flat layout."""
    mine = [*FILE_SECTIONS, "images_dir"]
    seeder = _seeder_only()
    present = [s for s in FILE_SECTIONS if s in data]
    if len(present) > 1:
        raise ConfigError(
            f"{path} has two seeder sections, {' and '.join(repr(p) for p in present)}.\n"
            f"Fix: keep one ({FILE_SECTION!r})."
        )
    for key in data:
        if key in mine:
            continue
        if key in seeder:
            if present:
                # Both layouts at once: which value wins would be a guess.
                raise ConfigError(
                    f"{path}: the seeder key '{key}' is at the top level, but the file also "
                    f'has the seeder\'s "{present[0]}" object; pgseed reads one layout, not '
                    "both (spec 000's section, or spec 001's keys at the top level).\n"
                    f'Fix: move it into the "{present[0]}" object: '
                    f'{{"{present[0]}": {{"{key}": {json.dumps(data[key])}}}}}.'
                )
            continue
        close = difflib.get_close_matches(key, mine + seeder, n=1, cutoff=TYPO_CUTOFF)
        if close and close[0] not in data:
            section = present[0] if present else FILE_SECTION
            raise ConfigError(
                f"Unknown top-level key '{key}' in {path}. Did you mean '{close[0]}'?\n"
                "pgseed leaves the application's own top-level keys alone, but this one looks "
                f"like a misspelling of pgseed's.\nFix: rename it to '{close[0]}'"
                + (f' (inside the "{section}" object)' if close[0] in seeder and present else "")
                + "; if it is the application's own setting, also set "
                f"'{close[0]}' (or its flag) so that pgseed does not guess."
            )
    return not present


def file_values(path: Path) -> dict[str, Any]:
    """The seeder's values in the application's config.json: top-level ``images_dir``
    plus the ``seed_data_generator`` (or ``seed_data``) object, or, without one, the
    seeder-only keys at the top level (spec 001); the application's other top-level
    keys are not read (``_check_top_level``)."""
    data = read_json(path)
    if _check_top_level(data, path):
        out = {k: data[k] for k in _seeder_only() if k in data}
    else:
        name = next(s for s in FILE_SECTIONS if s in data)
        section = data[name]
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: '{name}' must be a JSON object.")
        keys = [k for k in GenonautConfig.model_fields if k != "images_dir"]
        check_keys("config key", section, keys, f"{path} ({name})")
        out = dict(section)
    if "images_dir" in data:
        out["images_dir"] = data["images_dir"]
    return out


ADMIN_KEYS = ("DB_USER_ADMIN_UUID", "DEMO_ADMIN_UUID")  # spec 000's name, spec 001's
# Where the admin's UUID is looked for without --env-file, in this order: spec 000's
# env/.env, then spec 001's .env at the repo root.
DEFAULT_ENV_FILES = (Path("env/.env"), Path(".env"))
ALIAS = "spec 001 calls it DEMO_ADMIN_UUID; either name is read"


def admin_uuid(env_files: Sequence[Path], environ: Mapping[str, str]) -> uuid.UUID:
    """The admin's UUID: a real environment variable wins over the env files, and an
    earlier file over a later one (``DEFAULT_ENV_FILES``).

    Missing or invalid: ``AdminUUIDError`` (a RuntimeError), whose message holds a
    freshly generated UUID and the line to paste into the env file.
    """
    sources: list[tuple[str, Mapping[str, str | None]]] = [("the environment", environ)]
    sources += [(str(f), dotenv_values(f)) for f in env_files if f.is_file()]
    value, source = None, None
    for where, vals in sources:
        key = next((k for k in ADMIN_KEYS if vals.get(k)), None)
        if key is not None:
            value, source = vals[key], f"{key} in {where}"
            break
    fresh = uuid.uuid4()
    # The file to paste into: the one the user keeps (spec 001's .env), else the first.
    target = next((f for f in env_files if f.is_file()), env_files[0] if env_files else None)
    fix = (
        f"Fix: paste this line (a freshly generated UUID) into {target}:\n\n"
        f"    DB_USER_ADMIN_UUID={fresh}\n\n"
        if target is not None
        else f"Fix: set DB_USER_ADMIN_UUID={fresh} in the environment, "
    ) + f"or set the config key admin_uuid (--admin-uuid {fresh})."
    if not value:
        where = ", ".join(str(f) for f in env_files)
        raise AdminUUIDError(
            f"DB_USER_ADMIN_UUID must be present ({ALIAS}, from the environment first"
            f"{', then ' + where if where else ''}): it names the admin user who owns exactly "
            f"50 items of each content table.\n{fix}"
        )
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise AdminUUIDError(
            f"DB_USER_ADMIN_UUID must be a UUID ({ALIAS}), but {source} is {value!r}.\n{fix}"
        ) from None
