"""Web chat routes: the page, its assets and the chat endpoint."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from iep_assistant.message_input import check_message
from iep_assistant.protocol import TROUBLE_TEXT, BotMessage
from iep_assistant.rasa_client import Assistant, AssistantUnavailable

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
VISITOR_COOKIE = "iep_visitor"
# Web visitors get ids that can never be a Slack user id (those are U… or W…).
VISITOR_PREFIX = "web-"
MAX_BODY_BYTES = 16_000


def new_visitor_id() -> str:
    return VISITOR_PREFIX + secrets.token_urlsafe(24)


def _valid_visitor(value: str | None) -> bool:
    return bool(value) and value.startswith(VISITOR_PREFIX) and 20 <= len(value) <= 64


def render(messages: list[BotMessage]) -> list[dict]:
    """Messages for the browser. Personal messages never reach the web chat."""
    out = []
    for message in messages:
        if message.private:
            continue
        item: dict = {"text": message.text}
        if message.buttons:
            item["buttons"] = [b.as_dict() for b in message.buttons]
        if message.article:
            item["article"] = message.article
        out.append(item)
    return out


async def index(_: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def chat(request: Request) -> Response:
    assistant: Assistant = request.app.state.assistant
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return _reply(
            request, [{"text": "That message is too long. Please ask a shorter question."}]
        )
    try:
        data = await request.json()
    except ValueError:
        return JSONResponse({"error": 'send JSON like {"message": "..."}'}, status_code=400)
    raw = data.get("message") if isinstance(data, dict) else None
    checked = check_message(raw)
    if not checked.ok:
        return _reply(request, [{"text": checked.problem}])
    visitor = request.cookies.get(VISITOR_COOKIE)
    if not _valid_visitor(visitor):
        visitor = new_visitor_id()
    try:
        messages = await assistant.send(visitor, checked.text, {"channel": "web"})
    except AssistantUnavailable:
        return _reply(request, [{"text": TROUBLE_TEXT}], visitor=visitor, status=503)
    rendered = render(messages)
    if not rendered:
        logger.error("web chat: Rasa returned no messages")
        rendered = [{"text": TROUBLE_TEXT}]
    return _reply(request, rendered, visitor=visitor)


def _reply(
    request: Request, messages: list[dict], *, visitor: str | None = None, status: int = 200
) -> Response:
    response = JSONResponse({"messages": messages}, status_code=status)
    if visitor and request.cookies.get(VISITOR_COOKIE) != visitor:
        response.set_cookie(
            VISITOR_COOKIE,
            visitor,
            max_age=60 * 60 * 24 * 30,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
    return response


routes = [
    Route("/", index),
    Route("/api/chat", chat, methods=["POST"]),
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]
