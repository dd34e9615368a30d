"""One turn of a Slack conversation: check the text, ask Rasa, post the answer."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.delivery import deliver
from bot.slack.deps import SlackDeps
from bot.slack.places import Place
from bot.slack.routing import plan
from iep_assistant.message_input import check_message
from iep_assistant.protocol import TROUBLE_TEXT, BotMessage
from iep_assistant.rasa_client import AssistantUnavailable

logger = logging.getLogger(__name__)


def metadata(place: Place, time_zone: str | None) -> dict[str, Any]:
    """What Rasa (and the actions) learn about where the person is writing from."""
    data: dict[str, Any] = {"channel": "slack", "conversation": place.conversation.value}
    if time_zone:
        data["tz"] = time_zone
    return data


def _has_content(message: BotMessage) -> bool:
    return bool(message.text or message.image or message.buttons)


async def ask(
    deps: SlackDeps, client: AsyncWebClient, place: Place, raw: object
) -> list[BotMessage]:
    """The assistant's answer to what the person wrote, or a short message saying why not."""
    checked = check_message(raw)
    if not checked.ok:
        return [BotMessage(text=checked.problem)]
    time_zone = await deps.time_zones.of(client, place.user)
    try:
        messages = await deps.assistant.send(place.user, checked.text, metadata(place, time_zone))
    except AssistantUnavailable as exc:
        logger.error("slack: assistant unavailable for a %s message: %s", place.conversation, exc)
        return [BotMessage(text=TROUBLE_TEXT)]
    answered = [m for m in messages if _has_content(m)]
    if not answered:
        logger.error("slack: Rasa returned no messages for a %s message", place.conversation)
        return [BotMessage(text=TROUBLE_TEXT)]
    return answered


async def answer(deps: SlackDeps, client: AsyncWebClient, place: Place, raw: object) -> None:
    """Ask, then post the answer where (and as privately as) :mod:`.routing` says."""
    await deliver(client, place, plan(place, await ask(deps, client, place, raw)))
