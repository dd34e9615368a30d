"""How long the assistant keeps what it holds, and forgetting a person on request.

- Conversation transcripts (Rasa's tracker store) and help-desk tickets: kept for a
  set number of days, then removed by ``iep-assistant purge``.
- The access log (who saw which student's records) is the record IDEA requires
  (34 CFR 300.614): kept for its own, longer period, and never erased by ``forget``.
- ``iep-assistant forget`` removes one person's conversations, tickets, feedback,
  reminders and profile, and writes to the access log that it did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from iep_assistant.records import audit
from iep_assistant.records.models import (
    AnswerFeedback,
    AuditEntry,
    ClaimedEvent,
    Notification,
    Person,
    Ticket,
)
from iep_assistant.records.transcripts import Transcripts
from iep_assistant.records.types import AuditAction, Channel, NotificationStatus, TicketStatus


@dataclass(frozen=True)
class Retention:
    transcript_days: int = 365
    ticket_days: int = 365
    audit_days: int = 2555  # seven years; a State may require another period


@dataclass
class Removed:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + int(n or 0)

    def summary(self) -> str:
        return ", ".join(f"{n} {what}" for what, n in self.counts.items()) or "nothing"


def purge(
    session: Session, transcripts: Transcripts | None, retention: Retention, now: datetime
) -> Removed:
    """Remove everything older than its retention period."""
    removed = Removed()
    if transcripts is not None:
        removed.add(
            "transcript events",
            transcripts.purge_before(now - timedelta(days=retention.transcript_days)),
        )
    ticket_cutoff = now - timedelta(days=retention.ticket_days)
    removed.add(
        "closed tickets",
        session.execute(
            delete(Ticket).where(
                Ticket.status == TicketStatus.CLOSED, Ticket.closed_at < ticket_cutoff
            )
        ).rowcount,
    )
    removed.add(
        "answer feedback",
        session.execute(delete(AnswerFeedback).where(AnswerFeedback.at < ticket_cutoff)).rowcount,
    )
    removed.add(
        "sent notifications",
        session.execute(
            delete(Notification).where(
                Notification.status.in_(
                    [
                        NotificationStatus.SENT,
                        NotificationStatus.CANCELLED,
                        NotificationStatus.FAILED,
                    ]
                ),
                Notification.due_at < now - timedelta(days=90),
            )
        ).rowcount,
    )
    removed.add(
        "access-log entries",
        session.execute(
            delete(AuditEntry).where(AuditEntry.at < now - timedelta(days=retention.audit_days))
        ).rowcount,
    )
    session.execute(delete(ClaimedEvent).where(ClaimedEvent.claimed_at < now - timedelta(days=1)))
    return removed


@dataclass(frozen=True)
class Forgotten:
    who: str
    person_found: bool
    removed: Removed


def forget(
    session: Session,
    transcripts: Transcripts | None,
    who: str,
    *,
    now: datetime,
    by: str,
) -> Forgotten:
    """Remove the conversations and personal data of ``who``: a Slack user id, a web
    visitor id, or the district's id of a person."""
    person = session.scalar(
        select(Person).where(or_(Person.slack_user_id == who, Person.external_id == who))
    )
    refs = {who} | ({person.slack_user_id} if person and person.slack_user_id else set())
    removed = Removed()
    for ref in refs:
        if transcripts is not None:
            removed.add("transcript events", transcripts.forget(ref))
        removed.add(
            "tickets", session.execute(delete(Ticket).where(Ticket.requester_ref == ref)).rowcount
        )
        removed.add(
            "answer feedback",
            session.execute(delete(AnswerFeedback).where(AnswerFeedback.rater_ref == ref)).rowcount,
        )
    if person is not None:
        # Their links, reminders and notifications go with them (foreign keys cascade);
        # the access log keeps its entries (a legal record) without the link to them.
        session.delete(person)
        removed.add("person profile (with links and reminders)", 1)
    audit.record(
        session,
        actor=None,
        actor_ref=by,
        action=AuditAction.WRITE,
        what="forget",
        channel=Channel.CLI,
        at=now,
    )
    return Forgotten(who, person is not None, removed)
