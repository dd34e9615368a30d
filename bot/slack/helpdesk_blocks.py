"""Block Kit layouts of the help desk: a ticket, its thread, the staff's list."""

from __future__ import annotations

from collections.abc import Sequence

from bot.slack.blocks import Block, context, section
from bot.slack.markdown import escape
from iep_assistant.records.tickets import LineView, TicketView
from iep_assistant.records.types import Speaker, TicketStatus

TAKE_ACTION = "helpdesk_take"
CLOSE_ACTION = "helpdesk_close"
CLOSED_TEXT = "The school office has closed your request. I'm here if you have another question."
_SPEAKER = {Speaker.PERSON: "Them", Speaker.ASSISTANT: "Assistant", Speaker.STAFF: "Staff"}


def requester(found: TicketView) -> str:
    if found.requester_name:
        role = f", {found.requester_role.replace('_', ' ')}" if found.requester_role else ""
        return f"{escape(found.requester_name)}{role} (<@{found.requester_ref}>)"
    contact = f", reply to {escape(found.contact)}" if found.contact else ", no contact given"
    return f"a web-chat visitor{contact}"


def ticket_text(found: TicketView) -> str:
    return f"Request #{found.id} from {requester(found)}: {escape(found.summary)}"


def _status(found: TicketView) -> str:
    if found.status is TicketStatus.CLOSED:
        return "*Closed.*"
    if found.status is TicketStatus.TAKEN:
        return f"*Taken by {escape(found.taken_by or 'someone')}.* Reply in the thread."
    return "*Open.* Reply in the thread to answer them."


def ticket_blocks(found: TicketView) -> list[Block]:
    about = f"\n*Student:* {escape(found.student_name)}" if found.student_name else ""
    blocks = [
        section(
            f"*Request #{found.id}* from {requester(found)}{about}\n"
            f"*Why:* {escape(found.reason.label)}\n"
            f"*They said:* {escape(found.summary)}"
        ),
        context(_status(found)),
    ]
    if found.open:
        blocks.append(_buttons(found))
    return blocks


def _buttons(found: TicketView) -> Block:
    elements = []
    if found.status is TicketStatus.OPEN:
        elements.append(_button("Take it", TAKE_ACTION, found.id))
    elements.append(_button("Close", CLOSE_ACTION, found.id, style="primary"))
    return {"type": "actions", "block_id": f"ticket_{found.id}", "elements": elements}


def _button(title: str, action_id: str, ticket_id: int, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": title},
        "value": str(ticket_id),
    }
    if style:
        button["style"] = style
    return button


def transcript_text(lines: Sequence[LineView]) -> str:
    said = "\n".join(f"*{_SPEAKER[line.speaker]}:* {escape(line.text)}" for line in lines)
    return f"The conversation so far:\n{said}"[:39_000]


def person_line(found: TicketView, text: str) -> str:
    who = escape(found.requester_name) if found.requester_name else "The visitor"
    return f"*{who}:* {escape(text)}"[:39_000]


def staff_line(author: str | None, text: str) -> str:
    who = f"{author} at the school office" if author else "The school office"
    return f"*{escape(who)}:* {escape(text)}"[:39_000]


def list_blocks(found: Sequence[TicketView]) -> list[Block]:
    """``/iep tickets``: the open requests, each with its buttons."""
    if not found:
        return [section("No open requests.")]
    blocks: list[Block] = [section(f"*Open requests ({len(found)})*")]
    for each in found[:15]:
        blocks.append(section(f"#{each.id} · {requester(each)}\n{escape(each.summary)}"))
        blocks.append(context(_status(each)))
        blocks.append(_buttons(each))
    return blocks
