"""Documents -> chunks: runs of whole lines up to ``chunk_size`` characters, each chunk
led by its document's title line, so a chunk of a long monthly table still says which
month and which kind of document it belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from .documents import Document
from .embedder import tokens


@dataclass(frozen=True)
class Chunk:
    path: str  # its document's
    index: int
    text: str
    token_count: int


def chunk(doc: Document, size: int) -> list[Chunk]:
    title, *body = doc.text.split("\n")
    groups: list[list[str]] = [[]]
    length = 0
    for line in body:
        if groups[-1] and length + len(line) + 1 > size:
            groups.append([])
            length = 0
        groups[-1].append(line)
        length += len(line) + 1
    out: list[Chunk] = []
    for lines in groups:
        text = "\n".join(lines).strip("\n")
        if not text:
            continue
        full = f"{title}\n\n{text}"
        out.append(Chunk(doc.path, len(out), full, len(tokens(full))))
    if not out:  # a document that is only its title
        out.append(Chunk(doc.path, 0, title, len(tokens(title))))
    return out


def chunk_all(docs: tuple[Document, ...], size: int) -> list[Chunk]:
    return [c for d in docs for c in chunk(d, size)]
