"""Building the Bolt app: client, middleware, listeners and the one error handler."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import dedupe, listeners
from bot.slack.deps import SlackDeps
from bot.slack.errors import handle_error
from bot.slack.helpdesk import HelpDesk
from bot.slack.time_zones import TimeZones
from bot.slack.web_client import build_web_client
from iep_assistant.config import Settings
from iep_assistant.rasa_client import Assistant
from iep_assistant.records.db import Database

logger = logging.getLogger(__name__)


def build_slack_app(
    settings: Settings,
    assistant: Assistant,
    database: Database,
    *,
    client: AsyncWebClient | None = None,
    time_zones: TimeZones | None = None,
    helpdesk: HelpDesk | None = None,
) -> AsyncApp:
    """The Slack app. Nothing here talks to Slack; the first request does (auth.test)."""
    app = AsyncApp(
        client=client or build_web_client(settings),
        # Socket Mode needs no signing secret (Bolt skips the check there); an HTTP
        # request can never pass with an empty one.
        signing_secret=settings.slack_signing_secret,
        # Acknowledge first, work after: Slack wants an answer within 3 seconds.
        process_before_response=False,
        logger=logging.getLogger("slack_bolt.iep"),
    )
    deps = SlackDeps(settings, assistant, database, time_zones or TimeZones(), helpdesk)
    app.use(dedupe.middleware(dedupe.Claims(database)))
    listeners.register(app, deps)
    app.error(handle_error)
    return app
