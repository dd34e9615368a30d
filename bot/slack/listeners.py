"""The Slack listeners: thin glue from Bolt's payloads to the plain functions.

Events are acknowledged by Bolt before the listener runs; commands and clicks
call ``ack()`` first. The slow work (Rasa, the database, posting) comes after,
so Slack always hears back within its 3 seconds.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.slack import commands, incoming, places
from bot.slack.blocks import BUTTON_ACTION, chosen_blocks, help_blocks, help_text
from bot.slack.conversation import answer
from bot.slack.delivery import deliver
from bot.slack.deps import SlackDeps
from bot.slack.home import home_view, load_home, trouble_view
from bot.slack.routing import plan
from bot.slack.web_client import ResponseUrlFailed, respond
from iep_assistant.personal.wording import zone
from iep_assistant.protocol import BotMessage
from iep_assistant.records.store import Rules

logger = logging.getLogger(__name__)


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Attach every listener of the Slack front end to ``app``."""

    # Every message event is matched (and so acknowledged): an unmatched one would
    # be answered 404, and Slack would send it again.
    @app.event("message")
    async def direct_message(
        event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        if event.get("channel_type") != "im" or not places.is_dm_channel(event.get("channel")):
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
        await answer(deps, client, place, action.get("value"))

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
