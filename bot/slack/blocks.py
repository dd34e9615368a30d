"""Block Kit layouts for messages: one function for each layout, no dicts in listeners."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.slack.commands import COMMAND, SUBCOMMANDS
from bot.slack.images import LinkedImage
from bot.slack.markdown import escape, to_mrkdwn
from iep_assistant.protocol import BotMessage, Button

Block = dict[str, Any]

BUTTONS_BLOCK_ID = "rasa_buttons"
BUTTON_ACTION = re.compile(r"^rasa_button_\d+$")
SECTION_CHARS = 3000  # Block Kit's limit for a section's text
BUTTON_TITLE_CHARS = 75
BUTTON_VALUE_CHARS = 2000
MAX_BUTTONS = 25
MAX_SECTIONS = 40  # a message holds at most 50 blocks
IMAGE_ALT = "Chart from the IEP Assistant"


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def context(mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn}]}


def _chunks(text: str, limit: int = SECTION_CHARS) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at paragraph or line ends if possible."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n\n", 0, limit), text.rfind("\n", 0, limit))
        if cut <= 0:
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text.strip():
        pieces.append(text)
    return pieces


def text_sections(markdown: str) -> list[Block]:
    return [section(piece) for piece in _chunks(to_mrkdwn(markdown))[:MAX_SECTIONS]]


def buttons_block(buttons: Sequence[Button]) -> Block | None:
    """The buttons Rasa sent; each button's value is its Rasa payload."""
    elements = [
        {
            "type": "button",
            "action_id": f"rasa_button_{i}",
            "text": {"type": "plain_text", "text": _title(b.title), "emoji": True},
            "value": b.payload,
        }
        for i, b in enumerate(buttons)
        if b.payload and len(b.payload) <= BUTTON_VALUE_CHARS
    ][:MAX_BUTTONS]
    if not elements:
        return None
    return {"type": "actions", "block_id": BUTTONS_BLOCK_ID, "elements": elements}


def _title(title: str) -> str:
    title = " ".join(title.split()) or "Choose"
    return title if len(title) <= BUTTON_TITLE_CHARS else title[: BUTTON_TITLE_CHARS - 1] + "…"


def image_block(image: LinkedImage, alt_text: str = IMAGE_ALT) -> Block:
    return {"type": "image", "image_url": image.url, "alt_text": alt_text}


FEEDBACK_UP = "feedback_up"
FEEDBACK_DOWN = "feedback_down"
FEEDBACK_THANKS = "Thanks for the feedback: it helps whoever keeps the answers up to date."


def feedback_blocks(article_id: str) -> list[Block]:
    """Thumbs up and down under a knowledge answer (the value is the article's id)."""
    return [
        {
            "type": "actions",
            "block_id": "feedback",
            "elements": [
                {
                    "type": "button",
                    "action_id": FEEDBACK_UP,
                    "text": {"type": "plain_text", "text": ":thumbsup: Helpful", "emoji": True},
                    "value": article_id,
                },
                {
                    "type": "button",
                    "action_id": FEEDBACK_DOWN,
                    "text": {
                        "type": "plain_text",
                        "text": ":thumbsdown: Not helpful",
                        "emoji": True,
                    },
                    "value": article_id,
                },
            ],
        }
    ]


def message_blocks(message: BotMessage, image: LinkedImage | None = None) -> list[Block]:
    """A message from Rasa: its text, its image link, its buttons."""
    blocks = text_sections(message.text)
    if image is not None:
        blocks.append(image_block(image))
    buttons = buttons_block(message.buttons)
    if buttons is not None:
        blocks.append(buttons)
    if message.article:
        blocks.extend(feedback_blocks(message.article))
    return blocks


def notification_text(text: str) -> str:
    """The plain ``text`` beside the blocks (notifications, screen readers)."""
    return to_mrkdwn(text)[:SECTION_CHARS] or "New message from the IEP Assistant"


def chosen_blocks(
    blocks: Sequence[Mapping[str, Any]], title: str, chooser: str | None = None
) -> list[Block]:
    """The clicked message with its buttons replaced by a line saying what was chosen."""
    who = f"<@{chooser}> chose" if chooser else "You chose"
    line = context(f"{who}: *{escape(' '.join(title.split()))}*")
    kept = [dict(b) for b in blocks if b.get("block_id") != BUTTONS_BLOCK_ID]
    return [*kept, line]


def help_text() -> str:
    lines = [f"*{COMMAND}* commands (only you see the answers):"]
    lines += [f"• `{escape(s.usage)}`: {escape(s.summary)}" for s in SUBCOMMANDS.values()]
    lines.append(
        "You can also write to me in a direct message, or mention me in a channel "
        "(I answer in a thread, and send anything personal to you privately)."
    )
    return "\n".join(lines)


def help_blocks() -> list[Block]:
    return [section(help_text())]


def plain_blocks(text: str) -> list[Block]:
    """A short message of our own (a problem with the input, the trouble text)."""
    return [section(escape(text))]
