"""Reminders and notices in the database: the record of what is due, claimed and sent.

Planning (:func:`plan`) turns reminder rules, meetings and the schools' notice
settings into notification rows, idempotently (each row has a unique ``key``), so any
number of processes may plan at once. Sending is made once-only by a lease:
:func:`claim_due` takes a row with a compare-and-set update that only one process can
win; a process that dies holding a claim loses it when the lease runs out, and the
next one first asks Slack whether the message went out (see
:mod:`iep_assistant.reminders.delivery`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from iep_assistant.records import access
from iep_assistant.records.models import (
    Meeting,
    MeetingInvitee,
    Notification,
    Person,
    Plan,
    ReminderRule,
    School,
    Student,
)
from iep_assistant.records.store import NotVisible, StudentRecords
from iep_assistant.records.types import (
    Channel,
    MeetingStatus,
    NotificationKind,
    NotificationStatus,
    PlanStatus,
)
from iep_assistant.records.views import MeetingView
from iep_assistant.reminders.timing import Lead, due_at, local


@dataclass(frozen=True)
class NoticeDefaults:
    """The district's defaults; a school may override each (schools table)."""

    time_zone: str = "America/Chicago"
    meeting_notice_days: int = 3
    digest_weekday: int = 0  # Monday
    digest_hour: int = 7
    notice_hour: int = 8  # meeting notices go out at 8 am local time


@dataclass(frozen=True)
class RuleView:
    id: int
    lead: Lead
    time_zone: str
    meeting: MeetingView | None  # None: each of the person's meetings
    next_due: datetime | None


def lead_of(rule: ReminderRule) -> Lead:
    return Lead(
        days=rule.lead_days,
        hours=rule.lead_minutes // 60,
        minutes=rule.lead_minutes % 60,
        at=rule.lead_at,
    )


# --- rules, asked for in conversation ---------------------------------------------------------


def create_rule(
    records: StudentRecords,
    *,
    lead: Lead,
    time_zone: str,
    now: datetime,
    meeting_id: int | None = None,
) -> ReminderRule:
    """A reminder for one meeting the person may see, or for each of their meetings."""
    if meeting_id is not None:
        records.meeting(meeting_id, what="reminders")  # access check and audit
    rule = ReminderRule(
        person_id=records.person.id,
        meeting_id=meeting_id,
        lead_days=lead.days,
        lead_minutes=lead.hours * 60 + lead.minutes,
        lead_at=lead.at,
        time_zone=time_zone,
        created_at=now,
    )
    records.session.add(rule)
    records.session.flush()
    return rule


def active_rules(records: StudentRecords, now: datetime) -> list[RuleView]:
    rules = records.session.scalars(
        select(ReminderRule)
        .where(ReminderRule.person_id == records.person.id, ReminderRule.cancelled_at.is_(None))
        .order_by(ReminderRule.created_at, ReminderRule.id)
    ).all()
    views = []
    for rule in rules:
        meeting = None
        if rule.meeting_id is not None:
            try:
                meeting = records.meeting(rule.meeting_id, what="reminders")
            except NotVisible:
                continue  # no longer theirs
            if meeting.status is not MeetingStatus.SCHEDULED or meeting.starts_at < now:
                continue  # over or cancelled
        # Computed, not read from planned rows: the notifier may not have run yet.
        tz = _zone(rule.time_zone, "UTC")
        upcoming = [
            due_at(m.starts_at, lead_of(rule), tz)
            for m in _covered_meetings(records.session, rule, now)
        ]
        next_due = min((d for d in upcoming if d > now), default=None)
        views.append(RuleView(rule.id, lead_of(rule), rule.time_zone, meeting, next_due))
    return views


def cancel_rule(records: StudentRecords, rule_id: int, now: datetime) -> bool:
    """Cancel one of the person's own reminders (and what it had planned)."""
    rule = records.session.get(ReminderRule, rule_id)
    if rule is None or rule.person_id != records.person.id or rule.cancelled_at is not None:
        return False
    rule.cancelled_at = now
    records.session.execute(
        update(Notification)
        .where(Notification.rule_id == rule_id, Notification.status == NotificationStatus.PENDING)
        .values(status=NotificationStatus.CANCELLED)
    )
    return True


# --- planning -------------------------------------------------------------------------------


@dataclass
class PlanReport:
    added: int = 0
    moved: int = 0
    cancelled: int = 0


def _add(session: Session, row: Notification) -> bool:
    """Insert unless a row with the same key exists (another process may be planning)."""
    if session.scalar(select(Notification.id).where(Notification.key == row.key)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


def _zone(name: str | None, fallback: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or fallback)
    except (ValueError, KeyError):
        return ZoneInfo(fallback)


def plan(session: Session, now: datetime, defaults: NoticeDefaults) -> PlanReport:
    """Bring the notifications in line with the rules and meetings as they are now."""
    report = PlanReport()
    _plan_reminders(session, now, report)
    _follow_meetings(session, now, report)
    _plan_meeting_notices(session, now, defaults, report)
    _plan_digests(session, now, defaults, report)
    return report


def _covered_meetings(session: Session, rule: ReminderRule, now: datetime) -> list[Meeting]:
    query = select(Meeting).where(
        Meeting.status == MeetingStatus.SCHEDULED, Meeting.starts_at > now
    )
    if rule.meeting_id is not None:
        query = query.where(Meeting.id == rule.meeting_id)
    else:
        query = query.join(MeetingInvitee, MeetingInvitee.meeting_id == Meeting.id).where(
            MeetingInvitee.person_id == rule.person_id
        )
    meetings = list(session.scalars(query))
    # Only meetings of students the person may still see.
    person = session.get(Person, rule.person_id)
    if person is None:
        return []
    visible = set(session.scalars(access.visible_student_ids(person)))
    return [m for m in meetings if m.student_id in visible]


def _plan_reminders(session: Session, now: datetime, report: PlanReport) -> None:
    rules = session.scalars(select(ReminderRule).where(ReminderRule.cancelled_at.is_(None)))
    for rule in rules:
        tz = _zone(rule.time_zone, "UTC")
        if rule.meeting_id is not None:
            meeting = session.get(Meeting, rule.meeting_id)
            if meeting is not None and meeting.status is MeetingStatus.CANCELLED:
                # Cancelled before we planned it: say so once, and retire the rule.
                rule.cancelled_at = now
                news = _news(
                    rule.person_id, meeting, NotificationKind.MEETING_CANCELLED, now, "cancelled"
                )
                _add(session, news)
                continue
        for meeting in _covered_meetings(session, rule, now):
            row = Notification(
                # The meeting's time is part of the key: a moved meeting gets new ones.
                key=f"reminder:{rule.id}:{meeting.id}:{meeting.starts_at.isoformat()}",
                kind=NotificationKind.REMINDER,
                person_id=rule.person_id,
                meeting_id=meeting.id,
                rule_id=rule.id,
                due_at=due_at(meeting.starts_at, lead_of(rule), tz),
                meeting_starts_at=meeting.starts_at,
                status=NotificationStatus.PENDING,
                created_at=now,
                attempts=0,
            )
            report.added += _add(session, row)


def _follow_meetings(session: Session, now: datetime, report: PlanReport) -> None:
    """A moved or cancelled meeting: its pending reminders and notices are cancelled
    (planning adds new ones for the new time), and everyone who had one is told once,
    also those whose reminder had already gone out."""
    rows = session.execute(
        select(Notification, Meeting)
        .outerjoin(Meeting, Meeting.id == Notification.meeting_id)
        .where(
            Notification.status.in_([NotificationStatus.PENDING, NotificationStatus.SENT]),
            Notification.kind.in_([NotificationKind.REMINDER, NotificationKind.MEETING_NOTICE]),
            Notification.meeting_starts_at > now - timedelta(days=1),
        )
    ).all()
    for note, meeting in rows:
        cancelled = meeting is None or meeting.status is MeetingStatus.CANCELLED
        moved = not cancelled and meeting.starts_at != note.meeting_starts_at
        if not (cancelled or moved):
            continue
        if note.status is NotificationStatus.PENDING:
            note.status = NotificationStatus.CANCELLED
            report.cancelled += 1
        old = note.meeting_starts_at
        if meeting is None:
            continue  # deleted from the records: nothing left to describe
        if cancelled:
            news = _news(
                note.person_id, meeting, NotificationKind.MEETING_CANCELLED, now, "cancelled"
            )
        else:
            version = meeting.starts_at.isoformat()
            news = _news(note.person_id, meeting, NotificationKind.MEETING_MOVED, now, version)
            news.detail = old.isoformat() if old else None
            report.moved += 1
        _add(session, news)
        # Seen: the next planning pass must not tell them again.
        note.meeting_starts_at = meeting.starts_at if moved else note.meeting_starts_at
        if cancelled and note.status is NotificationStatus.SENT:
            note.meeting_starts_at = now - timedelta(days=2)


def _news(
    person_id: int, meeting: Meeting, kind: NotificationKind, now: datetime, version: str
) -> Notification:
    return Notification(
        key=f"{kind.value}:{meeting.id}:{person_id}:{version}",
        kind=kind,
        person_id=person_id,
        meeting_id=meeting.id,
        due_at=now,
        meeting_starts_at=meeting.starts_at,
        status=NotificationStatus.PENDING,
        created_at=now,
        attempts=0,
    )


def _school_settings(school: School | None, defaults: NoticeDefaults) -> NoticeDefaults:
    if school is None:
        return defaults
    return NoticeDefaults(
        time_zone=school.time_zone or defaults.time_zone,
        meeting_notice_days=(
            school.meeting_notice_days
            if school.meeting_notice_days is not None
            else defaults.meeting_notice_days
        ),
        digest_weekday=(
            school.digest_weekday if school.digest_weekday is not None else defaults.digest_weekday
        ),
        digest_hour=school.digest_hour if school.digest_hour is not None else defaults.digest_hour,
        notice_hour=defaults.notice_hour,
    )


def _plan_meeting_notices(
    session: Session, now: datetime, defaults: NoticeDefaults, report: PlanReport
) -> None:
    horizon = now + timedelta(days=31)
    rows = session.execute(
        select(Meeting, School, Person)
        .join(Student, Student.id == Meeting.student_id)
        .join(School, School.id == Student.school_id)
        .join(MeetingInvitee, MeetingInvitee.meeting_id == Meeting.id)
        .join(Person, Person.id == MeetingInvitee.person_id)
        .where(
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at > now,
            Meeting.starts_at < horizon,
            Person.slack_user_id.is_not(None),
        )
    ).all()
    for meeting, school, person in rows:
        settings = _school_settings(school, defaults)
        if settings.meeting_notice_days <= 0:
            continue
        tz = _zone(person.time_zone, settings.time_zone)
        lead = Lead(days=settings.meeting_notice_days, at=time(settings.notice_hour))
        due = due_at(meeting.starts_at, lead, tz)
        row = Notification(
            key=f"notice:{meeting.id}:{person.id}:{meeting.starts_at.isoformat()}",
            kind=NotificationKind.MEETING_NOTICE,
            person_id=person.id,
            meeting_id=meeting.id,
            due_at=max(due, now),
            meeting_starts_at=meeting.starts_at,
            status=NotificationStatus.PENDING,
            created_at=now,
            attempts=0,
        )
        report.added += _add(session, row)


def _plan_digests(
    session: Session, now: datetime, defaults: NoticeDefaults, report: PlanReport
) -> None:
    """One digest a week for each case manager in Slack, due on the school's day and hour."""
    managers = session.execute(
        select(Person, School)
        .outerjoin(School, School.id == Person.school_id)
        .where(
            Person.slack_user_id.is_not(None),
            Person.id.in_(select(Plan.case_manager_id).where(Plan.status == PlanStatus.ACTIVE)),
        )
    ).all()
    for person, school in managers:
        settings = _school_settings(school, defaults)
        tz = _zone(person.time_zone, settings.time_zone)
        today = now.astimezone(tz).date()
        monday = today - timedelta(days=today.weekday())
        day = monday + timedelta(days=settings.digest_weekday % 7)
        due = local(datetime.combine(day, time(settings.digest_hour % 24)), tz)
        if due > now:
            continue  # this week's comes later; planned when it is due
        year, week, _ = day.isocalendar()
        row = Notification(
            key=f"digest:{person.id}:{year}-W{week:02d}",
            kind=NotificationKind.DIGEST,
            person_id=person.id,
            due_at=due,
            status=NotificationStatus.PENDING,
            created_at=now,
            attempts=0,
        )
        report.added += _add(session, row)


# --- sending --------------------------------------------------------------------------------


def claim_due(
    session: Session, worker: str, now: datetime, *, lease: timedelta, limit: int = 20
) -> list[int]:
    """Take up to ``limit`` due notifications for ``worker``. A row is taken by a
    compare-and-set update, so of several processes exactly one wins it; a claim
    older than ``lease`` (its process died) may be taken over."""
    stale = now - lease
    claimable = or_(
        Notification.status == NotificationStatus.PENDING,
        and_(Notification.status == NotificationStatus.SENDING, Notification.claimed_at < stale),
    )
    candidates = session.scalars(
        select(Notification.id)
        .where(claimable, Notification.due_at <= now)
        .order_by(Notification.due_at, Notification.id)
        .limit(limit)
    ).all()
    won = []
    for note_id in candidates:
        result = session.execute(
            update(Notification)
            .where(Notification.id == note_id, claimable)
            .values(
                status=NotificationStatus.SENDING,
                claimed_by=worker,
                claimed_at=now,
                attempts=Notification.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            won.append(note_id)
    return won


def mark_sent(
    session: Session, note_id: int, worker: str, slack_ts: str | None, now: datetime
) -> None:
    session.execute(
        update(Notification)
        .where(Notification.id == note_id, Notification.claimed_by == worker)
        .values(status=NotificationStatus.SENT, sent_at=now, slack_ts=slack_ts, error=None)
        .execution_options(synchronize_session=False)
    )


def release(
    session: Session,
    note_id: int,
    worker: str,
    *,
    error: str,
    retry_at: datetime | None,
) -> None:
    """Give a claim back after a failure: to be tried again at ``retry_at``, or never."""
    values: dict = {"error": error[:200], "claimed_by": None, "claimed_at": None}
    if retry_at is None:
        values["status"] = NotificationStatus.FAILED
    else:
        values.update(status=NotificationStatus.PENDING, due_at=retry_at)
    session.execute(
        update(Notification)
        .where(Notification.id == note_id, Notification.claimed_by == worker)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def cancel(session: Session, note_id: int, worker: str) -> None:
    """A claimed notification that no longer has a reader (person unlinked from Slack)."""
    session.execute(
        update(Notification)
        .where(Notification.id == note_id, Notification.claimed_by == worker)
        .values(status=NotificationStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class Outgoing:
    """Everything needed to write and address one notification."""

    id: int
    kind: NotificationKind
    slack_user_id: str | None
    person_name: str
    time_zone: str
    due_at: datetime
    created_at: datetime
    attempts: int
    lead: Lead | None
    meeting: MeetingView | None
    detail: str | None


def outgoing(
    session: Session, note_id: int, defaults: NoticeDefaults
) -> tuple[Outgoing, StudentRecords | None]:
    """The notification, and the person's own view of the records to write it from."""
    note = session.get(Notification, note_id)
    assert note is not None
    person = session.get(Person, note.person_id)
    assert person is not None
    school = session.get(School, person.school_id) if person.school_id else None
    tz = person.time_zone or (school.time_zone if school else None) or defaults.time_zone
    rule = session.get(ReminderRule, note.rule_id) if note.rule_id else None
    if rule is not None:
        tz = rule.time_zone or tz
    records = StudentRecords(session, person, channel=Channel.SLACK)
    meeting = None
    if note.meeting_id is not None:
        try:  # access check and audit: the message discloses the student's meeting
            meeting = records.meeting(note.meeting_id, what=f"notification:{note.kind.value}")
        except NotVisible:
            meeting = None
    return (
        Outgoing(
            id=note.id,
            kind=note.kind,
            slack_user_id=person.slack_user_id,
            person_name=person.name,
            time_zone=tz,
            due_at=note.due_at,
            created_at=note.created_at,
            attempts=note.attempts,
            lead=lead_of(rule) if rule else None,
            meeting=meeting,
            detail=note.detail,
        ),
        records,
    )
