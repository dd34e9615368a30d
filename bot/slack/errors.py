"""The one error path of the Slack app: log the failure, tell the person.

Expected troubles (Rasa or the database down) are answered where they happen;
what reaches this handler is a Slack API failure or a bug. Logs name the kind of
request and the error type, never message text, names or tokens.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import places
from bot.slack.delivery import deliver, error_code
from bot.slack.routing import plan
from bot.slack.web_client import ResponseUrlFailed
from iep_assistant.protocol import TROUBLE_TEXT, BotMessage

logger = logging.getLogger(__name__)


def request_kind(body: Mapping[str, Any]) -> str:
    event = body.get("event")
    if isinstance(event, Mapping):
        return f"event {event.get('type', '?')}"
    if body.get("command"):
        return "slash command"
    return str(body.get("type") or "request")


async def handle_error(error: Exception, body: dict[str, Any], client: AsyncWebClient) -> None:
    kind = request_kind(body)
    if isinstance(error, SlackApiError):
        logger.error("slack: Slack API error %r while handling %s", error_code(error), kind)
    else:
        logger.error("slack: %s while handling %s", type(error).__name__, kind, exc_info=error)
    place = places.of_request(body)
    if place is None or not place.user:
        return
    try:
        await deliver(client, place, plan(place, [BotMessage(text=TROUBLE_TEXT)]))
    except (SlackClientError, aiohttp.ClientError, ResponseUrlFailed, TimeoutError) as exc:
        logger.error("slack: could not tell the person about it either (%s)", type(exc).__name__)
