"""Relaying while a ticket is open: the lines each side has not seen yet.

Both front ends use these. Every line is stored first (the data layer), then passed
on, then marked relayed, so a failure in between loses nothing: it is retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from iep_assistant.records import tickets
from iep_assistant.records.models import Ticket
from iep_assistant.records.tickets import LineView, TicketView
from iep_assistant.records.types import Speaker, TicketStatus


def person_wrote(
    session: Session, requester_ref: str, text: str, now: datetime
) -> TicketView | None:
    """Keep what the person wrote if a ticket of theirs is open (then it is for the
    office, not the assistant); None when no ticket is open."""
    live = tickets.live_ticket(session, requester_ref)
    if live is None:
        return None
    tickets.add_line(session, live.id, Speaker.PERSON, text, now)
    return live


@dataclass(frozen=True)
class Updates:
    """What a requester has not seen yet: staff replies, and whether to resume."""

    ticket: TicketView | None
    lines: list[LineView]
    resume: bool  # the ticket was closed: the assistant should take over again


def updates_for(session: Session, requester_ref: str, now: datetime) -> Updates:
    """Staff lines not yet shown to the requester (marked shown), and whether their
    ticket was closed since (marked resumed: the caller resumes the conversation)."""
    live = tickets.live_ticket(session, requester_ref)
    found = live or tickets.last_closed(session, requester_ref)
    if found is None:
        return Updates(None, [], False)
    lines = tickets.unrelayed(session, found.id, Speaker.STAFF)
    # Only the lines this call marked: two polls at once never both show a line.
    shown = tickets.mark_relayed(session, [line.id for line in lines], now)
    return Updates(
        found, [line for line in lines if line.id in shown], claim_resume(session, found, now)
    )


def claim_resume(session: Session, found: TicketView | None, now: datetime) -> bool:
    """True once per closed ticket: the caller gives the conversation back to the
    assistant (so two processes, or two page polls, never do it twice)."""
    if found is None or found.status is not TicketStatus.CLOSED:
        return False
    claimed = session.execute(
        update(Ticket)
        .where(
            Ticket.id == found.id,
            Ticket.status == TicketStatus.CLOSED,
            Ticket.resumed_at.is_(None),
        )
        .values(resumed_at=now)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def release_resume(session: Session, ticket_id: int) -> None:
    """Resuming failed (Rasa was down): let the next poll or pass try again."""
    session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id)
        .values(resumed_at=None)
        .execution_options(synchronize_session=False)
    )
