"""Spec 003's ``rag-agent`` scenario: documents grounded in the seeded retail data, a
pgvector index of them, and the checks that retrieval (pgseed's own, or the
application's agent behind ``--api-url``) finds the document holding each answer.

    documents.py  markdown documents and their questions, from the database's figures
    chunks.py     documents -> chunks (each carries its document's title)
    embedder.py   the deterministic hashing embedder; an OpenAI-compatible endpoint
    index.py      the pgvector tables (sources, chunks, sessions) and top-k search
    check.py      recall@k over pgseed's own index
    client.py     the application's API: index, sessions, chat, citations
    scenario.py   the steps in order, as one library call
    cleanup.py    ``--delete --scope rag``
"""
