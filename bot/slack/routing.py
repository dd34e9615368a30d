"""What goes where: the privacy rules for answers, as a plain function.

- In a direct message everything is posted there.
- In a shared channel (a mention) answers go in the thread, except messages marked
  private (personal details): those go to the person alone (ephemeral), and the
  thread gets only a pointer.
- Slash commands, and clicks on private messages, are answered privately always.
- Inline images (progress charts) are uploaded only into the person's DM.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from bot.slack.blocks import Block, message_blocks, notification_text, plain_blocks
from bot.slack.images import InlineImage, LinkedImage, parse_image
from bot.slack.places import Conversation, Place
from iep_assistant.protocol import BotMessage

POINTER_TEXT = "I've sent you the details privately."
CHART_IN_DM_TEXT = "I've sent you the chart in our direct messages."
CHART_TITLE = "Progress chart"


class Via(enum.StrEnum):
    MESSAGE = "message"  # posted where the person spoke (channel thread or DM)
    EPHEMERAL = "ephemeral"  # shown only to the person, in the channel
    RESPONSE = "response"  # the response_url of a command or click, privately
    DIRECT = "direct"  # the person's DM (opened when needed)


@dataclass(frozen=True)
class Post:
    via: Via
    text: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Upload:
    """A file for the person's DM, never a shared channel."""

    image: InlineImage
    title: str


Delivery = Post | Upload


def _via(place: Place, message: BotMessage) -> Via:
    if place.response_url:
        return Via.RESPONSE
    if place.conversation is Conversation.CHANNEL:
        return Via.EPHEMERAL if message.private else Via.MESSAGE
    if place.conversation is Conversation.DM and place.channel:
        return Via.MESSAGE
    return Via.DIRECT


def _public_via(place: Place) -> Via:
    return _via(place, BotMessage())


def plan(place: Place, messages: Sequence[BotMessage]) -> list[Delivery]:
    """The posts and uploads that answer ``messages`` at ``place``, in order."""
    out: list[Delivery] = []
    went_private = uploaded_elsewhere = False
    for message in messages:
        image = parse_image(message.image)
        blocks = message_blocks(message, image if isinstance(image, LinkedImage) else None)
        if blocks:
            via = _via(place, message)
            out.append(Post(via, notification_text(message.text), tuple(blocks)))
            went_private = went_private or via is Via.EPHEMERAL
        if isinstance(image, InlineImage):
            out.append(Upload(image, _title(message.text)))
            in_dm = place.conversation is Conversation.DM and not place.response_url
            uploaded_elsewhere = uploaded_elsewhere or not in_dm
    if place.shared and not place.response_url and (went_private or uploaded_elsewhere):
        out.append(_note(Via.MESSAGE, POINTER_TEXT))
    elif uploaded_elsewhere and place.conversation is not Conversation.HOME:
        out.append(_note(_public_via(place), CHART_IN_DM_TEXT))
    return out


def _note(via: Via, text: str) -> Post:
    return Post(via, text, tuple(plain_blocks(text)))


def _title(text: str) -> str:
    first_line = " ".join(text.strip().splitlines()[0].split()) if text.strip() else ""
    return first_line[:100] or CHART_TITLE
