"""Access rules and the audit log, through the one data layer (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from iep_assistant.records import audit
from iep_assistant.records.models import (
    AuditEntry,
    Evaluation,
    Goal,
    GuardianLink,
    Meeting,
    MeetingInvitee,
    Person,
    Plan,
    ProgressEntry,
    School,
    StaffAssignment,
    Student,
)
from iep_assistant.records.store import NotAllowed, NotVisible, StudentRecords, find_person
from iep_assistant.records.types import (
    AuditAction,
    Channel,
    EvaluationKind,
    MeetingKind,
    MeetingStatus,
    PlanKind,
    PlanStatus,
    Role,
)

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
TODAY = NOW.date()


@dataclass
class District:
    ids: dict[str, int]


def _person(session, key, role, school=None):
    p = Person(
        external_id=key,
        name=key.title(),
        role=role,
        slack_user_id=f"U{key.upper()}",
        school_id=school,
    )
    session.add(p)
    session.flush()
    return p


@pytest.fixture
def district(database) -> District:
    """Two schools; a parent of two, a parent of one, a teacher, a case manager,
    two administrators, a stranger; five students."""
    ids: dict[str, int] = {}
    with database.session() as s:
        a, b = School(external_id="A", name="School A"), School(external_id="B", name="School B")
        s.add_all([a, b])
        s.flush()
        kids = {}
        for key, school in (("maya", a), ("leo", a), ("noah", a), ("ava", a), ("zed", b)):
            kid = Student(
                external_id=key,
                first_name=key.title(),
                last_name="X",
                school_id=school.id,
                birth_date=date(2015, 1, 1),
            )
            s.add(kid)
            s.flush()
            kids[key] = kid
            ids[key] = kid.id
        people = {
            "parent": _person(s, "parent", Role.PARENT),
            "other_parent": _person(s, "other_parent", Role.PARENT),
            "teacher": _person(s, "teacher", Role.TEACHER, a.id),
            "manager": _person(s, "manager", Role.CASE_MANAGER, a.id),
            "admin_a": _person(s, "admin_a", Role.ADMINISTRATOR, a.id),
            "admin_b": _person(s, "admin_b", Role.ADMINISTRATOR, b.id),
            "stranger": _person(s, "stranger", Role.PARENT),
        }
        ids.update({k: v.id for k, v in people.items()})
        s.add_all(
            [
                GuardianLink(person_id=people["parent"].id, student_id=kids["maya"].id),
                GuardianLink(person_id=people["parent"].id, student_id=kids["leo"].id),
                GuardianLink(person_id=people["other_parent"].id, student_id=kids["noah"].id),
                StaffAssignment(person_id=people["teacher"].id, student_id=kids["leo"].id),
            ]
        )
        for key in ("maya", "leo", "noah"):
            plan = Plan(
                external_id=f"plan-{key}",
                student_id=kids[key].id,
                kind=PlanKind.IEP,
                status=PlanStatus.ACTIVE,
                start_date=date(2026, 1, 10),
                case_manager_id=people["manager"].id,
            )
            s.add(plan)
            s.flush()
            goal = Goal(
                external_id=f"goal-{key}",
                plan_id=plan.id,
                area="reading",
                statement="Read.",
                baseline=Decimal(40),
                target=Decimal(90),
                unit="wcpm",
                start_date=date(2026, 1, 10),
                end_date=date(2027, 1, 9),
            )
            s.add(goal)
            s.flush()
            ids[f"goal-{key}"] = goal.id
            s.add(
                ProgressEntry(
                    goal_id=goal.id,
                    measured_on=date(2026, 11, 1),
                    value=Decimal("55.5"),
                    recorded_at=NOW,
                )
            )
            meeting = Meeting(
                external_id=f"m-{key}",
                student_id=kids[key].id,
                kind=MeetingKind.ANNUAL_REVIEW,
                status=MeetingStatus.SCHEDULED,
                starts_at=NOW + timedelta(days=len(key)),
                time_zone="America/Chicago",
                duration_minutes=60,
            )
            s.add(meeting)
            s.flush()
            s.add(MeetingInvitee(meeting_id=meeting.id, person_id=people["manager"].id))
        cancelled = Meeting(
            external_id="m-cancelled",
            student_id=kids["maya"].id,
            kind=MeetingKind.OTHER,
            status=MeetingStatus.CANCELLED,
            starts_at=NOW + timedelta(days=1),
            time_zone="America/Chicago",
            duration_minutes=30,
        )
        past = Meeting(
            external_id="m-past",
            student_id=kids["maya"].id,
            kind=MeetingKind.OTHER,
            status=MeetingStatus.SCHEDULED,
            starts_at=NOW - timedelta(days=1),
            time_zone="America/Chicago",
            duration_minutes=30,
        )
        s.add_all([cancelled, past])
        s.add(
            Evaluation(
                external_id="ev-ava",
                student_id=kids["ava"].id,
                kind=EvaluationKind.INITIAL,
                consent_date=TODAY - timedelta(days=50),
            )
        )
        s.add(StaffAssignment(person_id=people["manager"].id, student_id=kids["ava"].id))
    return District(ids)


def _open(session, district, who, channel=Channel.SLACK) -> StudentRecords:
    person = session.get(Person, district.ids[who])
    return StudentRecords(session, person, channel=channel)


VISIBLE = {
    "parent": {"maya", "leo"},
    "other_parent": {"noah"},
    "teacher": {"leo"},
    "manager": {"maya", "leo", "noah", "ava"},  # case manager of three plans, assigned to Ava
    "admin_a": {"maya", "leo", "noah", "ava"},  # every student of school A
    "admin_b": {"zed"},
    "stranger": set(),
}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_each_person_sees_exactly_their_students(database, district, who):
    with database.session() as s:
        seen = {v.first_name.lower() for v in _open(s, district, who).students()}
    assert seen == VISIBLE[who]


@pytest.mark.parametrize("who", sorted(VISIBLE))
@pytest.mark.parametrize("kid", ["maya", "leo", "noah", "ava", "zed", "nobody"])
def test_every_lookup_is_refused_the_same_way_for_students_not_visible(
    database, district, who, kid
):
    student_id = district.ids.get(kid, 999_999)
    goal_id = district.ids.get(f"goal-{kid}", 999_999)
    with database.session() as s:
        records = _open(s, district, who)
        lookups = {
            "student": lambda: records.student(student_id),
            "plan": lambda: records.plan(student_id),
            "goals": lambda: records.goals(student_id),
            "progress": lambda: records.progress(student_id, goal_id),
            "meetings": lambda: records.meetings(after=NOW, student_ids=[student_id]),
        }
        for name, lookup in lookups.items():
            if kid in VISIBLE[who]:
                if name == "progress" and f"goal-{kid}" not in district.ids:
                    continue
                lookup()
            else:
                with pytest.raises(NotVisible) as refused:
                    lookup()
                # The same refusal whether the student exists or not.
                assert type(refused.value) is NotVisible, name


def test_reads_and_refusals_are_audited_without_naming_the_refused_student(database, district):
    with database.session() as s:
        records = _open(s, district, "parent")
        records.plan(district.ids["maya"])
        with pytest.raises(NotVisible):
            records.plan(district.ids["noah"])
    with database.session() as s:
        rows = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(r.action, r.what, r.student_id, r.channel) for r in rows] == [
        (AuditAction.READ, "plan", district.ids["maya"], Channel.SLACK),
        (AuditAction.DENIED, "plan", None, Channel.SLACK),
    ]
    assert all(r.actor_id == district.ids["parent"] and r.actor_ref == "UPARENT" for r in rows)


def test_audit_trail_of_one_student(database, district):
    with database.session() as s:
        _open(s, district, "teacher", Channel.WEB).goals(district.ids["leo"])
        _open(s, district, "parent").plan(district.ids["leo"])
    with database.session() as s:
        lines = audit.for_student(s, district.ids["leo"])
    assert [(line.who, line.what, line.channel) for line in lines] == [
        ("Teacher (UTEACHER)", "goals", Channel.WEB),
        ("Parent (UPARENT)", "plan", Channel.SLACK),
    ]


def test_plan_names_the_case_manager_and_progress_has_its_points(database, district):
    with database.session() as s:
        records = _open(s, district, "parent")
        plan = records.plan(district.ids["leo"])
        progress = records.progress(district.ids["leo"], district.ids["goal-leo"])
    assert plan is not None and plan.case_manager and plan.case_manager.name == "Manager"
    assert plan.last_review_date == date(2026, 1, 10)
    assert [p.value for p in progress.points] == [Decimal("55.5")]
    assert progress.goal.unit == "wcpm"


def test_a_goal_of_another_student_is_not_reachable_through_a_visible_one(database, district):
    with database.session() as s, pytest.raises(NotVisible):
        _open(s, district, "parent").progress(district.ids["maya"], district.ids["goal-noah"])


def test_meetings_are_upcoming_scheduled_ones_soonest_first(database, district):
    with database.session() as s:
        meetings = _open(s, district, "parent").meetings(after=NOW)
    assert [m.student.first_name for m in meetings] == ["Leo", "Maya"]
    assert meetings[0].invitees == ("Manager",)


def test_staff_record_progress_and_it_is_audited_as_a_write(database, district):
    with database.session() as s:
        point = _open(s, district, "teacher").record_progress(
            district.ids["leo"], district.ids["goal-leo"], Decimal(48), TODAY, "read aloud"
        )
    assert point.value == Decimal(48)
    with database.session() as s:
        entry = s.scalars(select(ProgressEntry).order_by(ProgressEntry.id.desc())).first()
        writes = s.scalar(select(func.count()).where(AuditEntry.action == AuditAction.WRITE))
    assert entry.recorded_by_id == district.ids["teacher"] and entry.value == Decimal(48)
    assert writes == 1


def test_a_parent_cannot_record_progress(database, district):
    with database.session() as s, pytest.raises(NotAllowed):
        _open(s, district, "parent").record_progress(
            district.ids["leo"], district.ids["goal-leo"], Decimal(99), TODAY
        )
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(ProgressEntry)) == 3


def test_caseload_deadlines_overdue_first(database, district):
    with database.session() as s:
        found = _open(s, district, "manager").deadlines(today=TODAY, days=60)
    kinds = [(d.student.first_name, d.deadline.kind.value) for d in found]
    # Ava's initial evaluation (consent 50 days ago) is due in 10 days; the IEPs'
    # annual reviews (2027-01-10) are 41 days out.
    assert kinds[0] == ("Ava", "initial_evaluation")
    assert {k for k in kinds[1:]} == {(n, "annual_review") for n in ("Maya", "Leo", "Noah")}


def test_find_person_by_slack_id(database, district):
    with database.session() as s:
        assert find_person(s, "UTEACHER").id == district.ids["teacher"]
        assert find_person(s, "UNKNOWN") is None
        assert find_person(s, "") is None
