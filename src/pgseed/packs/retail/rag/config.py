"""The ``rag`` section of the retail config: the ``rag-agent`` scenario's knobs.

Every key can be set in the YAML file (``rag: {top_k: 8}``) or with
``--set rag.KEY=VALUE``; unknown keys fail with a did-you-mean like the rest of the
config. The ``api`` keys describe the application behind ``--api-url``; their defaults
are the contract of spec 003's application (ForecastLabAI, docs/retail.md).
"""

from __future__ import annotations

import re
from string import Formatter
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from ....config import Float, Int

# A dotted path into a JSON response; ``name[]`` walks every element of a list.
_PATH = re.compile(r"^[A-Za-z_][\w-]*(\[\])?(\.[A-Za-z_][\w-]*(\[\])?)*$")
Share = Annotated[Float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _json_path(v: str) -> str:
    if not _PATH.match(v):
        raise ValueError(
            f"{v!r} is not a field path: dotted names, `[]` after a list, "
            "e.g. tool_calls[].result.results[].source_path"
        )
    return v


# The one placeholder each path may hold: pgseed fills it with the id the application
# returned (percent-encoded); any other `{...}` would fail only at the first request.
_PLACEHOLDER = {
    "index_path": None,
    "sessions_path": None,
    "chat_path": "session_id",
    "close_path": "session_id",
    "source_path": "source_id",
}


def _url_path(v: str, field: str) -> str:
    if not v.startswith("/"):
        raise ValueError(f"{v!r} must start with / (it is appended to --api-url)")
    want = _PLACEHOLDER[field]
    try:
        names = [name for _, name, _, _ in Formatter().parse(v) if name is not None]
    except ValueError as exc:  # a lone `{` or `}`
        raise ValueError(
            f"{v!r} is not a path template ({exc}); write {{{{ for a literal {{"
        ) from None
    if want is None and names:
        raise ValueError(f"{v!r} takes no placeholder, found {{{names[0]}}}")
    if want is not None and names != [want]:
        found = ", ".join(f"{{{n}}}" for n in names) or "none"
        raise ValueError(f"{v!r} must hold {{{want}}} once (found: {found})")
    return v


class RagApiConfig(_Strict):
    """The application's endpoints and the fields pgseed reads from its answers."""

    index_path: str = "/rag/index"
    sessions_path: str = "/agents/sessions"
    chat_path: str = "/agents/sessions/{session_id}/chat"
    close_path: str = "/agents/sessions/{session_id}"
    source_path: str = "/rag/sources/{source_id}"  # DELETE: --delete --scope rag
    agent_type: Annotated[str, Field(min_length=1, max_length=100)] = "rag_assistant"
    # Fields of the JSON answers, as dotted paths (``[]``: every element of a list).
    session_id_field: str = "session_id"
    source_id_field: str = "source_id"
    # ForecastLabAI's ChatResponse has no `citations`: the sources are the results of
    # the retrieve_context tool call the agent made.
    citation_field: str = "tool_calls[].result.results[].source_path"
    # Questions sent to the application's agent (each is a model call there).
    questions: Annotated[Int, Field(ge=1, le=1000)] = 8
    timeout_seconds: Annotated[Float, Field(gt=0.0, le=3600.0)] = 60.0

    @field_validator("session_id_field", "source_id_field", "citation_field")
    @classmethod
    def _paths(cls, v: str) -> str:
        return _json_path(v)

    @field_validator("index_path", "sessions_path", "chat_path", "close_path", "source_path")
    @classmethod
    def _urls(cls, v: str, info: ValidationInfo) -> str:
        return _url_path(v, str(info.field_name))


class RagConfig(_Strict):
    # pgvector's HNSW indexes vectors of up to 2,000 dimensions.
    embedding_dim: Annotated[Int, Field(ge=8, le=2000)] = 256
    top_k: Annotated[Int, Field(ge=1, le=100)] = 5
    recall_threshold: Share = 0.9
    # Characters per chunk (each chunk also carries its document's title line).
    chunk_size: Annotated[Int, Field(ge=100, le=100_000)] = 800
    # An OpenAI-compatible embeddings endpoint (POST {"model", "input"} ->
    # {"data": [{"embedding": [...]}]}) instead of the built-in embedder; its key, if
    # it needs one, comes from PGSEED_EMBEDDING_API_KEY (never from the config).
    embedding_url: str | None = None
    embedding_model: Annotated[str, Field(min_length=1, max_length=200)] = "text-embedding-3-small"
    api: RagApiConfig = RagApiConfig()

    @field_validator("embedding_url")
    @classmethod
    def _http(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("http://", "https://")):
            raise ValueError(f"{v!r} is not an http(s) URL")
        return v
