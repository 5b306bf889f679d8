"""The scenario's tables in the target database: what was indexed, where, and the
application sessions pgseed opened, so ``--delete --scope rag`` removes exactly those.

    pgseed.rag_source   one row per document and per place it was indexed:
                        indexed_by = 'pgseed' (pgseed's own index) or the --api-url
                        base (the application's; api_source_id is its source_id)
    pgseed.rag_chunk    pgseed's own index: chunks of its sources, vector(dim),
                        an HNSW index with vector_cosine_ops
    pgseed.rag_session  agent sessions pgseed created through --api-url

They live in the ``pgseed`` schema, pgseed's own (beside ``pgseed.runs``), never among
the application's tables: a database that holds them is still a pgseed-made one to
every pack (``fresh.py``), and pgseed's vectors come from another embedder than the
application's, so they never go into its ``document_source``/``document_chunk``
(whose columns these mirror; docs/retail.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import psycopg
from psycopg import sql

from .... import history
from ....errors import SchemaMismatchError
from ....pg import Conn
from .chunks import Chunk
from .documents import Document

LOCAL = "pgseed"  # indexed_by of pgseed's own index
SCHEMA = "pgseed"
SOURCE, CHUNK, SESSION = "pgseed.rag_source", "pgseed.rag_chunk", "pgseed.rag_session"
RAG_TABLES = (SOURCE, CHUNK, SESSION)
# HNSW's candidate list: pgvector's default (40) would cap a top-k above 40.
EF_SEARCH_MIN = 40

_DDL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {SOURCE} (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_path   text NOT NULL,
    source_type   text NOT NULL DEFAULT 'markdown',
    content       text NOT NULL,
    content_hash  char(64) NOT NULL,
    metadata      jsonb NOT NULL DEFAULT '{{}}',
    indexed_by    text NOT NULL,
    api_source_id text,
    indexed_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (indexed_by, source_path)
);
CREATE TABLE IF NOT EXISTS {SESSION} (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    api_url     text NOT NULL,
    session_id  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    closed_at   timestamptz,
    UNIQUE (api_url, session_id)
);
"""


def _chunk_ddl(dim: int) -> sql.Composed:
    return sql.SQL(
        """
CREATE TABLE IF NOT EXISTS {chunk} (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id    bigint NOT NULL REFERENCES {source} (id) ON DELETE CASCADE,
    chunk_index  integer NOT NULL,
    content      text NOT NULL,
    token_count  integer NOT NULL,
    embedding    vector({dim}) NOT NULL,
    UNIQUE (source_id, chunk_index)
);
CREATE INDEX IF NOT EXISTS rag_chunk_embedding_hnsw
    ON {chunk} USING hnsw (embedding vector_cosine_ops);
"""
    ).format(chunk=ident(CHUNK), source=ident(SOURCE), dim=sql.Literal(dim))


def ident(table: str) -> sql.Identifier:
    return sql.Identifier(*table.split("."))


def ensure_vector(conn: Conn) -> None:
    """CREATE EXTENSION IF NOT EXISTS vector, or SchemaMismatchError (exit 4) naming
    the fix when the server has no pgvector or the role may not create it."""
    try:
        with conn.transaction():
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    except (psycopg.errors.UndefinedFile, psycopg.errors.FeatureNotSupported) as exc:
        raise SchemaMismatchError(
            "the rag-agent scenario needs the pgvector extension (vector), and this "
            f"server does not have it: {str(exc).splitlines()[0]}\nFix: install pgvector on "
            "the server (https://github.com/pgvector/pgvector#installation), or use "
            "--embedded, whose server ships it."
        ) from exc
    except psycopg.errors.InsufficientPrivilege as exc:
        raise SchemaMismatchError(
            "the rag-agent scenario needs the pgvector extension (vector), and this role "
            f"may not create it: {str(exc).splitlines()[0]}\nFix: have a superuser run "
            "CREATE EXTENSION vector; in this database once."
        ) from exc


def exists(conn: Conn) -> bool:
    """Whether the scenario's tables are there (a role without USAGE on the pgseed schema
    gets False, not an error: history_read.own_table reads the catalog)."""
    from ....history_read import own_table

    return own_table(conn, SOURCE.split(".", 1)[1])


def ensure(conn: Conn, dim: int, *, local: bool) -> None:
    """The three tables, in the caller's transaction. A run that replaces pgseed's own
    index (``local``) makes the chunk table again when its vectors have another
    dimension (they are about to be replaced: the run has --confirm); a run through
    --api-url writes no chunks and leaves it as it is."""
    history.lock_ddl(conn)  # two first runs (or a first run's history) create it at once
    ensure_vector(conn)
    conn.execute(_DDL)
    row = conn.execute(
        "SELECT atttypmod FROM pg_attribute WHERE attrelid = to_regclass(%s) "
        "AND attname = 'embedding'",
        [CHUNK],
    ).fetchone()
    if row is not None and int(str(row[0])) != dim and local:
        conn.execute(sql.SQL("DROP TABLE {}").format(ident(CHUNK)))
    conn.execute(_chunk_ddl(dim))


def lock(conn: Conn) -> None:
    conn.execute(
        sql.SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE").format(
            sql.SQL(", ").join(map(ident, RAG_TABLES))
        )
    )


def held(conn: Conn) -> dict[str, int]:
    """Rows of the rag tables (all zero when they do not exist)."""
    if not exists(conn):
        return dict.fromkeys(RAG_TABLES, 0)
    out = {}
    for t in RAG_TABLES:
        row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(ident(t))).fetchone()
        out[t] = int(str(row[0])) if row else 0
    return out


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _meta(doc: Document) -> str:
    return json.dumps({"kind": doc.kind, "title": doc.title}, sort_keys=True)


def replace_local(
    conn: Conn, docs: Sequence[Document], chunks: Sequence[Chunk], vectors: np.ndarray
) -> int:
    """pgseed's own index becomes these documents (the previous one is removed);
    the number of chunks written."""
    conn.execute(sql.SQL("DELETE FROM {} WHERE indexed_by = %s").format(ident(SOURCE)), [LOCAL])
    ids: dict[str, int] = {}
    for doc in docs:
        row = conn.execute(
            sql.SQL(
                "INSERT INTO {} (source_path, content, content_hash, metadata, indexed_by) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING id"
            ).format(ident(SOURCE)),
            [doc.path, doc.text, _hash(doc.text), _meta(doc), LOCAL],
        ).fetchone()
        assert row is not None
        ids[doc.path] = int(str(row[0]))
    copy = sql.SQL(
        "COPY {} (source_id, chunk_index, content, token_count, embedding) FROM STDIN"
    ).format(ident(CHUNK))
    with conn.cursor().copy(copy) as cp:
        for c, v in zip(chunks, vectors, strict=True):
            cp.write_row([ids[c.path], c.index, c.text, c.token_count, vector_text(v)])
    return len(chunks)


def vector_text(v: np.ndarray) -> str:
    # repr of the float32 values widened to double: pgvector reads back the same float4.
    return "[" + ",".join(map(repr, v.astype(np.float64).tolist())) + "]"


def record_api_source(conn: Conn, api_url: str, doc: Document, api_source_id: str) -> None:
    conn.execute(
        sql.SQL(
            "INSERT INTO {} (source_path, content, content_hash, metadata, indexed_by, "
            "api_source_id) VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (indexed_by, source_path) DO UPDATE SET content = EXCLUDED.content, "
            "content_hash = EXCLUDED.content_hash, metadata = EXCLUDED.metadata, "
            "api_source_id = EXCLUDED.api_source_id, indexed_at = now()"
        ).format(ident(SOURCE)),
        [doc.path, doc.text, _hash(doc.text), _meta(doc), api_url, api_source_id],
    )


def record_session(conn: Conn, api_url: str, session_id: str, *, closed: bool) -> None:
    conn.execute(
        sql.SQL(
            "INSERT INTO {} (api_url, session_id, closed_at) VALUES (%s, %s, "
            "CASE WHEN %s THEN now() END) ON CONFLICT (api_url, session_id) DO UPDATE "
            "SET closed_at = EXCLUDED.closed_at"
        ).format(ident(SESSION)),
        [api_url, session_id, closed],
    )


@dataclass(frozen=True)
class Hit:
    path: str
    chunk_index: int
    score: float


def search(conn: Conn, query: np.ndarray, k: int) -> list[Hit]:
    """The k nearest chunks of pgseed's own index (cosine, through the HNSW index)."""
    conn.execute(
        sql.SQL("SET LOCAL hnsw.ef_search = {}").format(sql.Literal(max(EF_SEARCH_MIN, k)))
    )
    rows = conn.execute(
        sql.SQL(
            "SELECT s.source_path, c.chunk_index, 1 - (c.embedding <=> %s::vector) AS score "
            "FROM {chunk} c JOIN {source} s ON s.id = c.source_id "
            "ORDER BY c.embedding <=> %s::vector LIMIT %s"
        ).format(chunk=ident(CHUNK), source=ident(SOURCE)),
        [vector_text(query), vector_text(query), k],
    ).fetchall()
    # ORDER BY the distance alone, so that the HNSW index can serve it; ties in a fixed order.
    hits = [Hit(str(p), int(str(i)), float(str(s))) for p, i, s in rows]
    return sorted(hits, key=lambda h: (-h.score, h.path, h.chunk_index))
