"""The notifier's Slack side: direct messages that carry their notification id."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from iep_assistant.reminders.delivery import METADATA_EVENT, MessengerError

# Errors that will not go away by trying again.
PERMANENT = frozenset(
    {"user_not_found", "account_inactive", "user_disabled", "cannot_dm_bot", "invalid_auth"}
)


class SlackMessenger:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def _dm(self, user_id: str) -> str:
        response = await self.client.conversations_open(users=user_id)
        return str(response["channel"]["id"])

    async def send(self, user_id: str, text: str, notification_id: int) -> str:
        try:
            channel = await self._dm(user_id)
            response = await self.client.chat_postMessage(
                channel=channel,
                text=text,
                mrkdwn=True,
                metadata={
                    "event_type": METADATA_EVENT,
                    "event_payload": {"notification_id": notification_id},
                },
            )
        except SlackApiError as exc:
            code = str(exc.response.get("error", "")) if exc.response is not None else ""
            raise MessengerError(code or "slack_error", retry=code not in PERMANENT) from exc
        except SlackClientError as exc:
            raise MessengerError(type(exc).__name__) from exc
        return str(response.get("ts", ""))

    async def find_sent(self, user_id: str, notification_id: int, since: datetime) -> str | None:
        try:
            channel = await self._dm(user_id)
            response = await self.client.conversations_history(
                channel=channel,
                oldest=f"{since.timestamp():.6f}",
                include_all_metadata=True,
                limit=200,
            )
        except (SlackApiError, SlackClientError) as exc:
            raise MessengerError(type(exc).__name__) from exc
        for message in response.get("messages", []):
            meta = message.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            if (
                meta.get("event_type") == METADATA_EVENT
                and payload.get("notification_id") == notification_id
            ):
                return str(message.get("ts", ""))
        return None
