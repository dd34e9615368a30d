"""What the page receives: the assistant's messages, the office's replies, a ticket."""

from __future__ import annotations

from typing import Any

from iep_assistant.protocol import BotMessage
from iep_assistant.records.tickets import LineView, TicketView

OFFICE = "office"


def render(messages: list[BotMessage]) -> list[dict[str, Any]]:
    """Messages for the browser. Personal messages never reach the web chat."""
    out = []
    for message in messages:
        if message.private:
            continue
        item: dict[str, Any] = {"text": message.text}
        if message.buttons:
            item["buttons"] = [b.as_dict() for b in message.buttons]
        if message.article:
            item["article"] = message.article
        out.append(item)
    return out


def office_line(line: LineView) -> dict[str, Any]:
    """A reply from the school office (staff name when known)."""
    return {"text": line.text, "from": OFFICE, "author": line.author}


def ticket_state(ticket: TicketView | None) -> dict[str, Any]:
    """``{"open": true, "id": N}`` while a ticket is open, else ``{"open": false}``."""
    if ticket is None or not ticket.open:
        return {"open": False}
    return {"open": True, "id": ticket.id}


def opened(ticket_id: int) -> dict[str, Any]:
    return {"open": True, "id": ticket_id}
