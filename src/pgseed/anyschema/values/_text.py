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
from pgseed.anyschema.values._bounds import clean, is_open
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
    own = _providers.UNIQUE.get(_providers.resolve(rule.provider)) if rule.provider else None
    if own is not None and (lmax is None or lmax >= _FORMATTED_MIN):
        return own[1]
    if lmax is None or lmax >= 12:
        return None
    return int(36**lmax)


# Below this max_length the formatted unique providers (a phone number, an ISO date)
# no longer fit whole, and the base-36 suffix takes over.
_FORMATTED_MIN = 16
_SHORT_DOMAIN = "@x.io"


def _base_values(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    if rule.provider is not None:
        name = _providers.resolve(rule.provider)
        own = _providers.UNIQUE.get(name)
        if rule.unique and own is not None:
            return own[0](k, rows)
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
        out = [v if len(v) <= lmax else _cut(v, lmax) for v in out]
    return [
        v if not v.endswith(" ") else v.rstrip() + "x" * (len(v) - len(v.rstrip())) for v in out
    ]


def _cut(v: str, lmax: int) -> str:
    """``v`` in ``lmax`` characters; an email stays an email (shorter local part, then a
    short domain) while one fits."""
    at = v.rfind("@")
    if at > 0 and lmax >= len(_SHORT_DOMAIN) + 1:
        domain = v[at:] if lmax - (len(v) - at) >= 1 else _SHORT_DOMAIN
        return v[: min(at, lmax - len(domain))] + domain
    return v[:lmax]


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
            if room is not None and room < 1:
                domain = _SHORT_DOMAIN
                room = lmax - len(domain) - len(s) - 1 if lmax is not None else None
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


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _between(rule: Rule, values: Texts, k: Keyed, rows: np.ndarray) -> Texts:
    """Text inside low/high. Collations differ (C sorts by code point, en_US folds
    case first), so a value starts with a lowercase letter that lies strictly between
    the bounds' first characters in both orders; with only a low bound, values extend
    it (a string sorts after its proper prefix in every collation)."""
    lo = clean(rule.low) if rule.low is not None and not is_open(rule.low) else None
    hi = clean(rule.high) if rule.high is not None and not is_open(rule.high) else None
    if lo is None and hi is None:
        return values
    tails = ["".join(ch for ch in v.lower() if ch in _LETTERS) or "a" for v in values]
    letters = [
        c
        for c in _LETTERS
        if (lo is None or (c > lo[:1] and c > lo[:1].lower()))
        and (hi is None or (c < hi[:1] and c < hi[:1].lower()))
    ]
    if lo is not None and not letters and hi is None:
        return [lo + tail for tail in tails]
    if not letters:
        if lo is not None and rule.low_inclusive and (hi is None or lo < hi):
            return [lo] * len(values)
        raise Unsupported(f"no text found between {rule.low!r} and {rule.high!r}")
    first = k.below("first-letter", rows, len(letters)).tolist()
    return [letters[j] + tail[1:] for j, tail in zip(first, tails, strict=True)]


def texts(t: PgType, rule: Rule, k: Keyed, rows: np.ndarray) -> Texts:
    lmin, lmax = limits(t, rule)
    if rule.pattern:
        return _pattern.generate(rule.pattern, k, rows, lmin, lmax, rule.unique)
    if t.base == "char" and rule.unique:
        s = base36(rows)
        if any(len(x) > 1 for x in s):
            raise Unsupported('"char" holds one character: at most 36 distinct values')
        return s
    values = _between(rule, _base_values(t, rule, k, rows), k, rows)
    own = _providers.UNIQUE.get(_providers.resolve(rule.provider)) if rule.provider else None
    if rule.unique and own is not None and all(lmin <= len(v) <= (lmax or len(v)) for v in values):
        return values
    if rule.unique:
        return uniquify(values, rows, lmin, lmax, k)
    return fit(values, lmin, lmax, k, rows)
