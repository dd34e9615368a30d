"""The export format in one place: its files, their columns, and what each column holds.

This mirrors docs/district-export.md; change the two together.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table

from iep_assistant.records import models
from iep_assistant.records.importer import fields
from iep_assistant.records.importer.fields import Parser
from iep_assistant.records.types import (
    AccommodationKind,
    EvaluationKind,
    Frequency,
    MeetingKind,
    MeetingStatus,
    PlanKind,
    PlanStatus,
    Role,
)


@dataclass(frozen=True)
class Column:
    name: str  # as in the header
    parse: Parser
    required: bool = False
    target: str | None = None  # the database column it fills (None: handled by the importer)
    ref: str | None = None  # the export table whose district id this names
    staff: bool = False  # the person named must be staff, never a parent
    default: Any = None  # stored when the cell is empty (and on new records the file lacks it)


@dataclass(frozen=True)
class TableSpec:
    name: str  # the file name without .csv, also the key of ImportReport's counts
    table: Table
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ("id",)  # the columns that identify a record

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def has_id(self) -> bool:
        return self.key == ("id",)

    def column(self, name: str) -> Column:
        return self._by_name[name]

    @functools.cached_property
    def _by_name(self) -> dict[str, Column]:
        return {column.name: column for column in self.columns}

    @functools.cached_property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def _text(table: Table, column: str) -> Parser:
    """Free text limited to what the database column holds."""
    return fields.text(getattr(table.c[column].type, "length", None))


def _id() -> Column:
    return Column("id", fields.district_id, required=True)


def _ref(name: str, table: str, *, required: bool = False, staff: bool = False) -> Column:
    return Column(name, fields.district_id, required=required, target=name, ref=table, staff=staff)


def _col(table: Table, name: str, parse: Parser | None = None, **options: Any) -> Column:
    target = options.pop("target", name)
    return Column(name, parse or _text(table, target), target=target, **options)


_schools = models.School.__table__
_people = models.Person.__table__
_students = models.Student.__table__
_guardians = models.GuardianLink.__table__
_staff = models.StaffAssignment.__table__
_plans = models.Plan.__table__
_goals = models.Goal.__table__
_progress = models.ProgressEntry.__table__
_services = models.Service.__table__
_accommodations = models.Accommodation.__table__
_evaluations = models.Evaluation.__table__
_meetings = models.Meeting.__table__

SCHOOLS = TableSpec(
    "schools",
    _schools,
    (
        _id(),
        _col(_schools, "name", required=True),
        _col(_schools, "time_zone", fields.time_zone),
    ),
)
PEOPLE = TableSpec(
    "people",
    _people,
    (
        _id(),
        _col(_people, "name", required=True),
        _col(_people, "role", fields.choice(Role), required=True),
        _col(_people, "email", fields.email),
        _col(_people, "slack_user_id", fields.slack_user_id),
        _col(_people, "time_zone", fields.time_zone),
        _ref("school_id", "schools"),
    ),
)
STUDENTS = TableSpec(
    "students",
    _students,
    (
        _id(),
        _col(_students, "first_name", required=True),
        _col(_students, "last_name", required=True),
        _col(_students, "nickname"),
        _col(_students, "birth_date", fields.iso_date),
        _col(_students, "grade"),
        _ref("school_id", "schools", required=True),
    ),
)
GUARDIANS = TableSpec(
    "guardians",
    _guardians,
    (
        _ref("person_id", "people", required=True),
        _ref("student_id", "students", required=True),
        _col(_guardians, "relationship"),
    ),
    key=("person_id", "student_id"),
)
STAFF_ASSIGNMENTS = TableSpec(
    "staff_assignments",
    _staff,
    (
        _ref("person_id", "people", required=True, staff=True),
        _ref("student_id", "students", required=True),
        _col(_staff, "role"),
    ),
    key=("person_id", "student_id"),
)
PLANS = TableSpec(
    "plans",
    _plans,
    (
        _id(),
        _ref("student_id", "students", required=True),
        _col(_plans, "kind", fields.choice(PlanKind), required=True),
        _col(_plans, "status", fields.choice(PlanStatus), required=True),
        _col(_plans, "start_date", fields.iso_date, required=True),
        _col(_plans, "end_date", fields.iso_date),
        # Empty means "the plan's start_date" (filled in by the importer).
        _col(_plans, "last_review_date", fields.iso_date),
        _col(_plans, "eligibility_category"),
        _ref("case_manager_id", "people", staff=True),
        _col(_plans, "progress_report_weeks", fields.whole_number(1)),
    ),
)
GOALS = TableSpec(
    "goals",
    _goals,
    (
        _id(),
        _ref("plan_id", "plans", required=True),
        _col(_goals, "area", required=True),
        _col(_goals, "statement", required=True),
        _col(_goals, "baseline", fields.score, required=True),
        _col(_goals, "target", fields.score, required=True),
        _col(_goals, "unit", required=True),
        _col(_goals, "measured_by"),
        _col(_goals, "start_date", fields.iso_date, required=True),
        _col(_goals, "end_date", fields.iso_date, required=True),
    ),
)
PROGRESS = TableSpec(
    "progress",
    _progress,
    (
        _id(),
        _ref("goal_id", "goals", required=True),
        _col(_progress, "date", fields.iso_date, required=True, target="measured_on"),
        _col(_progress, "value", fields.score, required=True),
        _col(_progress, "note"),
        _ref("recorded_by_id", "people"),
    ),
)
SERVICES = TableSpec(
    "services",
    _services,
    (
        _id(),
        _ref("plan_id", "plans", required=True),
        _col(_services, "service_type", required=True),
        _col(_services, "minutes", fields.whole_number(0), required=True),
        _col(_services, "frequency", fields.choice(Frequency), required=True),
        _col(_services, "setting"),
        _ref("provider_id", "people", staff=True),
    ),
)
ACCOMMODATIONS = TableSpec(
    "accommodations",
    _accommodations,
    (
        _id(),
        _ref("plan_id", "plans", required=True),
        _col(_accommodations, "description", required=True),
        _col(_accommodations, "applies_to"),
        _col(
            _accommodations,
            "kind",
            fields.choice(AccommodationKind),
            default=AccommodationKind.ACCOMMODATION,
        ),
    ),
)
EVALUATIONS = TableSpec(
    "evaluations",
    _evaluations,
    (
        _id(),
        _ref("student_id", "students", required=True),
        _col(_evaluations, "kind", fields.choice(EvaluationKind), required=True),
        _col(_evaluations, "consent_date", fields.iso_date),
        _col(_evaluations, "completed_date", fields.iso_date),
    ),
)
MEETINGS = TableSpec(
    "meetings",
    _meetings,
    (
        _id(),
        _ref("student_id", "students", required=True),
        _col(_meetings, "kind", fields.choice(MeetingKind), required=True),
        # Local wall time, and the zone the importer places it in (the meeting's, else
        # the school's, else the district's) to store it in UTC.
        _col(_meetings, "starts_at", fields.local_time, required=True),
        _col(_meetings, "time_zone", fields.time_zone),
        _col(_meetings, "duration_minutes", fields.whole_number(1), default=60),
        _col(_meetings, "location"),
        _col(_meetings, "video_link"),
        _col(_meetings, "status", fields.choice(MeetingStatus), default=MeetingStatus.SCHEDULED),
        Column("invitee_ids", fields.district_ids, ref="people"),
    ),
)

# In the order they are written: every table after the ones it refers to.
TABLES: tuple[TableSpec, ...] = (
    SCHOOLS,
    PEOPLE,
    STUDENTS,
    GUARDIANS,
    STAFF_ASSIGNMENTS,
    PLANS,
    GOALS,
    PROGRESS,
    SERVICES,
    ACCOMMODATIONS,
    EVALUATIONS,
    MEETINGS,
)
BY_NAME: dict[str, TableSpec] = {spec.name: spec for spec in TABLES}
BY_FILE: dict[str, TableSpec] = {spec.file: spec for spec in TABLES}
# Not a file: each meeting's invitee_ids become rows of this table.
INVITEES = "meeting_invitees"

# Words for messages: "no student 'S-9' in students.csv or in the database".
NOUNS = {
    "schools": "school",
    "people": "person",
    "students": "student",
    "plans": "plan",
    "goals": "goal",
    "meetings": "meeting",
}


def order(name: str) -> int:
    """Where a file comes in the format (problems are listed in this order)."""
    names = [spec.name for spec in TABLES]
    return names.index(name) if name in names else len(names)
