"""Text -> vectors. The default is pgseed's own, offline and deterministic: feature
hashing over normalised tokens (blake2b, never Python's salted ``hash()``), a signed
bucket per token, sublinear term frequency times the token's idf over the indexed
chunks, L2-normalised. ``EndpointEmbedder`` asks an OpenAI-compatible endpoint instead.

Determinism across machines: the weights use ``math.log`` (libm, not numpy's SIMD
kernels, which differ by a few ULP between CPUs: numpy#23523), the buckets are summed
by ``np.bincount`` in token order, and the norm is ``math.fsum`` (exactly rounded, so
independent of summation order). Same texts and dimension: the same float32 vectors.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from ....errors import ConfigError, GenerationError

_TOKEN = re.compile(r"[a-z0-9]+(?:[-./][a-z0-9]+)*")
KEY_ENV = "PGSEED_EMBEDDING_API_KEY"
# Inputs per request to an embeddings endpoint: OpenAI accepts 2,048; smaller batches
# keep one slow request from holding a whole index.
BATCH = 64


def tokens(text: str) -> list[str]:
    """Lower-cased words and codes; a date, a SKU or a price stays one token."""
    return _TOKEN.findall(text.lower())


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@lru_cache(maxsize=1 << 16)
def _slot(token: str, dim: int) -> tuple[int, float]:
    h = int.from_bytes(
        hashlib.blake2b(token.encode(), digest_size=8, person=b"pgseed-rag-emb").digest(), "big"
    )
    return h % dim, (1.0 if h >> 63 else -1.0)


class HashingEmbedder:
    """Feature hashing with idf. ``fit`` learns the idf (and the vocabulary) from the
    corpus; before it, every token weighs the same. A query's tokens the corpus never
    used are dropped: they could only match through a bucket collision."""

    name = "hashing"

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.idf: dict[str, float] | None = None

    def fit(self, texts: Sequence[str]) -> HashingEmbedder:
        df: Counter[str] = Counter()
        for t in texts:
            df.update(set(tokens(t)))
        n = len(texts)
        self.idf = {tok: math.log((1 + n) / (1 + k)) + 1.0 for tok, k in sorted(df.items())}
        return self

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            counts = Counter(tokens(text))
            if self.idf is not None:
                counts = Counter({t: c for t, c in counts.items() if t in self.idf})
            if not counts:
                continue
            slots = [_slot(t, self.dim) for t in counts]
            idx = np.fromiter((s[0] for s in slots), dtype=np.int64, count=len(slots))
            w = np.fromiter(
                (
                    s[1] * (1.0 + math.log(c)) * (self.idf[t] if self.idf is not None else 1.0)
                    for s, (t, c) in zip(slots, counts.items(), strict=True)
                ),
                dtype=np.float64,
                count=len(slots),
            )
            v = np.bincount(idx, weights=w, minlength=self.dim)
            norm = math.sqrt(math.fsum((v * v).tolist()))
            if norm > 0:
                out[i] = (v / norm).astype(np.float32)
        return out


class EndpointEmbedder:
    """An OpenAI-compatible ``POST {url}`` with ``{"model", "input"}`` ->
    ``{"data": [{"embedding": [...]}, ...]}``; the key, when one is needed, is read from
    ``PGSEED_EMBEDDING_API_KEY`` and sent as a bearer token (never printed)."""

    name = "endpoint"

    def __init__(self, url: str, model: str, dim: int, timeout: float = 60.0) -> None:
        self.url, self.model, self.dim, self.timeout = url, model, dim, timeout

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import httpx

        headers = {}
        if key := os.environ.get(KEY_ENV, "").strip():
            headers["Authorization"] = f"Bearer {key}"
        rows: list[list[float]] = []
        with httpx.Client(timeout=self.timeout) as client:
            for lo in range(0, len(texts), BATCH):
                batch = list(texts[lo : lo + BATCH])
                try:
                    r = client.post(
                        self.url, json={"model": self.model, "input": batch}, headers=headers
                    )
                except httpx.HTTPError as exc:
                    raise GenerationError(
                        f"the embedding endpoint {self.url} cannot be reached: {exc}.\n"
                        "Fix: start it, correct rag.embedding_url, or drop rag.embedding_url "
                        "to use pgseed's own offline embedder."
                    ) from exc
                rows += self._vectors(r, len(batch))
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dim)

    def _vectors(self, r: Any, n: int) -> list[list[float]]:
        if r.status_code != 200:
            raise GenerationError(
                f"the embedding endpoint {self.url} answered HTTP {r.status_code}: "
                f"{r.text[:200]}\nFix: check rag.embedding_url, rag.embedding_model and "
                f"{KEY_ENV}."
            )
        try:
            data = sorted(r.json()["data"], key=lambda d: d.get("index", 0))
            vecs = [[float(x) for x in d["embedding"]] for d in data]
        except (ValueError, KeyError, TypeError) as exc:
            raise GenerationError(
                f"the embedding endpoint {self.url} did not answer "
                '{"data": [{"embedding": [...]}, ...]}: ' + f"{r.text[:200]}"
            ) from exc
        if len(vecs) != n:
            raise GenerationError(f"the embedding endpoint returned {len(vecs)} vectors for {n}")
        wrong = [len(v) for v in vecs if len(v) != self.dim]
        if wrong:
            raise ConfigError(
                f"the embedding endpoint returns vectors of {wrong[0]} dimensions, "
                f"rag.embedding_dim is {self.dim}.\nFix: --set rag.embedding_dim={wrong[0]}"
            )
        return vecs
