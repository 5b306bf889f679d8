"""The dashboard's routes: a page per pack, its fragments, the actions and the run stream.

Database reads (summary, verify, report) are plain functions, which Starlette runs in
its thread pool; a run never happens in a request: ``/action`` and ``/confirm`` hand
it to the worker and answer at once (202), and the page follows it on ``/runs/ID/events``
(server-sent events).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from ..dsn import mask, redact
from ..errors import PgseedError
from . import forms, insight
from .app import Pending, State, state_of, templates
from .packs import PackUI, display, ui_for
from .summary import summarise
from .worker import Busy, Run, Stopping, text_of


def _pack(request: Request) -> tuple[State, str, PackUI]:
    state = state_of(request)
    name = request.path_params["name"]
    if name not in state.packs:
        raise HTTPException(404, f"no pack named {name!r} here")
    return state, name, ui_for(name)


async def _form(request: Request, state: State) -> dict[str, str]:
    """The POST's fields, after the CSRF check (403 without this process's token)."""
    form = await request.form()
    token = request.headers.get("x-csrf-token") or str(form.get("csrf") or "")
    if not secrets.compare_digest(token.encode(), state.csrf.encode()):
        raise HTTPException(403, "403: missing or wrong CSRF token; reload the page.")
    return {k: v for k, v in form.items() if isinstance(v, str)}


def index(request: Request) -> Response:
    first = next(iter(state_of(request).packs))
    return RedirectResponse(f"/pack/{first}", status_code=303)


def _context(request: Request, state: State, name: str) -> dict[str, Any]:
    dsn = state.targets[name]
    return {
        "packs": list(state.packs),
        "name": name,
        "url": redact(dsn),
        "summary": summarise(state.packs[name], dsn),
    }


def page(request: Request) -> Response:
    state, name, ui = _pack(request)
    runs = [r for r in state.worker.runs.values() if r.pack == name]
    return templates.TemplateResponse(
        request,
        "page.html",
        {
            **_context(request, state, name),
            "ui": ui,
            "csrf": state.csrf,
            "runs": runs[-5:],
            "reports": name in insight.REPORTS,
        },
    )


def summary(request: Request) -> Response:
    state, name, _ = _pack(request)
    return templates.TemplateResponse(request, "_summary.html", _context(request, state, name))


def _start(state: State, name: str, action: str, steps: list[Any]) -> Response:
    try:
        run = state.worker.start(name, action, steps, state.targets[name])
    except Busy as exc:
        return JSONResponse({"error": mask(str(exc)), "run": exc.run.id}, status_code=409)
    except Stopping as exc:
        return JSONResponse({"error": str(exc)}, status_code=503)
    return JSONResponse({"run": run.id, "command": run.command}, status_code=202)


async def action(request: Request) -> Response:
    """Validate the form as the CLI would; a destructive action answers with its dry run
    and a token to confirm it, another starts at once."""
    state, name, ui = _pack(request)
    values = await _form(request, state)
    act = ui.action(values.get("action", ""))
    if act is None:
        return JSONResponse({"error": f"no action {values.get('action')!r} for {name}"}, 400)
    steps = ui.steps(act.key, values, preview=False)
    error = await run_in_threadpool(forms.check, steps)
    if error is not None:
        return JSONResponse({"error": error}, status_code=400)
    if not act.destructive:
        return _start(state, name, act.key, steps)
    ok, text = await state.worker.preview(
        ui.steps(act.key, values, preview=True), state.targets[name]
    )
    if not ok:
        return JSONResponse({"error": "the dry run refused it:\n" + text}, status_code=400)
    token = secrets.token_urlsafe(16)
    state.pending[token] = Pending(name, act.key, steps)
    return JSONResponse(
        {"preview": text, "token": token, "command": display(steps), "label": act.label}
    )


async def confirm(request: Request) -> Response:
    state, name, _ = _pack(request)
    values = await _form(request, state)
    pending = state.take(values.get("token", ""))
    if pending is None or pending.pack != name:
        return JSONResponse(
            {"error": "this preview is unknown or expired: run the action again to see a new one."},
            status_code=400,
        )
    return _start(state, name, pending.action, pending.steps)


def _run(request: Request) -> tuple[State, Run]:
    state = state_of(request)
    run = state.worker.runs.get(request.path_params["run"])
    if run is None:
        raise HTTPException(404, "no such run")
    return state, run


async def events(request: Request) -> Response:
    """The run's events as server-sent events, from Last-Event-ID on; ends after ``end``."""
    _, run = _run(request)
    last = request.headers.get("last-event-id", "")
    start = int(last) + 1 if last.isdigit() else 0

    async def stream() -> AsyncIterator[str]:
        i = start
        while True:
            while i < len(run.events):
                event = dict(run.events[i])
                event["text"] = text_of(event) if event["event"] not in ("advance", "end") else ""
                yield f"id: {i}\ndata: {json.dumps(event, default=str)}\n\n"
                i += 1
                if event["event"] == "end":
                    return
            async with run.changed:
                if i >= len(run.events):
                    await run.changed.wait()

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
    )


async def cancel(request: Request) -> Response:
    await _form(request, state_of(request))
    state, run = _run(request)
    taken = state.worker.cancel(run)
    return JSONResponse({"run": run.id, "cancelled": taken, "outcome": run.outcome})


def _verify_sync(state: State, name: str, values: dict[str, str]) -> dict[str, Any]:
    ui = ui_for(name)
    flags = (
        ["--run-seed", values["run_seed"]] if name == "social" and values.get("run_seed") else []
    )
    if name != "social":
        flags = ui.flags("generate", values)
    try:
        cfg = forms.check_step((name, "verify", *flags))
        dbname, verdicts = insight.verify(state.packs[name], cfg, state.targets[name])
    except PgseedError as exc:
        return {"error": mask(str(exc))}
    return {"dbname": dbname, "verdicts": verdicts}


async def verify(request: Request) -> Response:
    state, name, _ = _pack(request)
    values = await _form(request, state)
    result = await run_in_threadpool(_verify_sync, state, name, values)
    return templates.TemplateResponse(request, "_verify.html", result)


def _draw_sync(state: State, name: str) -> dict[str, Any]:
    try:
        files = insight.draw(state.packs[name], state.targets[name], state.reports / name)
    except PgseedError as exc:
        return {"error": mask(str(exc)), "name": name, "files": []}
    state.pictures[name] = files
    return {"name": name, "files": files}


async def report(request: Request) -> Response:
    state, name, _ = _pack(request)
    if name not in insight.REPORTS:
        raise HTTPException(404, f"{name} draws no report")
    await _form(request, state)
    result = await run_in_threadpool(_draw_sync, state, name)
    return templates.TemplateResponse(request, "_report.html", result)


def picture(request: Request) -> Response:
    state, name, _ = _pack(request)
    file = request.path_params["file"]
    if file not in state.pictures.get(name, []):  # only what the report drew: no path games
        raise HTTPException(404, "no such picture")
    return FileResponse(state.reports / name / file, media_type="image/png")


ROUTES = [
    Route("/", index),
    Route("/pack/{name}", page),
    Route("/pack/{name}/summary", summary),
    Route("/pack/{name}/action", action, methods=["POST"]),
    Route("/pack/{name}/confirm", confirm, methods=["POST"]),
    Route("/pack/{name}/verify", verify, methods=["POST"]),
    Route("/pack/{name}/report", report, methods=["POST"]),
    Route("/pack/{name}/report/{file}", picture),
    Route("/runs/{run}/events", events),
    Route("/runs/{run}/cancel", cancel, methods=["POST"]),
]
