"""Who is asking, as far as the assistant can trust it.

Only the signed `iep` channel carries an identity (the front end signs each message;
see :mod:`iep_assistant.signing`). A Slack message's sender id is the Slack user id
Slack vouched for. The web chat's visitors and Rasa's plain REST channel are
anonymous: they get general answers only. Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from iep_assistant.records.types import Channel

SIGNED_INPUT_CHANNEL = "iep"
_CHANNELS = {"slack": Channel.SLACK, "web": Channel.WEB, "terminal": Channel.TERMINAL}


@dataclass(frozen=True)
class Asker:
    sender: str
    channel: Channel | None  # None: came in unsigned (Rasa's REST channel)
    identified: bool  # the sender id is a Slack user id we may look up
    time_zone: str | None = None
    conversation: str = "dm"  # "dm", "channel", "command", "home", ...


def asker_from(input_channel: str | None, sender: str, metadata: Mapping[str, Any] | None) -> Asker:
    metadata = metadata or {}
    if input_channel != SIGNED_INPUT_CHANNEL:
        return Asker(sender=sender, channel=None, identified=False)
    channel = _CHANNELS.get(str(metadata.get("channel", "")))
    tz = metadata.get("tz")
    return Asker(
        sender=sender,
        channel=channel,
        identified=channel is Channel.SLACK,
        time_zone=tz if isinstance(tz, str) and tz else None,
        conversation=str(metadata.get("conversation") or "dm"),
    )
