"""Character types: text, varchar(n), char(n), "char", name, citext.

Values start from a provider (or pool words) and are then fitted to the column's
length limits. Unique values end in the row index written in base 36 after a
separator (``word-3k9``), with the word part shortened to fit ``max_length``: two
rows can only share a value if they share the suffix, i.e. the row index, and the
suffix is lowercase digits and letters, so values stay distinct after
PostgreSQL's ``lower()`` (expression unique indexes, citext) too.
"""

from __future__ import annotations

import numpy as np

from pgseed.anyschema.model import PgType, Rule
from pgseed.anyschema.values import _pattern, _providers
from pgseed.anyschema.values._errors import Unsupported
from pgseed.anyschema.values._keys import Keyed
from pgseed.anyschema.values._pools import words

Texts = list[str]

_B36 = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
_WIDTH = 12  # 36**12 > 2**62: every row index fits


def base36(rows: np.ndarray) -> Texts:
    """Row indices in lowercase base 36, vectorised (``0``, ``z``, ``10``, ...)."""
    r = rows.astype(np.int64)
    digits = np.empty((len(r), _WIDTH), dtype=np.uint8)
    for j in range(_WIDTH - 1, -1, -1):
        r, d = np.divmod(r, 36)
        digits[:, j] = _B36[d]
    raw = digits.view(f"S{_WIDTH}").ravel().tolist()
    return [s.lstrip(b"0").decode() or "0" for s in raw]


def limits(t: PgType, rule: Rule) -> tuple[int, int | None]:
    """(min, max) length in characters from the rule and the type (varchar(n), char(n))."""
    caps = [
        c for c in (rule.max_length, t.length if t.base in ("varchar", "bpchar") else None) if c
    ]
    if t.base == "name":
        caps.append(63)  # NAMEDATALEN - 1 bytes; pool text is ASCII, so characters too
    if t.base == "char":
        caps.append(1)
    lmax = min(caps) if caps else None
    lmin = max(rule.min_length or 0, 0)
    if lmax is not None and lmin > lmax:
        raise Unsupported(f"{t.name}: min_length {lmin} is longer than max_length {lmax}")
    return lmin, lmax


def capacity(t: PgType, rule: Rule) -> int | None:
    if rule.pattern:
        return _pattern.capacity(rule.pattern, *limits(t, rule))
    _, lmax = limits(t, rule)
    if lmax is None or lmax >= 12:
        return None
    return int(36**lmax)


def _base_values(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    if rule.provider is not None:
        name = _providers.resolve(rule.provider)
        maker = _providers.TEXT.get(name)
        if maker is None:
            raise Unsupported(
                f"no text provider {rule.provider!r} for {t.name}; known: {', '.join(_providers.known())}"
            )
        return maker(k, rows)
    if t.base == "char":
        return [w[:1].lower() for w in words(k, "char", rows, 1)]
    return words(k, "text", rows, 2)


def _pad(values: Texts, lmin: int, k: Keyed, rows: np.ndarray) -> Texts:
    short = [j for j, v in enumerate(values) if len(v) < lmin]
    if not short:
        return values
    need = max(1, lmin // 4 + 1)
    filler = words(k, "pad", rows[short], need)
    out = list(values)
    for j, f in zip(short, filler, strict=True):
        v = (out[j] + " " + f) if out[j] else f
        while len(v) < lmin:
            v = v + " " + f
        out[j] = v
    return out


def fit(values: Texts, lmin: int, lmax: int | None, k: Keyed, rows: np.ndarray) -> Texts:
    """Pad to ``lmin`` with pool words, cut to ``lmax``; no value ends in a space
    (char(n) would drop it and length() would come out short)."""
    out = _pad(values, lmin, k, rows) if lmin else values
    if lmax is not None:
        out = [v if len(v) <= lmax else v[:lmax] for v in out]
    return [
        v if not v.endswith(" ") else v.rstrip() + "x" * (len(v) - len(v.rstrip())) for v in out
    ]


def uniquify(values: Texts, rows: np.ndarray, lmin: int, lmax: int | None, k: Keyed) -> Texts:
    """Distinct values (also under lower()): ``word part + '-' + base36(row)``."""
    suffixes = base36(rows)
    if lmin:
        values = _pad(values, lmin, k, rows)
    out = []
    for v, s in zip(values, suffixes, strict=True):
        at = v.rfind("@")
        if at > 0 and "." in v[at:]:
            # Emails keep their domain: local.suffix@domain.
            local, domain = v[:at], v[at:]
            room = None if lmax is None else lmax - len(domain) - len(s) - 1
            if room is None or room >= 1:
                local = local if room is None else local[:room]
                out.append(f"{local}.{s}{domain}")
                continue
        room = None if lmax is None else lmax - len(s) - 1
        if room is None or room >= 1:
            word = v if room is None else v[:room]
            if lmin and len(word) + len(s) + 1 < lmin:
                word = word + "x" * (lmin - len(word) - len(s) - 1)
            out.append(f"{word}-{s}")
        elif lmax is not None and len(s) <= lmax:
            out.append(s.rjust(lmin, "0"))
        else:
            raise Unsupported(f"more rows than distinct values of at most {lmax} characters")
    return out


def texts(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    lmin, lmax = limits(t, rule)
    if rule.pattern:
        return _pattern.generate(rule.pattern, k, rows, lmin, lmax, rule.unique)
    if t.base == "char" and rule.unique:
        s = base36(rows)
        if any(len(x) > 1 for x in s):
            raise Unsupported('"char" holds one character: at most 36 distinct values')
        return s
    values = _base_values(t, rule, k, rows)
    if rule.unique:
        return uniquify(values, rows, lmin, lmax, k)
    return fit(values, lmin, lmax, k, rows)
