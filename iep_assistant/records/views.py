"""What the data layer hands out: plain, frozen copies of records.

Callers never get ORM objects, so nothing can lazy-load another student's rows
after the access check, or after the session has closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from iep_assistant.records.compliance import Deadline
from iep_assistant.records.types import (
    AccommodationKind,
    Frequency,
    MeetingKind,
    MeetingStatus,
    PlanKind,
    PlanStatus,
    Role,
)


@dataclass(frozen=True)
class PersonView:
    id: int
    name: str
    role: Role
    email: str | None = None
    slack_user_id: str | None = None
    time_zone: str | None = None
    school_id: int | None = None

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name else ""


@dataclass(frozen=True)
class StudentView:
    id: int
    first_name: str
    last_name: str
    nickname: str | None = None
    grade: str | None = None
    birth_date: date | None = None
    school_name: str = ""

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class ServiceView:
    service_type: str
    minutes: int
    frequency: Frequency
    setting: str | None
    provider: str | None


@dataclass(frozen=True)
class AccommodationView:
    description: str
    applies_to: str | None
    kind: AccommodationKind


@dataclass(frozen=True)
class PlanView:
    student: StudentView
    kind: PlanKind
    status: PlanStatus
    start_date: date
    end_date: date | None
    last_review_date: date
    eligibility_category: str | None
    case_manager: PersonView | None
    progress_report_weeks: int | None
    services: tuple[ServiceView, ...] = ()
    accommodations: tuple[AccommodationView, ...] = ()


@dataclass(frozen=True)
class GoalView:
    id: int
    student: StudentView
    area: str
    statement: str
    baseline: Decimal
    target: Decimal
    unit: str
    measured_by: str | None
    start_date: date
    end_date: date


@dataclass(frozen=True)
class ProgressPoint:
    measured_on: date
    value: Decimal
    note: str | None = None


@dataclass(frozen=True)
class GoalProgress:
    goal: GoalView
    points: tuple[ProgressPoint, ...]
    plan_start: date
    progress_report_weeks: int | None


@dataclass(frozen=True)
class MeetingView:
    id: int
    student: StudentView
    kind: MeetingKind
    status: MeetingStatus
    starts_at: datetime  # aware, UTC
    time_zone: str
    duration_minutes: int
    location: str | None
    video_link: str | None
    invitees: tuple[str, ...] = ()


@dataclass(frozen=True)
class StudentDeadline:
    student: StudentView
    deadline: Deadline
