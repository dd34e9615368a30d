"""The HTTP Events API endpoint (events, the slash command and button clicks)."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qsl

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

logger = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
# Slack's payloads are a few kilobytes; refuse anything far larger before reading it.
MAX_BODY_BYTES = 1_000_000


def body_problem(body: bytes, content_type: str | None) -> str | None:
    """Why Bolt could not read this body (it would crash on it), or None if it can.

    Mirrors how Bolt parses a body: JSON when it says so or starts with ``{``, else a
    form, whose ``payload`` field (button clicks) holds JSON.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "request body must be UTF-8"
    try:
        if (content_type or "").startswith("application/json") or text.startswith("{"):
            parsed: object = json.loads(text) if text else {}
        elif "payload" in text:
            parsed = json.loads(dict(parse_qsl(text, keep_blank_values=True)).get("payload", "{}"))
        else:
            return None
    except ValueError:
        return "request body is not valid JSON"
    return None if isinstance(parsed, dict) else "request body must be a JSON object"


def routes(app: AsyncApp) -> list[Route]:
    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            return PlainTextResponse("request body too large", status_code=413)
        problem = body_problem(await request.body(), request.headers.get("content-type"))
        if problem:
            return PlainTextResponse(problem, status_code=400)
        # Bolt verifies the signature and timestamp before anything else runs.
        response = await handler.handle(request)
        if response.status_code == 401:
            logger.warning("slack: refused a request whose signature or timestamp did not verify")
        return response

    return [Route(EVENTS_PATH, events, methods=["POST"])]
