"""The Slack listeners: thin glue from Bolt's payloads to the plain functions.

Events are acknowledged by Bolt before the listener runs; commands and clicks
call ``ack()`` first. The slow work (Rasa, the database, posting) comes after,
so Slack always hears back within its 3 seconds.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.slack import commands, helpdesk_blocks, incoming, places
from bot.slack.blocks import (
    BUTTON_ACTION,
    FEEDBACK_DOWN,
    FEEDBACK_THANKS,
    FEEDBACK_UP,
    chosen_blocks,
    help_blocks,
    help_text,
)
from bot.slack.conversation import answer
from bot.slack.delivery import deliver
from bot.slack.deps import SlackDeps
from bot.slack.helpdesk_blocks import CLOSE_ACTION, TAKE_ACTION
from bot.slack.home import home_view, load_home, trouble_view
from bot.slack.routing import plan
from bot.slack.web_client import ResponseUrlFailed, respond
from iep_assistant.personal.wording import zone
from iep_assistant.protocol import PRIVATE, BotMessage
from iep_assistant.records import tickets
from iep_assistant.records.db import Database
from iep_assistant.records.store import Rules
from iep_assistant.records.tickets import TicketView
from iep_assistant.records.types import Channel

logger = logging.getLogger(__name__)
NO_HELPDESK = "No help desk is set up for the IEP Assistant here (IEP_HELPDESK_CHANNEL)."
STAFF_ONLY = "Only school staff in the IEP Assistant's records can see the help desk's requests."
STAFF_ONLY_OR_DONE = (
    "That request could not be changed: it is already closed, or your Slack account is not "
    "one of the school staff in the IEP Assistant's records."
)


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Attach every listener of the Slack front end to ``app``."""

    # Every message event is matched (and so acknowledged): an unmatched one would
    # be answered 404, and Slack would send it again.
    @app.event("message")
    async def direct_message(
        event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        if event.get("channel_type") != "im" or not places.is_dm_channel(event.get("channel")):
            if _staff_reply(deps, event, context.bot_user_id):
                assert deps.helpdesk is not None
                await deps.helpdesk.staff_replied(
                    str(event["channel"]),
                    str(event["thread_ts"]),
                    str(event["user"]),
                    incoming.text_of(event, context.bot_user_id) or "",
                )
            return
        if not incoming.is_from_person(event, context.bot_user_id):
            return
        place = places.of_direct_message(event)
        await answer(deps, client, place, incoming.text_of(event, context.bot_user_id))

    @app.event("app_mention")
    async def mention(
        event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        # A mention inside a DM also arrives as a DM message; answer that one only.
        if places.is_dm_channel(event.get("channel")):
            return
        if not incoming.is_from_person(event, context.bot_user_id):
            return
        place = places.of_mention(event)
        await answer(deps, client, place, incoming.text_of(event, context.bot_user_id))

    @app.command(commands.COMMAND)
    async def slash_command(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        parsed = commands.parse(command.get("text"))
        if isinstance(parsed, commands.Help):
            await ack(response_type="ephemeral", text=help_text(), blocks=help_blocks())
            return
        await ack()
        place = places.of_command(command)
        if isinstance(parsed, commands.Tickets):
            await _list_tickets(deps, client, place)
            return
        if isinstance(parsed, commands.Problem):
            await deliver(client, place, plan(place, [BotMessage(text=parsed.text)]))
        else:
            await answer(deps, client, place, parsed.text)

    @app.action(BUTTON_ACTION)
    async def button(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        place = places.of_click(body)
        await _show_choice(client, body, action, place)
        title = str((action.get("text") or {}).get("text") or "")
        await answer(deps, client, place, action.get("value"), shown=f"(clicked: {title})")

    @app.action(TAKE_ACTION)
    async def take_ticket(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await _staff_action(deps, client, body, action, take=True)

    @app.action(CLOSE_ACTION)
    async def close_ticket(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await _staff_action(deps, client, body, action, take=False)

    @app.action(re.compile(f"^({FEEDBACK_UP}|{FEEDBACK_DOWN})$"))
    async def feedback(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await _feedback(deps, client, body, action)

    @app.event("app_home_opened")
    async def home_opened(event: dict[str, Any], client: AsyncWebClient) -> None:
        user = event.get("user")
        if event.get("tab") != "home" or not isinstance(user, str) or not user:
            return
        await client.views_publish(user_id=user, view=await _home(deps, client, user))


async def _show_choice(
    client: AsyncWebClient, body: dict[str, Any], action: dict[str, Any], place: places.Place
) -> None:
    """Replace the clicked message's buttons with a line saying what was chosen."""
    message = body.get("message")
    response_url = body.get("response_url")
    if not isinstance(message, dict) or not isinstance(response_url, str):
        return  # a button on the Home tab: there is no message to change
    title = str((action.get("text") or {}).get("text") or action.get("value") or "")
    chooser = place.user if place.shared else None  # others can read it: say who chose
    update = {
        "replace_original": True,
        "text": message.get("text") or title,
        "blocks": chosen_blocks(message.get("blocks") or [], title, chooser),
    }
    try:
        await respond(client, response_url, update)
    except (ResponseUrlFailed, SlackClientError, aiohttp.ClientError) as exc:
        # Cosmetic: the answer to the click matters more, so carry on.
        logger.warning("slack: could not update the clicked message (%s)", type(exc).__name__)


async def _home(deps: SlackDeps, client: AsyncWebClient, user: str) -> dict[str, Any]:
    settings = deps.settings
    slack_zone = await deps.time_zones.of(client, user)
    now = datetime.now(UTC)
    today = now.astimezone(zone(settings.district_time_zone)).date()
    rules = Rules(settings.initial_evaluation_days, settings.transition_age)
    try:
        data = await deps.database.run(
            load_home, deps.database, user, now=now, today=today, rules=rules
        )
    except SQLAlchemyError as exc:
        logger.error("slack: App Home could not read the records (%s)", type(exc).__name__)
        return trouble_view()
    tz = zone(slack_zone or data.time_zone, settings.district_time_zone)
    return home_view(data, tz=tz, today=now.astimezone(tz).date())


def _staff_reply(deps: SlackDeps, event: dict[str, Any], bot_user_id: str | None) -> bool:
    """A person's reply inside a thread of the help-desk channel."""
    return (
        deps.helpdesk is not None
        and event.get("channel") == deps.helpdesk.channel
        and isinstance(event.get("thread_ts"), str)
        and event.get("thread_ts") != event.get("ts")
        and incoming.is_from_person(event, bot_user_id)
    )


async def _privately(client: AsyncWebClient, place: places.Place, text: str) -> None:
    await deliver(client, place, plan(place, [BotMessage(text=text, custom={PRIVATE: True})]))


async def _list_tickets(deps: SlackDeps, client: AsyncWebClient, place: places.Place) -> None:
    if deps.helpdesk is None:
        await _privately(client, place, NO_HELPDESK)
        return
    found = await deps.database.run(staff_tickets, deps.database, place.user)
    if found is None:
        await _privately(client, place, STAFF_ONLY)
        return
    body = {
        "response_type": "ephemeral",
        "text": f"{len(found)} open requests",
        "blocks": helpdesk_blocks.list_blocks(found),
    }
    try:
        await respond(client, str(place.response_url), body)
    except (ResponseUrlFailed, SlackClientError, aiohttp.ClientError) as exc:
        logger.warning("slack: ticket list not shown (%s)", type(exc).__name__)


async def _staff_action(
    deps: SlackDeps,
    client: AsyncWebClient,
    body: dict[str, Any],
    action: dict[str, Any],
    *,
    take: bool,
) -> None:
    place = places.of_click(body)
    try:
        ticket_id = int(str(action.get("value")))
    except ValueError:
        return
    if deps.helpdesk is None:
        await _privately(client, place, NO_HELPDESK)
        return
    done = await (deps.helpdesk.take if take else deps.helpdesk.close)(ticket_id, place.user)
    if done is None:
        await _privately(client, place, STAFF_ONLY_OR_DONE)


async def _feedback(
    deps: SlackDeps, client: AsyncWebClient, body: dict[str, Any], action: dict[str, Any]
) -> None:
    place = places.of_click(body)
    article = str(action.get("value") or "")
    message_ts = str((body.get("container") or {}).get("message_ts") or "")
    if not article or not message_ts:
        return
    try:
        await deps.database.run(
            record_vote,
            deps.database,
            place.user,
            article,
            action.get("action_id") == FEEDBACK_UP,
            f"slack:{message_ts}",
        )
    except SQLAlchemyError as exc:
        logger.error("slack: feedback not stored (%s)", type(exc).__name__)
        return
    await _privately(client, place, FEEDBACK_THANKS)


def staff_tickets(database: Database, user: str) -> list[TicketView] | None:
    """The open tickets, for a staff member the records know; None for anyone else."""
    with database.session() as session:
        if tickets.staff_member(session, user) is None:
            return None
        return tickets.live_tickets(session)


def record_vote(database: Database, user: str, article: str, helpful: bool, answer: str) -> None:
    with database.session() as session:
        tickets.record_feedback(
            session,
            article_id=article,
            helpful=helpful,
            rater_ref=user,
            answer_ref=answer,
            channel=Channel.SLACK,
            now=datetime.now(UTC),
        )
