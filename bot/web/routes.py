"""Web chat routes: the page, its assets, the chat, the office's updates and feedback.

The JSON the page gets: ``{"messages": [...]}``, with ``"ticket": {"open": .., "id": ..}``
when the visitor has (or just got) a help-desk ticket; a 400 with ``{"error": "..."}``
for a request the page would never send.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.web import office
from bot.web.feedback import EXAMPLE, BadVote, read_vote, store_vote
from bot.web.rendering import opened, render
from bot.web.visitor import VISITOR_COOKIE, new_visitor_id, remember, visitor_of
from iep_assistant.message_input import check_message
from iep_assistant.protocol import TROUBLE_TEXT
from iep_assistant.rasa_client import AssistantUnavailable

__all__ = ["VISITOR_COOKIE", "new_visitor_id", "render", "routes"]

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
MAX_BODY_BYTES = 16_000
MAX_FEEDBACK_BYTES = 1_000
TOO_LONG = "That message is too long. Please ask a shorter question."


async def index(_: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def chat(request: Request) -> Response:
    """A visitor's message: for the office while their ticket is open, else for Rasa."""
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return _json(request, {"messages": [{"text": TOO_LONG}]})
    try:
        data = json.loads(body)
    except ValueError:
        return _error('send JSON like {"message": "..."}')
    if not isinstance(data, dict):
        data = {}
    checked = check_message(data.get("message"))
    if not checked.ok:
        return _json(request, {"messages": [{"text": checked.problem}]})
    # A clicked button sends its payload and its title; the office reads the title.
    shown = check_message(data.get("shown"))
    deps = office.deps_of(request)
    visitor = visitor_of(request)
    returning = visitor is not None
    visitor = visitor or new_visitor_id()
    earlier: list[dict[str, Any]] = []
    ticket: dict[str, Any] | None = None
    try:
        if returning:  # a new visitor cannot have a ticket yet
            held = await office.hold_for_office(
                deps, visitor, shown.text if shown.ok else checked.text
            )
            if held is not None:
                return _json(request, {"messages": [], "ticket": opened(held.id)}, visitor)
            # Catch up first: the page may have missed the office's last replies,
            # or the close (then Rasa must resume before it can answer).
            caught_up = await office.pending(deps, visitor)
            earlier, ticket = caught_up.messages, caught_up.ticket
        answered = await deps.assistant.send(visitor, checked.text, {"channel": "web"})
    except AssistantUnavailable:
        return _trouble(request, earlier, visitor)
    except SQLAlchemyError as exc:
        logger.error("web chat: the records database failed (%s)", type(exc).__name__)
        return _trouble(request, earlier, visitor)
    rendered = render(answered)
    if not rendered:
        logger.error("web chat: Rasa returned no messages the web chat may show")
        return _trouble(request, earlier, visitor)
    for message in answered:
        if message.handoff is not None:
            await office.post_ticket(deps, message.handoff)
            ticket = opened(message.handoff)
    reply: dict[str, Any] = {"messages": earlier + rendered}
    if ticket is not None:
        reply["ticket"] = ticket
    return _json(request, reply, visitor)


async def updates(request: Request) -> Response:
    """What the office wrote since the last look, and the assistant's return after a close."""
    visitor = visitor_of(request)
    if visitor is None:
        return JSONResponse({"messages": [], "ticket": {"open": False}})
    try:
        got = await office.pending(office.deps_of(request), visitor)
    except SQLAlchemyError as exc:
        logger.error("web chat: updates not read (%s)", type(exc).__name__)
        return JSONResponse({"error": TROUBLE_TEXT}, status_code=503)
    return JSONResponse({"messages": got.messages, "ticket": got.ticket})


async def feedback(request: Request) -> Response:
    """A thumbs up or down on a knowledge answer the visitor was shown."""
    visitor = visitor_of(request)
    if visitor is None:
        return _error("no chat visitor: feedback is for answers shown in this chat")
    body = await request.body()
    if len(body) > MAX_FEEDBACK_BYTES:
        return _error("feedback is a small JSON object; this request is too large")
    deps = office.deps_of(request)
    try:
        vote = read_vote(json.loads(body), deps.knowledge)
    except BadVote as exc:
        return _error(str(exc))
    except ValueError:
        return _error(f"send JSON like {EXAMPLE}")
    try:
        await deps.database.run(store_vote, deps.database, visitor, vote)
    except SQLAlchemyError as exc:
        logger.error("web chat: feedback not stored (%s)", type(exc).__name__)
        return JSONResponse({"error": TROUBLE_TEXT}, status_code=503)
    return JSONResponse({"stored": True})


def _error(problem: str) -> Response:
    return JSONResponse({"error": problem}, status_code=400)


def _trouble(request: Request, earlier: list[dict[str, Any]], visitor: str) -> Response:
    # Office replies already marked shown travel with the apology, so none is lost.
    return _json(request, {"messages": [*earlier, {"text": TROUBLE_TEXT}]}, visitor, 503)


def _json(
    request: Request, content: dict[str, Any], visitor: str | None = None, status: int = 200
) -> Response:
    response = JSONResponse(content, status_code=status)
    remember(request, response, visitor)
    return response


routes = [
    Route("/", index),
    Route("/api/chat", chat, methods=["POST"]),
    Route("/api/updates", updates, methods=["GET"]),
    Route("/api/feedback", feedback, methods=["POST"]),
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]
