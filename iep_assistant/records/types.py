"""Column types and the closed sets of values the records use."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in time, stored as UTC and always returned time-zone aware.

    SQLite keeps no zone; PostgreSQL's ``timestamptz`` does. Storing naive UTC on
    both and attaching UTC on the way out makes the two behave the same.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column; attach a time zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class Role(enum.StrEnum):
    PARENT = "parent"  # parent or guardian (IDEA's broader "parent", 34 CFR 300.30)
    TEACHER = "teacher"
    CASE_MANAGER = "case_manager"
    PROVIDER = "provider"  # related-service provider: speech, OT, counseling, ...
    ADMINISTRATOR = "administrator"

    @property
    def is_staff(self) -> bool:
        return self is not Role.PARENT


class PlanKind(enum.StrEnum):
    IEP = "IEP"
    SECTION_504 = "504"


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ENDED = "ended"


class Frequency(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class AccommodationKind(enum.StrEnum):
    ACCOMMODATION = "accommodation"  # changes how a student learns or is tested
    MODIFICATION = "modification"  # changes what a student is expected to learn


class MeetingKind(enum.StrEnum):
    INITIAL = "initial"
    ANNUAL_REVIEW = "annual_review"
    REEVALUATION = "reevaluation"
    AMENDMENT = "amendment"
    REVIEW_504 = "504_review"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "initial": "initial IEP meeting",
            "annual_review": "annual IEP review",
            "reevaluation": "reevaluation meeting",
            "amendment": "IEP amendment meeting",
            "504_review": "504 plan review",
            "other": "meeting",
        }[self.value]


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class EvaluationKind(enum.StrEnum):
    INITIAL = "initial"
    REEVALUATION = "reevaluation"


class Channel(enum.StrEnum):
    """Through which door a person reached the records (for the audit log)."""

    SLACK = "slack"
    WEB = "web"
    TERMINAL = "terminal"
    CLI = "cli"
    IMPORT = "import"
    SYSTEM = "system"


class AuditAction(enum.StrEnum):
    READ = "read"
    WRITE = "write"
    DENIED = "denied"  # asked for a student they may not see (or none such exists)


class NotificationKind(enum.StrEnum):
    REMINDER = "reminder"  # one a person asked for
    MEETING_NOTICE = "meeting_notice"  # every invitee, a set number of days before
    MEETING_MOVED = "meeting_moved"
    MEETING_CANCELLED = "meeting_cancelled"
    DIGEST = "digest"  # a case manager's weekly list of deadlines


class NotificationStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by one delivery process (a lease, see the worker)
    SENT = "sent"
    CANCELLED = "cancelled"
    FAILED = "failed"  # gave up after repeated errors; logged


class TicketStatus(enum.StrEnum):
    OPEN = "open"  # waiting for someone to take it
    TAKEN = "taken"  # a staff member is on it
    CLOSED = "closed"


class HandoffReason(enum.StrEnum):
    ASKED = "asked"  # the person asked for a human
    NOT_UNDERSTOOD = "not_understood"  # two unsure answers in a row
    SENSITIVE = "sensitive"  # a complaint, their own dispute, a safety concern

    @property
    def label(self) -> str:
        return {
            "asked": "asked for a person",
            "not_understood": "the assistant could not answer (twice)",
            "sensitive": "a topic that needs a person",
        }[self.value]


class Speaker(enum.StrEnum):
    PERSON = "person"  # the one who asked for help
    STAFF = "staff"
    ASSISTANT = "assistant"  # the conversation before the hand-off
