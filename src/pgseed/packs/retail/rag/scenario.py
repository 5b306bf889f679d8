"""The rag-agent steps after the retail data is committed, as one library call.

Without ``api_url`` (pgseed's own index, in one transaction):

    1. documents   built from the committed retail data (documents.py)
    2. index       chunks -> embeddings -> pgseed_rag_chunk (replacing pgseed's index)
    3. recall@k    every question must find its document among the k nearest chunks

With ``api_url`` (the application's own index and agent):

    2. index       each document through POST /rag/index; each one it accepts is
                   recorded (committed at once), so --delete --scope rag finds it
    3. session     POST /agents/sessions (recorded at once)
    4. questions   the chat answers must cite the document that holds each answer
    5. close       DELETE the session

Each step ends as ``pass``, ``fail`` or ``skipped`` (with why). A skipped step is never
reported as passed; nothing prints here (the CLI judges and prints the result).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

import psycopg

from .... import history
from ....errors import DatabaseUnavailable, VerificationFailed
from ....pg import Conn
from ....progress import Reporter
from ....safety import confirm_replace, open_target
from ..config import RetailConfig
from . import index
from .check import Recall, recall
from .chunks import chunk_all
from .client import Api, ApiFailure, Unreachable, walk
from .documents import Corpus, Question, build
from .embedder import Embedder, EndpointEmbedder, HashingEmbedder

Status = Literal["pass", "fail", "skipped"]


@dataclass(frozen=True)
class Step:
    name: str
    status: Status
    detail: str


@dataclass
class RagResult:
    documents: int = 0
    questions: int = 0
    chunks: int = 0
    digest: str = ""
    embedder: str = ""
    steps: list[Step] = field(default_factory=list)
    recall: Recall | None = None

    def add(self, name: str, status: Status, detail: str) -> None:
        self.steps.append(Step(name, status, detail))

    @property
    def failed(self) -> list[Step]:
        return [s for s in self.steps if s.status == "fail"]

    @property
    def skipped(self) -> list[Step]:
        return [s for s in self.steps if s.status == "skipped"]


def held(dsn: str) -> dict[str, int]:
    """Rows the rag tables hold now (none when the database or the tables are absent)."""
    try:
        target = open_target(dsn, write=False, create=False)
    except DatabaseUnavailable:  # no database yet: nothing held (the run creates it)
        return dict.fromkeys(index.RAG_TABLES, 0)
    try:
        return index.held(target.conn)
    finally:
        target.conn.close()


def preflight(dsn: str, confirm: bool) -> None:
    """Replacing an index that holds rows needs --confirm, like the retail tables:
    SafetyError (exit 3) before anything is written."""
    confirm_replace("--scenario rag-agent", held(dsn), confirm)


def _held_after(conn: Conn) -> dict[str, int]:
    """What the rag tables hold after a step failed (what it committed before); {} when
    the connection cannot say (the server went away)."""
    try:
        conn.rollback()
        rows = index.held(conn)
        conn.rollback()
    except psycopg.Error:
        return {}
    return rows


def embedder_for(cfg: RetailConfig) -> Embedder:
    r = cfg.rag
    if r.embedding_url:
        return EndpointEmbedder(r.embedding_url, r.embedding_model, r.embedding_dim)
    return HashingEmbedder(r.embedding_dim)


def run(
    dsn: str,
    cfg: RetailConfig,
    *,
    api_url: str | None,
    reproduce: str = "",
    allow_skip: bool = False,
    reporter: Reporter | None = None,
) -> RagResult:
    """The steps after the full-new, recorded in ``pgseed.runs`` as ``rag-agent`` (rows:
    what pgseed's rag tables hold after it; ``failed``, naming them, when a step failed
    or, without ``allow_skip``, was skipped)."""
    target = open_target(dsn, write=True, create=False)
    conn = target.conn
    rec = history.record(
        "retail", "rag-agent", cfg, reproduce=reproduce, extra={"api_url": api_url}
    )
    history.begin(conn, rec, reporter)  # a history it may not write: a warning
    try:
        corpus = build(conn, seed=int(cfg.seed), scenario=cfg.scenario)
        conn.rollback()
        result = RagResult(len(corpus.documents), len(corpus.questions), digest=corpus.digest())
        with conn.transaction():
            index.ensure(conn, cfg.rag.embedding_dim, local=api_url is None)
        if api_url is None:
            _local(conn, cfg, corpus, result)
        else:
            _remote(conn, cfg, corpus, api_url, result)
    except BaseException as exc:
        history.end(conn, rec, _held_after(conn), exc, dsn)
        conn.close()
        raise
    try:
        rows = index.held(conn)
        conn.rollback()
        not_made = result.failed + ([] if allow_skip else result.skipped)
        why = "; ".join(f"{s.name} {s.status}: {s.detail}" for s in not_made)
        history.end(conn, rec, rows, VerificationFailed(why) if not_made else None, dsn)
        return result
    finally:
        conn.close()


def _local(conn: Conn, cfg: RetailConfig, corpus: Corpus, result: RagResult) -> None:
    chunks = chunk_all(corpus.documents, cfg.rag.chunk_size)
    embedder = embedder_for(cfg)
    if isinstance(embedder, HashingEmbedder):
        embedder.fit([c.text for c in chunks])
    result.embedder = (
        f"hashing, {cfg.rag.embedding_dim} dimensions"
        if isinstance(embedder, HashingEmbedder)
        else f"{cfg.rag.embedding_url} ({cfg.rag.embedding_model})"
    )
    vectors = embedder.embed([c.text for c in chunks])
    with conn.transaction():
        index.lock(conn)
        result.chunks = index.replace_local(conn, corpus.documents, chunks, vectors)
    result.add(
        "index",
        "pass",
        f"{result.documents} documents, {result.chunks} chunks into {index.CHUNK} (HNSW)",
    )
    per_doc = Counter(c.path for c in chunks)
    with conn.transaction():
        r = recall(
            conn, embedder, corpus.questions, cfg.rag.top_k, cfg.rag.recall_threshold, per_doc
        )
    result.recall = r
    detail = r.describe()
    if r.total == 0:
        detail += ": no questions (the data set is empty)"
    elif r.vacuous:
        # The largest k that can still miss: one document's chunks left out of the rest.
        room = result.chunks - min(per_doc.values())
        detail += (
            f": proves nothing, every hit was certain: the index holds {result.chunks} "
            f"chunks, so the {r.k} nearest always include the question's document.\nFix: "
            + (f"--set rag.top_k={room} or lower, or " if room >= 1 else "")
            + "more data (--stores, --products, a longer date range)."
        )
    elif r.misses:
        m = r.misses[0]
        detail += (
            f"; e.g. missed {m.question.path} for {m.question.text!r} (got {', '.join(m.got)})"
        )
    result.add(f"recall@{r.k}", "pass" if r.passed else "fail", detail)


def _spread(questions: tuple[Question, ...], n: int) -> list[Question]:
    """``n`` questions spread evenly over the list (so every kind of document is asked)."""
    if n >= len(questions):
        return list(questions)
    return [questions[(i * len(questions)) // n] for i in range(n)]


def _remote(conn: Conn, cfg: RetailConfig, corpus: Corpus, api_url: str, result: RagResult) -> None:
    api = Api(api_url, cfg.rag.api)
    base = api.base
    later = ("session", "questions", "close session")
    try:
        ids: dict[str, str] = {}
        try:
            for doc in corpus.documents:
                sid = api.index(doc.path, doc.text, {"kind": doc.kind, "title": doc.title})
                with conn.transaction():
                    index.record_api_source(conn, base, doc, sid)
                ids[doc.path] = sid
        except Unreachable as exc:
            result.add("index (api)", "skipped", f"{exc} ({len(ids)} indexed before)")
            for name in later:
                result.add(name, "skipped", "the application could not be reached")
            return
        except ApiFailure as exc:
            result.add("index (api)", "fail", f"{exc} ({len(ids)} indexed before)")
            for name in later:
                result.add(name, "skipped", "indexing failed")
            return
        result.add("index (api)", "pass", f"{len(ids)} documents through {cfg.rag.api.index_path}")
        _agent(conn, cfg, corpus, api, ids, result)
    finally:
        api.close_client()


def _agent(
    conn: Conn,
    cfg: RetailConfig,
    corpus: Corpus,
    api: Api,
    ids: dict[str, str],
    result: RagResult,
) -> None:
    try:
        session = api.create_session()
    except (Unreachable, ApiFailure) as exc:
        status: Status = "skipped" if isinstance(exc, Unreachable) else "fail"
        result.add("session", status, str(exc))
        result.add("questions", "skipped", "no session")
        result.add("close session", "skipped", "no session")
        return
    with conn.transaction():
        index.record_session(conn, api.base, session, closed=False)
    result.add("session", "pass", f"session {session}")
    try:
        _ask(cfg, corpus, api, session, ids, result)
    finally:
        try:
            api.close_session(session)
            with conn.transaction():
                index.record_session(conn, api.base, session, closed=True)
            result.add("close session", "pass", f"session {session} closed")
        except (Unreachable, ApiFailure) as exc:
            status = "skipped" if isinstance(exc, Unreachable) else "fail"
            result.add("close session", status, f"{exc} (--delete --scope rag closes it later)")


def _ask(
    cfg: RetailConfig,
    corpus: Corpus,
    api: Api,
    session: str,
    ids: dict[str, str],
    result: RagResult,
) -> None:
    field_path = cfg.rag.api.citation_field
    asked = _spread(corpus.questions, cfg.rag.api.questions)
    cited, problems, misses = 0, [], []
    for q in asked:
        try:
            answer = api.chat(session, q.text)
        except Unreachable as exc:
            result.add("questions", "skipped", f"{exc} (after {cited} cited)")
            return
        except ApiFailure as exc:
            result.add("questions", "fail", str(exc))
            return
        values, why = walk(answer, field_path)
        if why is not None:
            problems.append(why)
            misses.append(q.path)
            continue
        got = {str(v) for v in values}
        if q.path in got or ids.get(q.path) in got:
            cited += 1
        else:
            misses.append(q.path)
    share = cited / len(asked) if asked else 0.0
    detail = (
        f"{cited}/{len(asked)} answers cite their document via `{field_path}` "
        f"= {share:.3f} (threshold {cfg.rag.recall_threshold:g})"
    )
    if problems:
        detail += f"; {len(problems)} answer(s) without it: {problems[0]}"
    elif misses:
        detail += f"; e.g. {misses[0]} not cited"
    ok = bool(asked) and share >= cfg.rag.recall_threshold
    result.add("questions", "pass" if ok else "fail", detail)
