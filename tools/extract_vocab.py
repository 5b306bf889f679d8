import re
import sys
from pathlib import Path

text = (
    Path(__file__)
    .resolve()
    .parents[2]
    .joinpath("shared/seeds/000_2b98de396b8f7c06.txt")
    .read_text(encoding="utf-8")
)
lines = text.splitlines()
domains = {}
for i, line in enumerate(lines):
    m = re.match(r"^(\d+)\. (.+)$", line.strip())
    if m and 1 <= int(m.group(1)) <= 30 and i + 1 < len(lines) and "," in lines[i + 1]:
        domains[m.group(2).strip()] = [
            " ".join(p.split()) for p in lines[i + 1].split(",") if p.strip()
        ]
assert len(domains) == 30, len(domains)
gen = re.search(r"\*\*General phrases\*\* \(sample pool to use\): `([^`]+)`", text, re.S).group(1)
# The spec wraps long lines: collapse the whitespace a wrap leaves ("science  fiction").
general = [" ".join(p.split()) for p in gen.split(",") if p.strip()]
tag = re.search(r"## Global Tag Pool.*?`([^`]+)`", text, re.S).group(1)
tags = [" ".join(p.split()) for p in tag.split(",") if p.strip()]
out = [
    '"""Vocabulary of spec 000, copied verbatim (tools/extract_vocab.py regenerates it).',
    "",
    "DOMAIN_PROMPTS: the 30 domain lists, keyed by the spec's domain names.",
    "GENERAL_PHRASES: the general list. TAG_POOL_RAW: the tag list as written, duplicates",
    "included; TAG_POOL: the same, de-duplicated in first-seen order.",
    '"""',
    "",
    "from __future__ import annotations",
    "",
]
out.append("DOMAIN_PROMPTS: dict[str, tuple[str, ...]] = {")
for k, v in domains.items():
    out.append(f"    {k!r}: (")
    for p in v:
        out.append(f"        {p!r},")
    out.append("    ),")
out.append("}")
out.append("")
out.append("GENERAL_PHRASES: tuple[str, ...] = (")
for p in general:
    out.append(f"    {p!r},")
out.append(")")
out.append("")
out.append("TAG_POOL_RAW: tuple[str, ...] = (")
for p in tags:
    out.append(f"    {p!r},")
out.append(")")
out.append("")
out.append("TAG_POOL: tuple[str, ...] = tuple(dict.fromkeys(TAG_POOL_RAW))")
out.append("")
Path(sys.argv[1]).write_text("\n".join(out), encoding="utf-8")
print(
    len(domains),
    len(general),
    len(tags),
    len(set(tags)),
    [(k, len(v)) for k, v in domains.items()][:5],
)
