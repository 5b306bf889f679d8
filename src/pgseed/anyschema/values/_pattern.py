"""Strings that match a regex (``col ~ 'pattern'`` CHECKs, config ``pattern``).

PostgreSQL's ARE syntax is close to Python's for the patterns CHECKs use; POSIX
bracket classes (``[[:digit:]]``) and ``\\m``/``\\M``/``\\y`` are translated first.

* Not unique: a pool of distinct matches drawn with rstr from a ``random.Random``
  keyed by the column, then one pool entry per row by hashed index.
* Unique: the pattern's matches are counted and numbered (a mixed-radix code over
  its characters and alternatives), and row ``i`` gets match number
  ``permute(i)``: distinct rows get distinct matches. Character classes keep one
  letter per case, so the values also differ after ``lower()``.
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass
from functools import cache
from itertools import chain
from re import _parser as sre_parse
from typing import Any

import numpy as np
from rstr.xeger import Xeger

from pgseed.anyschema.values._errors import Unsupported
from pgseed.anyschema.values._keys import Keyed

_POSIX = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "space": " ",
    "xdigit": "0-9a-fA-F",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "word": "a-zA-Z0-9_",
    "blank": " ",
}
POOL = 512
_ATTEMPTS = 20 * POOL
_SPREAD = 8  # an unbounded repeat (*, +) draws at most this many more than its minimum


def to_python(pattern: str) -> str:
    """A PostgreSQL ARE -> a Python regex with the same matches (for common patterns)."""
    p = re.sub(r"\[:(\w+):\]", lambda m: _POSIX.get(m.group(1), m.group(0)), pattern)
    p = re.sub(r"\\[mMyY]", "", p)
    return p.replace("\\A", "^").replace("\\Z", "$")


@cache
def compiled(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(to_python(pattern))
    except re.error as e:
        raise Unsupported(f"cannot read the pattern {pattern!r} ({e})") from None


class _Xeger(Xeger):
    """rstr's generator with shorter unbounded repeats and set-order-free negated classes
    (rstr picks from a ``set``, whose order depends on PYTHONHASHSEED)."""

    def _handle_repeat(self, start_range: int, end_range: int, value: Any) -> str:
        out: str = super()._handle_repeat(start_range, min(end_range, start_range + _SPREAD), value)
        return out

    def _handle_in(self, value: Any) -> Any:
        candidates = list(chain(*(self._handle_state(i) for i in value)))
        if candidates and candidates[0] is False:
            candidates = sorted(set(string.printable).difference(candidates[1:]))
        return self._random.choice(candidates)


@cache
def _pool(pattern: str, key: int, lmin: int, lmax: int | None) -> list[str]:
    rx = compiled(pattern)
    gen = _Xeger(random.Random(key))
    py = to_python(pattern)
    seen: dict[str, None] = {}
    for _ in range(_ATTEMPTS):
        try:
            s = gen.xeger(py)
        except Exception as e:  # rstr fails on constructs it cannot draw (lookbehind...)
            raise Unsupported(f"cannot draw strings for the pattern {pattern!r} ({e})") from None
        if "\x00" not in s and lmin <= len(s) and (lmax is None or len(s) <= lmax) and rx.search(s):
            seen.setdefault(s, None)
            if len(seen) >= POOL:
                break
    if not seen:
        raise Unsupported(f"no string matching {pattern!r} has a length between {lmin} and {lmax}")
    return list(seen)


# -- numbering the matches of a pattern (unique values) --------------------------------


@dataclass(frozen=True)
class _Node:
    """A piece of pattern with ``size`` numbered matches; ``parts`` concatenate,
    ``alts`` choose one, ``chars`` is one character."""

    size: int
    chars: str = ""
    parts: tuple[_Node, ...] = ()
    alts: tuple[_Node, ...] = ()
    length: tuple[int, int] = (0, 0)

    def text(self, n: int) -> str:
        if self.chars:
            return self.chars[n]
        if self.alts:
            nb = len(self.alts)
            return self.alts[n % nb].text(n // nb)
        out = []
        for p in self.parts:
            n, d = divmod(n, p.size)
            out.append(p.text(d))
        return "".join(out)


def _dedupe_case(chars: list[str]) -> str:
    seen: dict[str, str] = {}
    for c in chars:
        seen.setdefault(c.lower(), c)
    return "".join(sorted(seen.values()))


_CATEGORIES = {
    "CATEGORY_DIGIT": string.digits,
    "CATEGORY_WORD": string.ascii_letters + string.digits + "_",
    "CATEGORY_SPACE": " ",
}


def _charset(value: Any) -> str:
    chars: list[str] = []
    negate = False
    for op, av in value:
        name = op.name
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            chars.append(chr(av))
        elif name == "RANGE":
            chars.extend(chr(c) for c in range(av[0], av[1] + 1))
        elif name == "CATEGORY":
            cat = av.name
            members = _CATEGORIES.get(cat)
            if members is None:
                raise Unsupported(f"the class {cat} cannot be numbered")
            chars.extend(members)
        else:
            raise Unsupported(f"the class part {name} cannot be numbered")
    if negate:
        chars = [c for c in string.ascii_letters + string.digits if c not in chars]
    return _dedupe_case(chars)


def _disjoint(alts: list[_Node]) -> tuple[_Node, ...]:
    """The alternatives that can be numbered together: every match of one differs from
    every match of another, also after lower(). Kept: the first, then each further one
    of the same fixed length that differs from all kept ones at some position (so
    ``(a|[ab])`` or ``(ab|AB)`` keep only their first, and concatenations of fixed-length
    parts decode one way)."""
    kept = [alts[0]]
    first = _flat(alts[0])
    if first is None:
        return tuple(kept)
    flats = [[set(c.lower()) for c in first]]
    for alt in alts[1:]:
        f = _flat(alt)
        if f is None or len(f) != len(first):
            continue
        lowered = [set(c.lower()) for c in f]
        if all(any(not (a & b) for a, b in zip(lowered, other, strict=True)) for other in flats):
            kept.append(alt)
            flats.append(lowered)
    return tuple(kept)


def _concat(parts: list[_Node]) -> _Node:
    size = 1
    for p in parts:
        size *= p.size
    lo = sum(p.length[0] for p in parts)
    hi = sum(p.length[1] for p in parts)
    return _Node(size=size, parts=tuple(parts), length=(lo, hi))


def _build(parsed: Any, reps: int) -> _Node:
    parts: list[_Node] = []
    for op, av in parsed:
        name = op.name
        if name == "LITERAL":
            parts.append(_Node(1, chars=chr(av), length=(1, 1)))
        elif name in ("IN", "ANY", "NOT_LITERAL"):
            if name == "IN":
                cs = _charset(av)
            elif name == "ANY":
                cs = string.ascii_lowercase + string.digits
            else:
                cs = _dedupe_case([c for c in string.ascii_letters + string.digits if c != chr(av)])
            if not cs:
                raise Unsupported("an empty character class")
            parts.append(_Node(len(cs), chars=cs, length=(1, 1)))
        elif name == "AT":
            continue
        elif name == "SUBPATTERN":
            parts.append(_build(av[-1], reps))
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            lo, hi, sub = av
            count = max(lo, min(hi, reps))
            inner = _build(sub, reps)
            parts.append(_concat([inner] * count))
        elif name == "BRANCH":
            alts = _disjoint([_build(a, reps) for a in av[1]])
            size = len(alts) * min(a.size for a in alts)
            length = (min(a.length[0] for a in alts), max(a.length[1] for a in alts))
            parts.append(_Node(size, alts=alts, length=length))
        else:
            raise Unsupported(f"the construct {name} cannot be numbered")
    return _concat(parts)


@cache
def _numbered(pattern: str, lmin: int, lmax: int | None) -> _Node:
    compiled(pattern)
    parsed = sre_parse.parse(to_python(pattern))
    best: _Node | None = None
    for reps in range(12, -1, -1):
        node = _build(parsed, reps)
        if node.length[0] >= lmin and (lmax is None or node.length[1] <= lmax):
            best = node
            break
    if best is None:
        raise Unsupported(f"no numbering of the matches of {pattern!r} fits lengths {lmin}..{lmax}")
    return best


def capacity(pattern: str, lmin: int, lmax: int | None) -> int:
    """How many distinct values a unique column with this pattern can hold (raises
    Unsupported when its matches cannot be numbered)."""
    return _numbered(pattern, lmin, lmax).size


def _flat(node: _Node) -> list[str] | None:
    """The node as positions of characters (mixed radix, first position least
    significant), or None when it has alternatives."""
    if node.chars:
        return [node.chars]
    if node.alts:
        return None
    out: list[str] = []
    for p in node.parts:
        f = _flat(p)
        if f is None:
            return None
        out += f
    return out


def _texts(node: _Node, idx: np.ndarray) -> list[str]:
    """Match number ``idx`` of ``node`` per row; vectorised for ASCII concatenations."""
    flat = _flat(node)
    if flat is None or idx.dtype == object or not all(c.isascii() for c in flat):
        return [node.text(int(n)) for n in idx.tolist()]
    if not flat:
        return [""] * len(idx)
    n = idx.astype(np.int64)
    raw = np.empty((len(n), len(flat)), dtype=np.uint8)
    for j, chars in enumerate(flat):
        n, d = np.divmod(n, len(chars))
        raw[:, j] = np.frombuffer(chars.encode(), dtype=np.uint8)[d]
    return [s.decode() for s in raw.view(f"S{len(flat)}").ravel().tolist()]


def generate(
    pattern: str, k: Keyed, rows: np.ndarray, lmin: int, lmax: int | None, unique: bool
) -> list[str]:
    if unique:
        node = _numbered(pattern, lmin, lmax)
        idx = k.permute("pattern-unique", rows, node.size)
        return _texts(node, idx)
    pool = _pool(pattern, k.key("pattern"), lmin, lmax)
    return [pool[j] for j in k.below("pattern", rows, len(pool)).tolist()]
