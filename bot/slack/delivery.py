"""Posting a planned answer (:mod:`.routing`) through the Slack Web API.

Slack errors that have a sensible second way are taken that way rather than
losing the reply: blocks Slack refuses are sent again as plain text; a private
message that cannot be shown in the channel (or through an expired
``response_url``) goes to the person's DM instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.places import Conversation, Place
from bot.slack.routing import Delivery, Post, Upload, Via
from bot.slack.web_client import ResponseUrlFailed, respond

logger = logging.getLogger(__name__)
# Slack refused the layout, not the message: send the text alone.
BLOCK_ERRORS = frozenset({"invalid_blocks", "invalid_blocks_format", "msg_too_long"})
# The person cannot be shown an ephemeral message there: use their DM.
EPHEMERAL_ERRORS = frozenset(
    {"user_not_in_channel", "channel_not_found", "not_in_channel", "is_archived"}
)


def error_code(exc: SlackApiError) -> str:
    data = exc.response.data if exc.response is not None else None
    return str(data.get("error", "")) if isinstance(data, dict) else ""


class Deliverer:
    """Carries out one answer's deliveries at one place (opening the DM at most once)."""

    def __init__(self, client: AsyncWebClient, place: Place) -> None:
        self.client = client
        self.place = place
        self._dm = place.channel if place.conversation is Conversation.DM else None

    async def run(self, deliveries: Sequence[Delivery]) -> None:
        for delivery in deliveries:
            if isinstance(delivery, Upload):
                await self._upload(delivery)
            else:
                await self._post(delivery)

    async def _post(self, post: Post) -> None:
        place = self.place
        if post.via is Via.MESSAGE:
            await self._post_message(place.channel or await self._open_dm(), post, place.thread_ts)
        elif post.via is Via.EPHEMERAL:
            try:
                await self._with_block_fallback(
                    self.client.chat_postEphemeral,
                    post,
                    channel=place.channel,
                    user=place.user,
                    thread_ts=place.thread_ts,
                )
            except SlackApiError as exc:
                if error_code(exc) not in EPHEMERAL_ERRORS:
                    raise
                logger.warning("slack: ephemeral refused (%s); sending to DM", error_code(exc))
                await self._post_message(await self._open_dm(), post, None)
        elif post.via is Via.RESPONSE:
            body = {
                "response_type": "ephemeral",
                "replace_original": False,
                "text": post.text,
                "blocks": list(post.blocks),
            }
            try:
                await respond(self.client, str(place.response_url), body)
            except (ResponseUrlFailed, aiohttp.ClientError) as exc:
                logger.warning("slack: response_url failed (%s); sending to DM", type(exc).__name__)
                await self._post_message(await self._open_dm(), post, None)
        else:
            await self._post_message(await self._open_dm(), post, None)

    async def _post_message(self, channel: str, post: Post, thread_ts: str | None) -> None:
        await self._with_block_fallback(
            self.client.chat_postMessage, post, channel=channel, thread_ts=thread_ts
        )

    @staticmethod
    async def _with_block_fallback(method: Any, post: Post, **kwargs: Any) -> None:
        try:
            await method(text=post.text, blocks=list(post.blocks), **kwargs)
        except SlackApiError as exc:
            if error_code(exc) not in BLOCK_ERRORS:
                raise
            logger.warning("slack: blocks refused (%s); sending text only", error_code(exc))
            await method(text=post.text[:3000], **kwargs)

    async def _open_dm(self) -> str:
        if self._dm is None:
            response = await self.client.conversations_open(users=self.place.user)
            self._dm = str(response["channel"]["id"])
        return self._dm

    async def _upload(self, upload: Upload) -> None:
        thread = self.place.thread_ts if self.place.conversation is Conversation.DM else None
        try:
            channel = await self._open_dm()
            await self.client.files_upload_v2(
                channel=channel,
                content=upload.image.content,
                filename=upload.image.filename,
                title=upload.title,
                thread_ts=thread,
            )
        except (SlackClientError, aiohttp.ClientError) as exc:
            # The text of the answer is already posted; a lost chart is logged, not fatal.
            logger.error("slack: chart upload failed (%s)", type(exc).__name__)


async def deliver(client: AsyncWebClient, place: Place, deliveries: Sequence[Delivery]) -> None:
    await Deliverer(client, place).run(deliveries)
