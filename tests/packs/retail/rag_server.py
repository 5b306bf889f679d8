"""A small reference application for ``--scenario rag-agent --api-url``: spec 003's
ForecastLabAI contract (app/features/rag and app/features/agents), with pgvector
retrieval over the chunks it indexed and an "agent" that answers every message by
calling its retrieve_context tool, as the real rag_assistant does.

    POST   /rag/index                     {source_type, source_path, content, metadata}
                                          -> 201 {source_id, source_path, chunks_created, ...}
    DELETE /rag/sources/{source_id}       -> {source_id, chunks_deleted, status}
    POST   /agents/sessions               {agent_type} -> 201 {session_id, status, ...}
    POST   /agents/sessions/{id}/chat     {message} -> {session_id, message, tool_calls:
                                          [{tool_name, tool_call_id, arguments,
                                            result: {results: [{source_id, source_path,
                                            chunk_id, content, relevance_score, ...}]},
                                            duration_ms}], tokens_used, ...}
    DELETE /agents/sessions/{id}          -> 204
    POST   /v1/embeddings                 OpenAI-compatible, pgseed's hashing embedder

``variant`` breaks the contract on purpose: ``no_citations`` (the agent calls no tool),
``renamed`` (results carry ``document`` instead of ``source_path``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pgseed.packs.retail.rag.chunks import chunk
from pgseed.packs.retail.rag.documents import Document
from pgseed.packs.retail.rag.embedder import HashingEmbedder
from pgseed.packs.retail.rag.index import vector_text
from tests.support.servers import free_port, run_in_thread

DIM = 256
DDL = f"""
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE IF NOT EXISTS document_source (
    id serial PRIMARY KEY, source_id varchar(32) UNIQUE NOT NULL,
    source_type varchar(50) NOT NULL, source_path text NOT NULL, content_hash text NOT NULL,
    metadata jsonb, UNIQUE (source_type, source_path));
CREATE TABLE IF NOT EXISTS document_chunk (
    id serial PRIMARY KEY, chunk_id varchar(32) UNIQUE NOT NULL,
    source_id integer NOT NULL REFERENCES document_source (id) ON DELETE CASCADE,
    chunk_index integer NOT NULL, content text NOT NULL, embedding vector({DIM}));
CREATE INDEX IF NOT EXISTS ix_chunk_embedding_hnsw ON document_chunk
    USING hnsw (embedding vector_cosine_ops);
CREATE TABLE IF NOT EXISTS agent_session (
    session_id varchar(32) PRIMARY KEY, agent_type text NOT NULL, status text NOT NULL);
"""


def app(dsn: str, variant: str = "ok") -> Starlette:
    embedder = HashingEmbedder(DIM)
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute(DDL)  # type: ignore[arg-type]

    def db() -> psycopg.Connection[Any]:
        return psycopg.connect(dsn, autocommit=True)

    async def index(request: Request) -> Response:
        body = await request.json()
        if body.get("source_type") not in ("markdown", "openapi") or not body.get("source_path"):
            return JSONResponse({"detail": "validation error"}, status_code=422)
        doc = Document(body["source_path"], "markdown", "", body["content"])
        chunks = chunk(doc, 800)
        vectors = embedder.embed([c.text for c in chunks])
        with db() as c:
            row = c.execute(
                "INSERT INTO document_source (source_id, source_type, source_path, content_hash,"
                " metadata) VALUES (%s, %s, %s, md5(%s), %s) ON CONFLICT (source_type, "
                "source_path) DO UPDATE SET content_hash = EXCLUDED.content_hash "
                "RETURNING id, source_id",
                [
                    uuid.uuid4().hex,
                    body["source_type"],
                    doc.path,
                    doc.text,
                    json.dumps(body.get("metadata")),
                ],
            ).fetchone()
            assert row is not None
            c.execute("DELETE FROM document_chunk WHERE source_id = %s", [row[0]])
            for ch, v in zip(chunks, vectors, strict=True):
                c.execute(
                    "INSERT INTO document_chunk (chunk_id, source_id, chunk_index, content, "
                    "embedding) VALUES (%s, %s, %s, %s, %s::vector)",
                    [uuid.uuid4().hex, row[0], ch.index, ch.text, vector_text(v)],
                )
        return JSONResponse(
            {
                "source_id": row[1],
                "source_path": doc.path,
                "chunks_created": len(chunks),
                "tokens_processed": sum(ch.token_count for ch in chunks),
                "duration_ms": 1.0,
                "status": "indexed",
            },
            status_code=201,
        )

    async def delete_source(request: Request) -> Response:
        sid = request.path_params["source_id"]
        with db() as c:
            n = c.execute(
                "SELECT count(*) FROM document_chunk k JOIN document_source s ON s.id = "
                "k.source_id WHERE s.source_id = %s",
                [sid],
            ).fetchone()
            gone = c.execute("DELETE FROM document_source WHERE source_id = %s", [sid]).rowcount
        if not gone:
            return JSONResponse({"detail": f"Source not found: {sid}"}, status_code=404)
        return JSONResponse(
            {"source_id": sid, "chunks_deleted": n[0] if n else 0, "status": "deleted"}
        )

    async def create_session(request: Request) -> Response:
        body = await request.json()
        if body.get("agent_type") not in ("experiment", "rag_assistant"):
            return JSONResponse({"detail": "validation error"}, status_code=422)
        sid = uuid.uuid4().hex
        with db() as c:
            c.execute(
                "INSERT INTO agent_session VALUES (%s, %s, 'active')", [sid, body["agent_type"]]
            )
        now = "2026-01-01T00:00:00Z"
        return JSONResponse(
            {
                "session_id": sid,
                "agent_type": body["agent_type"],
                "status": "active",
                "total_tokens_used": 0,
                "tool_calls_count": 0,
                "last_activity": now,
                "expires_at": now,
                "created_at": now,
            },
            status_code=201,
        )

    def _status(sid: str) -> str | None:
        with db() as c:
            row = c.execute(
                "SELECT status FROM agent_session WHERE session_id = %s", [sid]
            ).fetchone()
        return None if row is None else str(row[0])

    async def chat(request: Request) -> Response:
        sid = request.path_params["session_id"]
        status = _status(sid)
        if status is None:
            return JSONResponse({"detail": f"Session not found: {sid}"}, status_code=404)
        if status != "active":
            return JSONResponse({"detail": "Session expired"}, status_code=410)
        message = (await request.json())["message"]
        q = embedder.embed([message])[0]
        with db() as c:
            rows = c.execute(
                "SELECT k.chunk_id, s.source_id, s.source_path, s.source_type, k.content, "
                "1 - (k.embedding <=> %s::vector) FROM document_chunk k JOIN document_source s "
                "ON s.id = k.source_id ORDER BY k.embedding <=> %s::vector LIMIT 5",
                [vector_text(q), vector_text(q)],
            ).fetchall()
        key = "document" if variant == "renamed" else "source_path"
        results = [
            {
                "chunk_id": r[0],
                "source_id": r[1],
                key: r[2],
                "source_type": r[3],
                "content": r[4],
                "relevance_score": max(0.0, min(1.0, float(r[5]))),
                "metadata": None,
            }
            for r in rows
        ]
        calls = (
            []
            if variant == "no_citations"
            else [
                {
                    "tool_name": "retrieve_context",
                    "tool_call_id": uuid.uuid4().hex,
                    "arguments": {"query": message, "top_k": 5},
                    "result": {
                        "results": results,
                        "query_embedding_time_ms": 0.1,
                        "search_time_ms": 0.1,
                        "total_chunks_searched": len(results),
                    },
                    "duration_ms": 1.0,
                }
            ]
        )
        answer = results[0]["content"][:200] if results else "insufficient evidence"
        return JSONResponse(
            {
                "session_id": sid,
                "message": answer,
                "tool_calls": calls,
                "pending_approval": False,
                "pending_action": None,
                "tokens_used": 0,
            }
        )

    async def close_session(request: Request) -> Response:
        sid = request.path_params["session_id"]
        with db() as c:
            n = c.execute(
                "UPDATE agent_session SET status = 'closed' WHERE session_id = %s", [sid]
            ).rowcount
        return Response(status_code=204 if n else 404)

    async def embeddings(request: Request) -> Response:
        body = await request.json()
        vecs = embedder.embed(list(body["input"]))
        return JSONResponse(
            {
                "object": "list",
                "model": body["model"],
                "data": [
                    {"object": "embedding", "index": i, "embedding": v.tolist()}
                    for i, v in enumerate(vecs)
                ],
            }
        )

    return Starlette(
        routes=[
            Route("/rag/index", index, methods=["POST"]),
            Route("/rag/sources/{source_id}", delete_source, methods=["DELETE"]),
            Route("/agents/sessions", create_session, methods=["POST"]),
            Route("/agents/sessions/{session_id}/chat", chat, methods=["POST"]),
            Route("/agents/sessions/{session_id}", close_session, methods=["DELETE"]),
            Route("/v1/embeddings", embeddings, methods=["POST"]),
        ]
    )


@contextmanager
def serve(dsn: str, variant: str = "ok") -> Iterator[str]:
    """Run the application on a free port in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app(dsn, variant), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = run_in_thread(server, "the reference RAG server")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
