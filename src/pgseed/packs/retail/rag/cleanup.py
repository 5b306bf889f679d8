"""``--delete --scope rag``: remove exactly what the rag-agent scenario made.

pgseed's own index (its sources and chunks) is deleted in one transaction. What it
put into an application through ``--api-url`` is removed there first, through the
application's ``DELETE /rag/sources/{id}`` and ``DELETE /agents/sessions/{id}`` (for
sessions still open); a record is deleted only once the application has let go of
it, so an application that cannot be reached keeps its records for the next try.
The retail tables are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from psycopg import sql

from .... import history
from ....errors import GenerationError
from ....pg import Conn
from ....progress import Reporter
from ....safety import open_target, production_guard, require_confirm
from . import index
from .client import Api, ApiFailure, Unreachable, without_userinfo
from .config import RagApiConfig


@dataclass(frozen=True)
class RagDeleteResult:
    rows: dict[str, int]  # removed, or that a dry run would remove
    dry_run: bool
    api_calls: dict[str, int] = field(default_factory=dict)  # what the application removed
    no_tables: bool = False


def _rows(conn: Conn, q: str, params: list[object] | None = None) -> list[tuple[str, str]]:
    return [(str(a), str(b)) for a, b in conn.execute(q, params or []).fetchall()]


def delete(
    dsn: str,
    api_cfg: RagApiConfig,
    *,
    confirm: bool,
    dry_run: bool,
    reproduce: str = "",
    api_url: str | None = None,
    reporter: Reporter | None = None,
) -> RagDeleteResult:
    """Remove what the scenario indexed (a real delete is recorded in ``pgseed.runs`` as
    ``delete``, scope ``rag``). ``api_url``: the application's URL with the credentials
    it needs (``https://user:password@host``); pgseed recorded where it indexed without
    them, so they are used for the records of that application only."""
    production_guard()
    if not dry_run:
        require_confirm("--delete --scope rag", confirm)
    target = open_target(dsn, write=not dry_run, create=False)
    conn = target.conn
    try:
        if not index.exists(conn):
            return RagDeleteResult({}, dry_run, no_tables=True)
        counts = index.held(conn)
        if dry_run:
            return RagDeleteResult(counts, True)
        conn.rollback()
        remote = _rows(
            conn,
            f"SELECT indexed_by, api_source_id FROM {index.SOURCE} "
            "WHERE indexed_by <> %s AND api_source_id IS NOT NULL ORDER BY id",
            [index.LOCAL],
        )
        open_sessions = _rows(
            conn,
            f"SELECT api_url, session_id FROM {index.SESSION} WHERE closed_at IS NULL ORDER BY id",
        )
        conn.rollback()
        rec = history.record("retail", "delete", extra={"scope": "rag"}, reproduce=reproduce)
        with history.recorded(conn, rec, reporter) as line:
            kept: list[str] = []
            calls = {"sources": 0, "sessions": 0}
            gone_sources, gone_sessions = [], []
            for base in sorted({b for b, _ in remote} | {b for b, _ in open_sessions}):
                given = api_url if api_url and without_userinfo(api_url) == base else None
                api = Api(given or base, api_cfg)
                try:
                    for b, sid in remote:
                        if b == base:
                            api.delete_source(sid)
                            gone_sources.append((b, sid))
                            calls["sources"] += 1
                    for b, sid in open_sessions:
                        if b == base:
                            api.close_session(sid)
                            gone_sessions.append((b, sid))
                            calls["sessions"] += 1
                except (Unreachable, ApiFailure) as exc:
                    kept.append(f"{base}: {exc}")
                finally:
                    api.close_client()
            removed = _remove(conn, gone_sources, gone_sessions)
            conn.commit()
            if line is not None:
                line.rows = removed
            if kept:
                raise GenerationError(
                    "the rag index's own rows are deleted, but the application kept what "
                    f"pgseed indexed there ({'; '.join(kept)}); its records are kept.\nFix: "
                    "start the application and run --delete --scope rag --confirm again."
                )
        return RagDeleteResult(removed, False, calls)
    finally:
        conn.close()


def _remove(
    c: Conn,
    sources: list[tuple[str, str]],
    sessions: list[tuple[str, str]],
) -> dict[str, int]:
    """Delete pgseed's own index, the application records whose rows the application
    removed, and closed sessions; rows removed per table."""
    with c.transaction():
        index.lock(c)
        src = index.ident(index.SOURCE)
        ses = index.ident(index.SESSION)
        row = c.execute(
            sql.SQL("SELECT count(*) FROM {}").format(index.ident(index.CHUNK))
        ).fetchone()
        chunks = int(str(row[0])) if row else 0
        n_src = c.execute(
            sql.SQL("DELETE FROM {} WHERE indexed_by = %s").format(src), [index.LOCAL]
        ).rowcount
        for base, sid in sources:
            n_src += c.execute(
                sql.SQL("DELETE FROM {} WHERE indexed_by = %s AND api_source_id = %s").format(src),
                [base, sid],
            ).rowcount
        open_left = {(b, s) for b, s in sessions}
        n_ses = c.execute(
            sql.SQL("DELETE FROM {} WHERE closed_at IS NOT NULL").format(ses)
        ).rowcount
        for base, sid in sorted(open_left):
            n_ses += c.execute(
                sql.SQL("DELETE FROM {} WHERE api_url = %s AND session_id = %s").format(ses),
                [base, sid],
            ).rowcount
    return {index.SOURCE: n_src, index.CHUNK: int(chunks), index.SESSION: n_ses}
