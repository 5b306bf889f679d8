"""The application behind ``--api-url``: its ``/rag/index``, agent sessions and chat,
read through the field paths of ``rag.api`` (docs/retail.md has ForecastLabAI's
contract, the defaults).

``Unreachable`` means the request never got an answer (connection refused, DNS,
timeout): the step is *skipped*, with that reason. ``ApiFailure`` means the
application answered, but not as the contract says (an HTTP error, a field that is
not there): the step *failed*.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from .config import RagApiConfig


def _is_id(v: Any) -> bool:
    # bool is an int to Python, but `true` is no id an application hands out.
    return isinstance(v, str | int) and not isinstance(v, bool)


class Unreachable(Exception):
    """No answer at all: the step is skipped with this reason."""


class ApiFailure(Exception):
    """An answer that breaks the contract: the step fails with this message."""


def walk(data: Any, path: str) -> tuple[list[Any], str | None]:
    """The values at ``path`` (``a.b[].c``: every element of list ``b``) and, when the
    walk stopped early, why: the first field no object had, or an empty list."""
    current = [data]
    done: list[str] = []
    for part in path.split("."):
        name, each = (part[:-2], True) if part.endswith("[]") else (part, False)
        objects = [c for c in current if isinstance(c, Mapping)]
        found = [o[name] for o in objects if name in o]
        done.append(part)
        if not found:
            have = sorted({k for o in objects for k in o})
            where = ".".join(done)
            if not objects:
                return [], f"`{where}`: no object to read it from"
            return [], f"no field `{where}` (the objects there have: {', '.join(have) or 'none'})"
        if each:
            lists = [f for f in found if isinstance(f, list)]
            if not lists:
                return [], f"`{'.'.join(done)}` is not a list"
            current = [x for xs in lists for x in xs]
            if not current:
                return [], f"`{'.'.join(done)}` is an empty list"
        else:
            current = found
    return current, None


def without_userinfo(url: str) -> str:
    """``url`` without ``user:password@`` and a trailing slash: where the application
    is, as pgseed records and prints it (its credentials are never written down)."""
    return str(httpx.URL(url.strip()).copy_with(userinfo=b"")).rstrip("/")


def fill(template: str, **ids: str) -> str:
    """A path template (``/agents/sessions/{session_id}``) with its ids
    percent-encoded: an id the application chose is one path segment, whatever it holds."""
    return template.format(**{k: quote(v, safe="") for k, v in ids.items()})


class Api:
    def __init__(self, base_url: str, cfg: RagApiConfig) -> None:
        url = httpx.URL(base_url.strip())
        # Credentials in the URL go into the Authorization header, never into `base`
        # (recorded in pgseed.rag_source and printed in messages).
        auth = (url.username, url.password) if url.username or url.password else None
        self.base = without_userinfo(base_url)
        self.cfg = cfg
        self.http = httpx.Client(base_url=self.base, timeout=cfg.timeout_seconds, auth=auth)

    def close_client(self) -> None:
        self.http.close()

    def _call(self, method: str, path: str, ok: tuple[int, ...], body: Any = None) -> Any:
        try:
            r = self.http.request(method, path, json=body)
        except httpx.TimeoutException as exc:
            raise Unreachable(
                f"{method} {self.base}{path} timed out after {self.cfg.timeout_seconds:g} s"
            ) from exc
        except httpx.HTTPError as exc:
            raise Unreachable(f"{method} {self.base}{path}: {exc}") from exc
        if r.status_code not in ok:
            raise ApiFailure(f"{method} {path} answered HTTP {r.status_code}: {r.text[:300]}")
        if r.status_code == 204 or not r.content:
            return None
        try:
            return r.json()
        except ValueError as exc:
            raise ApiFailure(f"{method} {path} answered no JSON: {r.text[:200]}") from exc

    def _one(self, data: Any, path: str, what: str) -> str:
        values, why = walk(data, path)
        if why is None and values and not _is_id(values[0]):
            why = f"`{path}` is {json.dumps(values[0])[:80]}, not an id (a string or a number)"
        if why is not None or not values or values[0] in (None, ""):
            raise ApiFailure(
                f"{what}: {why or f'`{path}` is empty'}.\nFix: set the field's path with "
                f"--set rag.api.{'session_id_field' if 'session' in what else 'source_id_field'}"
                "=PATH (see docs/retail.md)."
            )
        return str(values[0])

    def index(self, path: str, content: str, metadata: Mapping[str, Any]) -> str:
        """POST the document; the application's id for it."""
        data = self._call(
            "POST",
            self.cfg.index_path,
            (200, 201),
            {
                "source_type": "markdown",
                "source_path": path,
                "content": content,
                "metadata": dict(metadata),
            },
        )
        return self._one(
            data, self.cfg.source_id_field, f"the answer of POST {self.cfg.index_path}"
        )

    def create_session(self) -> str:
        data = self._call(
            "POST", self.cfg.sessions_path, (200, 201), {"agent_type": self.cfg.agent_type}
        )
        return self._one(
            data, self.cfg.session_id_field, f"the session answer of POST {self.cfg.sessions_path}"
        )

    def chat(self, session_id: str, message: str) -> Any:
        return self._call(
            "POST", fill(self.cfg.chat_path, session_id=session_id), (200,), {"message": message}
        )

    def close_session(self, session_id: str) -> None:
        # 404: the application no longer has it (expired, closed by hand): nothing to close.
        self._call("DELETE", fill(self.cfg.close_path, session_id=session_id), (200, 204, 404))

    def delete_source(self, source_id: str) -> None:
        self._call("DELETE", fill(self.cfg.source_path, source_id=source_id), (200, 204, 404))
