"""Who may see which student: the one place that decides it.

- A parent or guardian sees the students they are linked to.
- Staff see the students they are assigned to, and those whose active plan names
  them as case manager.
- An administrator sees every student of their school.

The rules follow the links, not the role alone, so a teacher who is also a parent
sees their own child as well as their class. Everything here returns queries over
student ids; nothing can find a student outside them.
"""

from __future__ import annotations

from sqlalchemy import Select, literal, select, union
from sqlalchemy.orm import Session

from iep_assistant.records.models import GuardianLink, Person, Plan, StaffAssignment, Student
from iep_assistant.records.types import PlanStatus, Role


def visible_student_ids(person: Person) -> Select[tuple[int]]:
    """A query for the ids of every student ``person`` may see."""
    parts = [
        select(GuardianLink.student_id).where(GuardianLink.person_id == person.id),
        select(StaffAssignment.student_id).where(StaffAssignment.person_id == person.id),
        select(Plan.student_id).where(
            Plan.case_manager_id == person.id, Plan.status == PlanStatus.ACTIVE
        ),
    ]
    if person.role is Role.ADMINISTRATOR and person.school_id is not None:
        parts.append(select(Student.id).where(Student.school_id == person.school_id))
    return select(union(*parts).subquery().c[0])


def can_see(session: Session, person: Person, student_id: int) -> bool:
    query = select(literal(True)).where(
        select(Student.id)
        .where(Student.id == student_id, Student.id.in_(visible_student_ids(person)))
        .exists()
    )
    return bool(session.scalar(query))


def can_record_progress(person: Person) -> bool:
    """Recording a goal measurement is staff work; parents read progress, never write it."""
    return person.role.is_staff


def can_work_tickets(person: Person | None) -> bool:
    """Listing, taking and closing help-desk requests is for staff the records know."""
    return person is not None and person.role.is_staff
