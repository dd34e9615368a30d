"""Help-desk tickets and answer feedback in the database.

A ticket is opened by the assistant (an action), posted to the help-desk channel and
relayed by the front end, and taken or closed by staff. Every line written while it
is open is stored here first, so nothing is lost if Slack or a process fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from iep_assistant.records import access, audit
from iep_assistant.records.models import (
    AnswerFeedback,
    Person,
    Student,
    Ticket,
    TicketMessage,
)
from iep_assistant.records.types import (
    AuditAction,
    Channel,
    HandoffReason,
    Speaker,
    TicketStatus,
)

LIVE = (TicketStatus.OPEN, TicketStatus.TAKEN)
# Feedback on a hand-off ("did you get what you needed?") is kept beside the articles'.
HANDOFF_ARTICLE = "(hand-off to a person)"


@dataclass(frozen=True)
class TicketView:
    id: int
    requester_ref: str
    requester_name: str | None  # None: a web visitor
    requester_role: str | None
    channel: Channel
    student_name: str | None
    reason: HandoffReason
    summary: str
    contact: str | None
    status: TicketStatus
    taken_by: str | None
    created_at: datetime
    slack_channel: str | None
    slack_ts: str | None

    @property
    def open(self) -> bool:
        return self.status in LIVE


@dataclass(frozen=True)
class LineView:
    id: int
    speaker: Speaker
    author: str | None
    text: str
    at: datetime


def _view(session: Session, ticket: Ticket) -> TicketView:
    requester = session.get(Person, ticket.requester_id) if ticket.requester_id else None
    student = session.get(Student, ticket.student_id) if ticket.student_id else None
    taken = session.get(Person, ticket.taken_by_id) if ticket.taken_by_id else None
    return TicketView(
        id=ticket.id,
        requester_ref=ticket.requester_ref,
        requester_name=requester.name if requester else None,
        requester_role=requester.role.value if requester else None,
        channel=ticket.channel,
        student_name=student.display_name if student else None,
        reason=ticket.reason,
        summary=ticket.summary,
        contact=ticket.contact,
        status=ticket.status,
        taken_by=taken.name if taken else None,
        created_at=ticket.created_at,
        slack_channel=ticket.slack_channel,
        slack_ts=ticket.slack_ts,
    )


def live_ticket(session: Session, requester_ref: str) -> TicketView | None:
    """The requester's open (or taken) ticket, if any."""
    ticket = session.scalar(
        select(Ticket)
        .where(Ticket.requester_ref == requester_ref, Ticket.status.in_(LIVE))
        .order_by(Ticket.id.desc())
        .limit(1)
    )
    return _view(session, ticket) if ticket else None


def open_ticket(
    session: Session,
    *,
    requester_ref: str,
    requester: Person | None,
    channel: Channel,
    reason: HandoffReason,
    summary: str,
    transcript: Sequence[tuple[Speaker, str]],
    now: datetime,
    student_id: int | None = None,
    contact: str | None = None,
) -> tuple[TicketView, bool]:
    """Open a ticket, or return the one already open for this requester (and False)."""
    existing = live_ticket(session, requester_ref)
    if existing is not None:
        return existing, False
    ticket = Ticket(
        requester_ref=requester_ref,
        requester_id=requester.id if requester else None,
        channel=channel,
        student_id=student_id,
        reason=reason,
        summary=summary[:2000],
        contact=contact,
        status=TicketStatus.OPEN,
        created_at=now,
    )
    session.add(ticket)
    session.flush()
    session.add_all(
        TicketMessage(
            ticket_id=ticket.id, speaker=speaker, text=text[:4000], at=now, relayed_at=now
        )
        for speaker, text in transcript
    )
    if student_id is not None:
        audit.record(
            session,
            actor=requester,
            actor_ref=requester_ref,
            action=AuditAction.WRITE,
            what="ticket",
            channel=channel,
            student_ids=[student_id],
            at=now,
        )
    return _view(session, ticket), True


def last_closed(session: Session, requester_ref: str) -> TicketView | None:
    found = session.scalar(
        select(Ticket)
        .where(Ticket.requester_ref == requester_ref, Ticket.status == TicketStatus.CLOSED)
        .order_by(Ticket.closed_at.desc(), Ticket.id.desc())
        .limit(1)
    )
    return _view(session, found) if found else None


def ticket(session: Session, ticket_id: int) -> TicketView | None:
    found = session.get(Ticket, ticket_id)
    return _view(session, found) if found else None


def by_thread(session: Session, channel: str, ts: str) -> TicketView | None:
    found = session.scalar(
        select(Ticket).where(Ticket.slack_channel == channel, Ticket.slack_ts == ts)
    )
    return _view(session, found) if found else None


def unposted(session: Session) -> list[int]:
    """Open tickets not yet in the help-desk channel (Slack was down, or not set up)."""
    return list(
        session.scalars(
            select(Ticket.id)
            .where(Ticket.status.in_(LIVE), Ticket.slack_ts.is_(None))
            .order_by(Ticket.id)
        )
    )


def mark_posted(session: Session, ticket_id: int, channel: str, ts: str) -> None:
    found = session.get(Ticket, ticket_id)
    if found is not None and found.slack_ts is None:
        found.slack_channel, found.slack_ts = channel, ts


def transcript(session: Session, ticket_id: int) -> list[LineView]:
    rows = session.execute(
        select(TicketMessage, Person.name)
        .outerjoin(Person, Person.id == TicketMessage.author_id)
        .where(TicketMessage.ticket_id == ticket_id)
        .order_by(TicketMessage.at, TicketMessage.id)
    )
    return [LineView(m.id, m.speaker, name, m.text, m.at) for m, name in rows]


def add_line(
    session: Session,
    ticket_id: int,
    speaker: Speaker,
    text: str,
    now: datetime,
    *,
    author: Person | None = None,
) -> int:
    """Store one line of the conversation before it is passed on."""
    line = TicketMessage(
        ticket_id=ticket_id,
        speaker=speaker,
        author_id=author.id if author else None,
        text=text[:4000],
        at=now,
    )
    session.add(line)
    session.flush()
    return line.id


def unrelayed(session: Session, ticket_id: int, speaker: Speaker) -> list[LineView]:
    rows = session.execute(
        select(TicketMessage, Person.name)
        .outerjoin(Person, Person.id == TicketMessage.author_id)
        .where(
            TicketMessage.ticket_id == ticket_id,
            TicketMessage.speaker == speaker,
            TicketMessage.relayed_at.is_(None),
        )
        .order_by(TicketMessage.id)
    )
    return [LineView(m.id, m.speaker, name, m.text, m.at) for m, name in rows]


def mark_relayed(session: Session, line_ids: Iterable[int], now: datetime) -> set[int]:
    """Mark lines passed on; returns those this call marked (compare-and-set, so of two
    processes passing the same line on, one learns it was already done)."""
    marked = set()
    for line_id in line_ids:
        result = session.execute(
            update(TicketMessage)
            .where(TicketMessage.id == line_id, TicketMessage.relayed_at.is_(None))
            .values(relayed_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            marked.add(line_id)
    return marked


def take(session: Session, ticket_id: int, staff: Person, now: datetime) -> TicketView | None:
    found = session.get(Ticket, ticket_id)
    if found is None or found.status not in LIVE:
        return None
    found.status, found.taken_by_id = TicketStatus.TAKEN, staff.id
    _audit_staff(session, found, staff, now, "ticket:take")
    return _view(session, found)


def close(
    session: Session, ticket_id: int, staff: Person | None, now: datetime
) -> TicketView | None:
    """Close a ticket once; None if it was not open (a second click does nothing)."""
    found = session.get(Ticket, ticket_id)
    if found is None or found.status not in LIVE:
        return None
    found.status, found.closed_at = TicketStatus.CLOSED, now
    found.closed_by_id = staff.id if staff else None
    if staff is not None:
        _audit_staff(session, found, staff, now, "ticket:close")
    return _view(session, found)


def _audit_staff(session: Session, found: Ticket, staff: Person, now: datetime, what: str) -> None:
    if found.student_id is not None:
        audit.record(
            session,
            actor=staff,
            actor_ref=staff.slack_user_id or staff.external_id,
            action=AuditAction.READ,
            what=what,
            channel=Channel.SLACK,
            student_ids=[found.student_id],
            at=now,
        )


def closed_not_resumed(session: Session, since: datetime) -> list[TicketView]:
    """Tickets closed since ``since`` whose conversation was not handed back yet."""
    rows = session.scalars(
        select(Ticket).where(
            Ticket.status == TicketStatus.CLOSED,
            Ticket.resumed_at.is_(None),
            Ticket.closed_at >= since,
        )
    )
    return [_view(session, t) for t in rows]


def staff_member(session: Session, slack_user_id: str) -> Person | None:
    """The person behind a Slack id if they may work help-desk requests, else None."""
    person = session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))
    return person if access.can_work_tickets(person) else None


def live_tickets(session: Session, limit: int = 20) -> list[TicketView]:
    rows = session.scalars(
        select(Ticket).where(Ticket.status.in_(LIVE)).order_by(Ticket.id).limit(limit)
    )
    return [_view(session, t) for t in rows]


# --- feedback on answers -----------------------------------------------------------------------


def record_feedback(
    session: Session,
    *,
    article_id: str,
    helpful: bool,
    rater_ref: str,
    answer_ref: str,
    channel: Channel,
    now: datetime,
) -> None:
    """One vote per answer shown; clicking the other thumb changes it."""
    existing = session.scalar(
        select(AnswerFeedback).where(
            AnswerFeedback.rater_ref == rater_ref, AnswerFeedback.answer_ref == answer_ref
        )
    )
    if existing is not None:
        existing.helpful, existing.at, existing.article_id = helpful, now, article_id
        return
    session.add(
        AnswerFeedback(
            article_id=article_id,
            helpful=helpful,
            rater_ref=rater_ref,
            answer_ref=answer_ref,
            channel=channel,
            at=now,
        )
    )


@dataclass(frozen=True)
class ArticleScore:
    article_id: str
    helpful: int
    not_helpful: int

    @property
    def votes(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def share_helpful(self) -> float:
        return self.helpful / self.votes if self.votes else 0.0


def article_scores(session: Session, since: datetime | None = None) -> list[ArticleScore]:
    """Every article with votes, weakest first (most thumbs down, then share helpful)."""
    up = func.sum(case((AnswerFeedback.helpful.is_(True), 1), else_=0))
    down = func.sum(case((AnswerFeedback.helpful.is_(False), 1), else_=0))
    query = select(AnswerFeedback.article_id, up, down).group_by(AnswerFeedback.article_id)
    if since is not None:
        query = query.where(AnswerFeedback.at >= since)
    scores = [ArticleScore(a, int(u or 0), int(d or 0)) for a, u, d in session.execute(query)]
    return sorted(scores, key=lambda s: (s.share_helpful, -s.not_helpful, s.article_id))
