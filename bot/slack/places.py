"""Where a person spoke to the assistant, and so where (and how privately) it answers."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class Conversation(enum.StrEnum):
    """The kind of place, as Rasa receives it in the message metadata."""

    DM = "dm"
    CHANNEL = "channel"  # a shared channel: others can read what is posted
    COMMAND = "command"
    HOME = "home"


@dataclass(frozen=True)
class Place:
    user: str
    conversation: Conversation
    channel: str | None = None  # the DM or channel id; None: open the person's DM
    thread_ts: str | None = None  # answer inside this thread
    # Set for slash commands and clicks on private (ephemeral) messages: replies go
    # back through it, privately.
    response_url: str | None = None

    @property
    def shared(self) -> bool:
        return self.conversation is Conversation.CHANNEL


def is_dm_channel(channel_id: str | None) -> bool:
    """Slack's direct-message conversation ids start with D."""
    return bool(channel_id) and str(channel_id).startswith("D")


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def of_direct_message(event: Mapping[str, Any]) -> Place:
    return Place(
        user=str(event.get("user", "")),
        conversation=Conversation.DM,
        channel=_str(event.get("channel")),
        thread_ts=_str(event.get("thread_ts")),  # only when they wrote inside a thread
    )


def of_mention(event: Mapping[str, Any]) -> Place:
    return Place(
        user=str(event.get("user", "")),
        conversation=Conversation.CHANNEL,
        channel=_str(event.get("channel")),
        thread_ts=_str(event.get("thread_ts")) or _str(event.get("ts")),
    )


def of_command(command: Mapping[str, Any]) -> Place:
    return Place(
        user=str(command.get("user_id", "")),
        conversation=Conversation.COMMAND,
        channel=_str(command.get("channel_id")),
        response_url=_str(command.get("response_url")),
    )


def of_click(body: Mapping[str, Any]) -> Place:
    """Where a clicked button lives: the answer goes to the same place."""
    user = body.get("user") or {}
    container = body.get("container") or {}
    message = body.get("message") or {}
    user_id = str(user.get("id", "")) if isinstance(user, Mapping) else ""
    if container.get("type") == "view":  # the App Home tab: answer in the DM
        return Place(user=user_id, conversation=Conversation.HOME)
    channel = _str(container.get("channel_id")) or _str((body.get("channel") or {}).get("id"))
    kind = Conversation.DM if is_dm_channel(channel) else Conversation.CHANNEL
    if container.get("is_ephemeral"):
        return Place(
            user=user_id,
            conversation=kind,
            channel=channel,
            response_url=_str(body.get("response_url")),
        )
    thread = _str(message.get("thread_ts"))
    if kind is Conversation.CHANNEL:
        thread = thread or _str(message.get("ts")) or _str(container.get("message_ts"))
    return Place(user=user_id, conversation=kind, channel=channel, thread_ts=thread)


def of_request(body: Mapping[str, Any]) -> Place | None:
    """The place of any request the app answers (for the error path); None if unknown."""
    event = body.get("event")
    if isinstance(event, Mapping):
        if event.get("type") == "app_mention":
            return of_mention(event)
        if event.get("type") == "message" and event.get("user"):
            return of_direct_message(event)
        return None
    if body.get("command"):
        return of_command(body)
    if body.get("type") == "block_actions":
        return of_click(body)
    return None
