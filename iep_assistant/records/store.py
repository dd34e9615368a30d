"""Every question the assistant asks of a student's records, each behind one method.

:class:`StudentRecords` is opened for one person, through one channel, inside one
session. Each method checks that the person may see the student
(:mod:`~iep_assistant.records.access`) and writes the audit log
(:mod:`~iep_assistant.records.audit`) in the same transaction. A student the
person may not see and a student who does not exist raise the same
:class:`NotVisible`, so no answer can tell the two apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from iep_assistant.records import access, audit, compliance
from iep_assistant.records.models import (
    Accommodation,
    Evaluation,
    Goal,
    Meeting,
    MeetingInvitee,
    Person,
    Plan,
    ProgressEntry,
    School,
    Service,
    Student,
)
from iep_assistant.records.types import (
    AuditAction,
    Channel,
    EvaluationKind,
    MeetingStatus,
    PlanKind,
    PlanStatus,
)
from iep_assistant.records.views import (
    AccommodationView,
    GoalProgress,
    GoalView,
    MeetingView,
    PersonView,
    PlanView,
    ProgressPoint,
    ServiceView,
    StudentDeadline,
    StudentView,
)


class NotVisible(LookupError):
    """No such student (or goal) for this person: either it does not exist or they may
    not see it, and callers must not say which."""


class NotAllowed(PermissionError):
    """The person may see the student but not do this (a parent recording progress)."""


@dataclass(frozen=True)
class Rules:
    """The district's figures for the compliance dates (see :mod:`.compliance`)."""

    initial_evaluation_days: int = compliance.DEFAULT_INITIAL_EVALUATION_DAYS
    transition_age: int = compliance.DEFAULT_TRANSITION_AGE


def person_view(person: Person) -> PersonView:
    return PersonView(
        id=person.id,
        name=person.name,
        role=person.role,
        email=person.email,
        slack_user_id=person.slack_user_id,
        time_zone=person.time_zone,
        school_id=person.school_id,
    )


def find_person(session: Session, slack_user_id: str) -> Person | None:
    """The person with this Slack user id, if the district linked one."""
    if not slack_user_id:
        return None
    return session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))


def _student_view(student: Student, school_name: str = "") -> StudentView:
    return StudentView(
        id=student.id,
        first_name=student.first_name,
        last_name=student.last_name,
        nickname=student.nickname,
        grade=student.grade,
        birth_date=student.birth_date,
        school_name=school_name,
    )


class StudentRecords:
    """One person's view of the records, through one channel, in one session."""

    def __init__(
        self,
        session: Session,
        person: Person,
        *,
        channel: Channel,
        rules: Rules | None = None,
    ) -> None:
        self.session = session
        self.person = person
        self.channel = channel
        self.rules = rules or Rules()
        self._visible: dict[int, StudentView] | None = None

    # --- access ----------------------------------------------------------------------------

    def _log(self, action: AuditAction, what: str, student_ids: Iterable[int | None]) -> None:
        audit.record(
            self.session,
            actor=self.person,
            actor_ref=self.person.slack_user_id or self.person.external_id,
            action=action,
            what=what,
            channel=self.channel,
            student_ids=student_ids,
        )

    def _visible_students(self) -> dict[int, StudentView]:
        if self._visible is None:
            rows = self.session.execute(
                select(Student, School.name)
                .join(School, School.id == Student.school_id)
                .where(Student.id.in_(access.visible_student_ids(self.person)))
                .order_by(Student.first_name, Student.last_name, Student.id)
            )
            self._visible = {s.id: _student_view(s, name) for s, name in rows}
        return self._visible

    def _require(self, student_id: int, what: str, action: AuditAction) -> StudentView:
        student = self._visible_students().get(student_id)
        if student is None:
            # Logged without the id asked for: it may name a student they may not see.
            self._log(AuditAction.DENIED, what, [None])
            raise NotVisible(student_id)
        self._log(action, what, [student_id])
        return student

    # --- reads -----------------------------------------------------------------------------

    def students(self) -> list[StudentView]:
        """The students this person may see (the name resolver chooses among these)."""
        found = list(self._visible_students().values())
        self._log(AuditAction.READ, "list", [s.id for s in found] or [None])
        return found

    def student(self, student_id: int) -> StudentView:
        return self._require(student_id, "student", AuditAction.READ)

    def _active_plan(self, student_id: int) -> Plan | None:
        return self.session.scalar(
            select(Plan)
            .where(Plan.student_id == student_id, Plan.status == PlanStatus.ACTIVE)
            .order_by(Plan.start_date.desc(), Plan.id.desc())
            .limit(1)
        )

    def plan(self, student_id: int) -> PlanView | None:
        """The student's active plan with its services and accommodations, if any."""
        student = self._require(student_id, "plan", AuditAction.READ)
        plan = self._active_plan(student_id)
        if plan is None:
            return None
        manager = self.session.get(Person, plan.case_manager_id) if plan.case_manager_id else None
        services = self.session.execute(
            select(Service, Person.name)
            .outerjoin(Person, Person.id == Service.provider_id)
            .where(Service.plan_id == plan.id)
            .order_by(Service.id)
        )
        accommodations = self.session.scalars(
            select(Accommodation).where(Accommodation.plan_id == plan.id).order_by(Accommodation.id)
        )
        return PlanView(
            student=student,
            kind=plan.kind,
            status=plan.status,
            start_date=plan.start_date,
            end_date=plan.end_date,
            last_review_date=plan.last_review_date or plan.start_date,
            eligibility_category=plan.eligibility_category,
            case_manager=person_view(manager) if manager else None,
            progress_report_weeks=plan.progress_report_weeks,
            services=tuple(
                ServiceView(s.service_type, s.minutes, s.frequency, s.setting, provider)
                for s, provider in services
            ),
            accommodations=tuple(
                AccommodationView(a.description, a.applies_to, a.kind) for a in accommodations
            ),
        )

    def goals(self, student_id: int) -> list[GoalView]:
        """The annual goals of the student's active plan."""
        student = self._require(student_id, "goals", AuditAction.READ)
        plan = self._active_plan(student_id)
        if plan is None:
            return []
        goals = self.session.scalars(
            select(Goal).where(Goal.plan_id == plan.id).order_by(Goal.area, Goal.id)
        )
        return [_goal_view(g, student) for g in goals]

    def progress(self, student_id: int, goal_id: int) -> GoalProgress:
        """A goal with every measurement recorded against it, oldest first."""
        student = self._require(student_id, "progress", AuditAction.READ)
        goal, plan = self._goal_of(student_id, goal_id)
        points = self.session.scalars(
            select(ProgressEntry)
            .where(ProgressEntry.goal_id == goal.id)
            .order_by(ProgressEntry.measured_on, ProgressEntry.id)
        )
        return GoalProgress(
            goal=_goal_view(goal, student),
            points=tuple(ProgressPoint(p.measured_on, p.value, p.note) for p in points),
            plan_start=plan.start_date,
            progress_report_weeks=plan.progress_report_weeks,
        )

    def _goal_of(self, student_id: int, goal_id: int) -> tuple[Goal, Plan]:
        row = self.session.execute(
            select(Goal, Plan)
            .join(Plan, Plan.id == Goal.plan_id)
            .where(Goal.id == goal_id, Plan.student_id == student_id)
        ).first()
        if row is None:
            raise NotVisible(goal_id)
        return row[0], row[1]

    def meetings(
        self,
        *,
        after: datetime,
        before: datetime | None = None,
        student_ids: Sequence[int] | None = None,
        limit: int = 20,
    ) -> list[MeetingView]:
        """Scheduled meetings from ``after`` (until ``before``), soonest first: for the
        given students, or for every student the person may see."""
        visible = self._visible_students()
        if student_ids is None:
            wanted = list(visible)
        else:
            for sid in student_ids:
                self._require(sid, "meetings", AuditAction.READ)
            wanted = list(student_ids)
        if not wanted:
            return []
        meetings = list(
            self.session.scalars(
                select(Meeting)
                .where(
                    Meeting.student_id.in_(wanted),
                    Meeting.status == MeetingStatus.SCHEDULED,
                    Meeting.starts_at >= after,
                    Meeting.starts_at < before if before else true(),
                )
                .order_by(Meeting.starts_at, Meeting.id)
                .limit(limit)
            )
        )
        if student_ids is None:
            self._log(AuditAction.READ, "meetings", sorted({m.student_id for m in meetings}))
        invitees = self._invitee_names([m.id for m in meetings])
        return [_meeting_view(m, visible[m.student_id], invitees.get(m.id, ())) for m in meetings]

    def meeting(self, meeting_id: int, *, what: str = "meeting") -> MeetingView:
        """One meeting of a student the person may see (any status)."""
        found = self.session.get(Meeting, meeting_id)
        if found is None:
            self._log(AuditAction.DENIED, what, [None])
            raise NotVisible(meeting_id)
        student = self._require(found.student_id, what, AuditAction.READ)
        return _meeting_view(found, student, self._invitee_names([found.id]).get(found.id, ()))

    def _invitee_names(self, meeting_ids: list[int]) -> dict[int, list[str]]:
        names: dict[int, list[str]] = defaultdict(list)
        if meeting_ids:
            rows = self.session.execute(
                select(MeetingInvitee.meeting_id, Person.name)
                .join(Person, Person.id == MeetingInvitee.person_id)
                .where(MeetingInvitee.meeting_id.in_(meeting_ids))
                .order_by(Person.name)
            )
            for meeting_id, name in rows:
                names[meeting_id].append(name)
        return names

    def deadlines(self, *, today: date, days: int = 60) -> list[StudentDeadline]:
        """Compliance deadlines of the person's students due within ``days``, overdue first."""
        visible = self._visible_students()
        facts = plan_facts(self.session, list(visible))
        found = []
        for sid, fact in facts.items():
            for deadline in compliance.within(
                compliance.deadlines(
                    fact,
                    today=today,
                    initial_evaluation_days=self.rules.initial_evaluation_days,
                    transition_age=self.rules.transition_age,
                ),
                today,
                days,
            ):
                found.append(StudentDeadline(visible[sid], deadline))
        found.sort(key=lambda d: (not d.deadline.overdue(today), d.deadline.due))
        self._log(AuditAction.READ, "deadlines", sorted({d.student.id for d in found}) or [None])
        return found

    # --- writes ----------------------------------------------------------------------------

    def record_progress(
        self,
        student_id: int,
        goal_id: int,
        value: Decimal,
        measured_on: date,
        note: str | None = None,
    ) -> ProgressPoint:
        """Add a measurement to a goal. Staff only; the caller confirmed it with the person."""
        if not access.can_record_progress(self.person):
            self._require(student_id, "progress", AuditAction.READ)
            raise NotAllowed("only staff record progress")
        self._require(student_id, "progress", AuditAction.WRITE)
        goal, _ = self._goal_of(student_id, goal_id)
        entry = ProgressEntry(
            goal_id=goal.id,
            measured_on=measured_on,
            value=value,
            note=note,
            recorded_by_id=self.person.id,
            recorded_at=datetime.now(UTC),
        )
        self.session.add(entry)
        self.session.flush()
        return ProgressPoint(entry.measured_on, entry.value, entry.note)


def _meeting_view(meeting: Meeting, student: StudentView, invitees: Sequence[str]) -> MeetingView:
    return MeetingView(
        id=meeting.id,
        student=student,
        kind=meeting.kind,
        status=meeting.status,
        starts_at=meeting.starts_at,
        time_zone=meeting.time_zone,
        duration_minutes=meeting.duration_minutes,
        location=meeting.location,
        video_link=meeting.video_link,
        invitees=tuple(invitees),
    )


def _goal_view(goal: Goal, student: StudentView) -> GoalView:
    return GoalView(
        id=goal.id,
        student=student,
        area=goal.area,
        statement=goal.statement,
        baseline=goal.baseline,
        target=goal.target,
        unit=goal.unit,
        measured_by=goal.measured_by,
        start_date=goal.start_date,
        end_date=goal.end_date,
    )


def plan_facts(session: Session, student_ids: Sequence[int]) -> dict[int, compliance.PlanFacts]:
    """What the compliance rules need for each of these students, in three queries."""
    if not student_ids:
        return {}
    births = {
        sid: born
        for sid, born in session.execute(
            select(Student.id, Student.birth_date).where(Student.id.in_(student_ids))
        )
    }
    iep_review: dict[int, date] = {}
    review_504: dict[int, date] = {}
    plans = session.scalars(
        select(Plan)
        .where(Plan.student_id.in_(student_ids), Plan.status == PlanStatus.ACTIVE)
        .order_by(Plan.start_date)
    )
    for plan in plans:  # later plans overwrite earlier ones
        if plan.kind is PlanKind.IEP:
            iep_review[plan.student_id] = plan.last_review_date or plan.start_date
        elif plan.end_date:
            review_504[plan.student_id] = plan.end_date
    last_done: dict[int, date] = {}
    pending: dict[int, date] = {}
    for ev in session.scalars(
        select(Evaluation)
        .where(Evaluation.student_id.in_(student_ids))
        .order_by(Evaluation.consent_date)
    ):
        if ev.completed_date:
            last_done[ev.student_id] = max(
                ev.completed_date, last_done.get(ev.student_id, date.min)
            )
        elif ev.kind is EvaluationKind.INITIAL and ev.consent_date:
            pending[ev.student_id] = ev.consent_date
    return {
        sid: compliance.PlanFacts(
            student_id=sid,
            birth_date=births.get(sid),
            iep_last_review=iep_review.get(sid),
            plan_504_review=review_504.get(sid),
            last_evaluation_completed=last_done.get(sid),
            pending_initial_consent=pending.get(sid),
        )
        for sid in student_ids
    }
