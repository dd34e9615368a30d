"""The student-records tables.

Every row that a district sends us carries the district's own id
(``external_id``), which is what a re-import matches on. Scores are stored as
exact decimals with their unit beside them, never as bare floats. Moments in
time are UTC (:class:`UTCDateTime`) with the zone they were set in kept alongside
where a person will read them back (meetings).
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from iep_assistant.records.types import (
    AccommodationKind,
    AuditAction,
    Channel,
    EvaluationKind,
    Frequency,
    HandoffReason,
    MeetingKind,
    MeetingStatus,
    NotificationKind,
    NotificationStatus,
    PlanKind,
    PlanStatus,
    Role,
    Speaker,
    TicketStatus,
    UTCDateTime,
)

# Named constraints, so Alembic can drop and recreate them (SQLite batch mode too).
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SCORE = Numeric(12, 3)  # a measurement: words per minute, percent, count of incidents ...


def enum_column(kind: type[enum.Enum]) -> SAEnum:
    """An enum stored as its value in a plain string column (portable, readable)."""
    return SAEnum(
        kind,
        native_enum=False,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # Automatic notices; empty means the district's defaults (IEP_MEETING_NOTICE_DAYS,
    # IEP_DIGEST_WEEKDAY, IEP_DIGEST_HOUR). 0 notice days turns meeting notices off.
    meeting_notice_days: Mapped[int | None] = mapped_column(Integer)
    digest_weekday: Mapped[int | None] = mapped_column(Integer)  # 0 = Monday
    digest_hour: Mapped[int | None] = mapped_column(Integer)


class Person(Base):
    """Anyone who may talk to the assistant: parents, guardians and staff."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    email: Mapped[str | None] = mapped_column(String(254))
    slack_user_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # Staff and administrators belong to a school; an administrator sees all of it.
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="SET NULL"))


class Student(Base):
    __tablename__ = "students"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    nickname: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    grade: Mapped[str | None] = mapped_column(String(10))
    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id", ondelete="RESTRICT"), index=True
    )

    plans: Mapped[list[Plan]] = relationship(back_populates="student")

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class GuardianLink(Base):
    """A parent or guardian of a student: who may see that student's records."""

    __tablename__ = "guardian_links"
    __table_args__ = (UniqueConstraint("person_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    relationship_: Mapped[str | None] = mapped_column("relationship", String(50))


class StaffAssignment(Base):
    """A staff member assigned to a student (teacher, case manager, provider)."""

    __tablename__ = "staff_assignments"
    __table_args__ = (UniqueConstraint("person_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str | None] = mapped_column(String(100))  # "math teacher", "speech-language"


class Plan(Base):
    """An IEP or a Section 504 plan."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[PlanKind] = mapped_column(enum_column(PlanKind))
    status: Mapped[PlanStatus] = mapped_column(enum_column(PlanStatus))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    # The meeting that developed or last reviewed this plan; the annual review
    # clock runs from it (34 CFR 300.324(b)(1)(i)). Defaults to start_date.
    last_review_date: Mapped[date | None] = mapped_column(Date)
    eligibility_category: Mapped[str | None] = mapped_column(String(100))
    case_manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    # How often progress is reported to parents, in weeks (300.320(a)(3)(ii)).
    progress_report_weeks: Mapped[int | None] = mapped_column(Integer)

    student: Mapped[Student] = relationship(back_populates="plans")


class Goal(Base):
    """A measurable annual goal (300.320(a)(2)): from baseline to target by end_date."""

    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(100))
    statement: Mapped[str] = mapped_column(Text)
    baseline: Mapped[Decimal] = mapped_column(SCORE)
    target: Mapped[Decimal] = mapped_column(SCORE)
    unit: Mapped[str] = mapped_column(String(50))
    measured_by: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)


class ProgressEntry(Base):
    __tablename__ = "progress_entries"
    __table_args__ = (Index("ix_progress_goal_date", "goal_id", "measured_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Rows from a district export carry its id; rows recorded in chat have none.
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"))
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(SCORE)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Service(Base):
    """Special education or a related service, with its minutes (300.320(a)(7))."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    service_type: Mapped[str] = mapped_column(String(100))
    minutes: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency))
    setting: Mapped[str | None] = mapped_column(String(100))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class Accommodation(Base):
    __tablename__ = "accommodations"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    # Where it applies: "all classes", "math", "state tests" ...
    applies_to: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[AccommodationKind] = mapped_column(enum_column(AccommodationKind))


class Evaluation(Base):
    """An IDEA evaluation: its consent date starts the initial-evaluation clock, and
    its completion date the three-year reevaluation clock."""

    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EvaluationKind] = mapped_column(enum_column(EvaluationKind))
    consent_date: Mapped[date | None] = mapped_column(Date)
    completed_date: Mapped[date | None] = mapped_column(Date)


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_student_start", "student_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind))
    status: Mapped[MeetingStatus] = mapped_column(enum_column(MeetingStatus))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The zone the meeting was set in (the school's); readers see their own.
    time_zone: Mapped[str] = mapped_column(String(64))
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    location: Mapped[str | None] = mapped_column(String(200))
    video_link: Mapped[str | None] = mapped_column(String(500))

    invitees: Mapped[list[MeetingInvitee]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class MeetingInvitee(Base):
    __tablename__ = "meeting_invitees"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)


class AuditEntry(Base):
    """One read or write of a student's records, or a refused attempt (34 CFR 300.614).

    It names who, what and which student, never the content: no message text,
    no names beyond the ids.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_student_at", "student_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # Who it was when there is no person row: a Slack id, "import", "demo-data" ...
    actor_ref: Mapped[str] = mapped_column(String(128))
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction))
    what: Mapped[str] = mapped_column(String(100))  # "plan", "goals", "progress", "import" ...
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id", ondelete="SET NULL"))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))


class ClaimedEvent(Base):
    """A Slack delivery (event id) that one front-end process has taken on.

    Slack retries a delivery it thinks failed, with the same event id, possibly to
    another process; the first insert wins and every other copy is dropped.
    """

    __tablename__ = "claimed_events"

    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ReminderRule(Base):
    """A reminder a person asked for: before one meeting, or before each of theirs."""

    __tablename__ = "reminder_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # None: every meeting the person is invited to.
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    lead_days: Mapped[int] = mapped_column(Integer, default=0)
    lead_minutes: Mapped[int] = mapped_column(Integer, default=0)
    lead_at: Mapped[time | None] = mapped_column(Time)  # local time of day
    time_zone: Mapped[str] = mapped_column(String(64))  # the person's, when asked
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Notification(Base):
    """One message to one person at one moment: the record of what is due and sent.

    ``key`` makes planning idempotent (the planner may run in several processes);
    ``status`` with ``claimed_at`` is the delivery lease that makes sending happen
    once (see iep_assistant/reminders/delivery.py).
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("reminder_rules.id", ondelete="CASCADE"), index=True
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The meeting time this was planned for: a different one means the meeting moved.
    meeting_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What to say beyond the record itself (the old time of a moved meeting).
    detail: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[NotificationStatus] = mapped_column(enum_column(NotificationStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(String(200))


class Ticket(Base):
    """A hand-off to a person: the help-desk's record of one request."""

    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_requester_status", "requester_ref", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Who asked: a Slack user id, or a web-chat visitor id (never a Slack id).
    requester_ref: Mapped[str] = mapped_column(String(128))
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id", ondelete="SET NULL"))
    reason: Mapped[HandoffReason] = mapped_column(enum_column(HandoffReason))
    summary: Mapped[str] = mapped_column(Text)
    # An email or phone number the web visitor chose to give, to be answered by.
    contact: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[TicketStatus] = mapped_column(enum_column(TicketStatus), index=True)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the assistant took the conversation back after closing (asked "did you get
    # what you needed?"); a web visitor's is done when their page next asks.
    resumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where the help desk sees it: the channel message whose thread carries the talk.
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32), index=True)


class TicketMessage(Base):
    """One line of a ticket's conversation, kept so nothing written is lost."""

    __tablename__ = "ticket_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    speaker: Mapped[Speaker] = mapped_column(enum_column(Speaker))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set once the message has been passed on (to the thread, or to the person).
    relayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AnswerFeedback(Base):
    """A thumbs up or down on a knowledge answer."""

    __tablename__ = "answer_feedback"
    __table_args__ = (UniqueConstraint("rater_ref", "answer_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[str] = mapped_column(String(100), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    rater_ref: Mapped[str] = mapped_column(String(128))  # Slack id or web visitor id
    # One vote per answer shown (a Slack message ts, a web message id); a second
    # click changes the vote instead of adding one.
    answer_ref: Mapped[str] = mapped_column(String(128))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
