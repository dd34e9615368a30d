"""One turn of a Slack conversation: check the text, ask Rasa, post the answer."""

from __future__ import annotations

import base64
import logging
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.slack.delivery import deliver
from bot.slack.deps import SlackDeps
from bot.slack.places import Conversation, Place
from bot.slack.routing import plan
from iep_assistant.message_input import check_message
from iep_assistant.personal.chart import DATA_URL_PREFIX, chart_for
from iep_assistant.personal.wording import zone
from iep_assistant.protocol import PRIVATE, TROUBLE_TEXT, BotMessage
from iep_assistant.rasa_client import AssistantUnavailable
from iep_assistant.records.db import Database

logger = logging.getLogger(__name__)
OFFICE_NOTE = (
    "The school office is handling your request #{id}, so I've passed this message on "
    "to them. Their reply will come in our direct messages."
)


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
    return [await with_chart(deps, place.user, m, time_zone) for m in answered]


async def with_chart(
    deps: SlackDeps, user: str, message: BotMessage, time_zone: str | None
) -> BotMessage:
    """Draw the progress chart a message refers to, from the records, as this person
    (access is checked again); the routing uploads it to their DM only."""
    wanted = message.chart
    if wanted is None:
        return message
    today = datetime.now(zone(time_zone, deps.settings.district_time_zone)).date()
    try:
        png = await deps.database.run(_chart, deps.database, user, *wanted, today)
    except SQLAlchemyError as exc:
        logger.error("slack: chart not drawn (%s)", type(exc).__name__)
        return message
    if png is None:
        return message
    return replace(message, image=DATA_URL_PREFIX + base64.b64encode(png).decode())


def _chart(
    database: Database, user: str, student_id: int, goal_id: int, today: date
) -> bytes | None:
    with database.session() as session:
        return chart_for(session, user, student_id, goal_id, today)


async def answer(
    deps: SlackDeps, client: AsyncWebClient, place: Place, raw: object, shown: str | None = None
) -> None:
    """Ask, then post the answer where (and as privately as) :mod:`.routing` says.

    While the person has a help-desk ticket open, what they write goes to the office
    instead (``shown`` is how a clicked button reads), and the assistant stays quiet.
    """
    if deps.helpdesk is not None and await _to_office(deps, client, place, shown or raw):
        return
    messages = await ask(deps, client, place, raw)
    await deliver(client, place, plan(place, messages))
    for message in messages:
        if message.handoff is not None and deps.helpdesk is not None:
            await deps.helpdesk.post(message.handoff)


async def _to_office(deps: SlackDeps, client: AsyncWebClient, place: Place, raw: object) -> bool:
    checked = check_message(raw)
    if not checked.ok or deps.helpdesk is None:
        return False
    try:
        ticket = await deps.helpdesk.person_wrote(place.user, checked.text)
    except SQLAlchemyError as exc:
        logger.error("slack: open tickets could not be checked (%s)", type(exc).__name__)
        return False
    if ticket is None:
        return False
    if place.conversation is not Conversation.DM:
        note = BotMessage(text=OFFICE_NOTE.format(id=ticket.id), custom={PRIVATE: True})
        await deliver(client, place, plan(place, [note]))
    return True
