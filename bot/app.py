"""The front-end web application: web chat, health checks and (when configured) Slack."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.slack.app import build_slack_app
from bot.slack.helpdesk import HelpDesk
from bot.slack.routes import routes as slack_routes
from bot.slack.runtime import SlackRuntime
from bot.slack.web_client import build_web_client
from bot.web import routes as web_routes
from iep_assistant.config import Settings
from iep_assistant.knowledge import load_knowledge_base
from iep_assistant.rasa_client import Assistant, RasaClient
from iep_assistant.records.db import Database
from iep_assistant.reminders.delivery import Notifier, notice_defaults
from iep_assistant.reminders.slack_messenger import SlackMessenger

logger = logging.getLogger(__name__)
READY_TIMEOUT = 2.0

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
    """Alive: the process answers (liveness)."""
    return JSONResponse({"status": "ok"})


async def ready(request: Request) -> Response:
    """Ready for traffic: the records database answers. Rasa is not checked, so that a
    Rasa outage (answered with "please try again") does not take every front end out."""
    database: Database = request.app.state.database
    try:
        await asyncio.wait_for(database.run(database.ping), timeout=READY_TIMEOUT)
    except (SQLAlchemyError, TimeoutError) as exc:
        logger.warning("not ready: the records database did not answer (%s)", type(exc).__name__)
        return JSONResponse({"status": "database unavailable"}, status_code=503)
    return JSONResponse({"status": "ready"})


def create_app(
    settings: Settings, assistant: Assistant | None = None, database: Database | None = None
) -> Starlette:
    """The ASGI app: web chat, health check, and Slack when configured.

    ``assistant`` defaults to the signed Rasa client; ``database`` to one opened from
    ``settings.database_url`` for this process. The app's state holds ``assistant``,
    ``database``, ``knowledge`` (the keys an answer may carry) and ``helpdesk`` (None without Slack
    and a help-desk channel).
    """
    rasa: RasaClient | None = None
    if assistant is None:
        assistant = rasa = RasaClient(
            settings.rasa_url, settings.channel_secret, api_token=settings.rasa_api_token
        )
    own_database: Database | None = None
    if database is None:
        database = own_database = Database.from_url(settings.database_url)
    slack: SlackRuntime | None = None
    helpdesk: HelpDesk | None = None
    routes = [Route("/healthz", health), Route("/readyz", ready), *web_routes.routes]
    if settings.slack_enabled:
        client = build_web_client(settings)
        if settings.helpdesk_channel:
            helpdesk = HelpDesk(client, database, assistant, settings.helpdesk_channel)
        slack_app = build_slack_app(settings, assistant, database, client=client, helpdesk=helpdesk)
        slack = SlackRuntime(slack_app, settings)
        if not settings.socket_mode:
            routes += slack_routes(slack_app)
    knowledge = load_knowledge_base(settings.knowledge_dir).answer_keys()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.assistant = assistant
        app.state.database = database
        app.state.knowledge = knowledge
        app.state.helpdesk = helpdesk
        background: list[asyncio.Task] = []
        stop = asyncio.Event()
        if slack is not None:
            await slack.start()
            logger.info("Slack: %s", "Socket Mode" if settings.socket_mode else "HTTP events")
            if settings.notifier:
                notifier = Notifier(
                    database,
                    SlackMessenger(slack.app.client),
                    notice_defaults(settings),
                    lease=timedelta(seconds=settings.notifier_lease),
                )
                background.append(
                    asyncio.create_task(notifier.run_forever(stop, settings.notifier_interval))
                )
            if helpdesk is not None:
                background.append(
                    asyncio.create_task(helpdesk.keep_up(stop, settings.notifier_interval))
                )
        try:
            yield
        finally:
            stop.set()
            for task in background:
                await task
            if slack is not None:
                await slack.stop()
            if rasa is not None:
                await rasa.aclose()
            if own_database is not None:
                own_database.dispose()

    return Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(SecurityHeaders)],
    )
