"""The front-end web application: web chat, health checks and (when configured) Slack."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.web import routes as web_routes
from iep_assistant.config import Settings
from iep_assistant.rasa_client import Assistant, RasaClient

logger = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class SecurityHeaders:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        async def add_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                for name, value in SECURITY_HEADERS.items():
                    headers.append((name.lower().encode(), value.encode()))
            await send(message)

        await self.app(scope, receive, add_headers if scope["type"] == "http" else send)


async def health(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings, assistant: Assistant | None = None) -> Starlette:
    """The ASGI app. ``assistant`` defaults to the signed Rasa client."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        client = None
        if assistant is None:
            client = RasaClient(settings.rasa_url, settings.channel_secret)
        app.state.assistant = assistant or client
        try:
            yield
        finally:
            if client is not None:
                await client.aclose()

    routes = [Route("/healthz", health), *web_routes.routes]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(SecurityHeaders)],
    )
