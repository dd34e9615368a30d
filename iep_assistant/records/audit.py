"""The access log of student records (34 CFR 300.614: who, when, for what purpose).

Entries hold ids and what kind of record, never names or message text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from iep_assistant.records.models import AuditEntry, Person
from iep_assistant.records.types import AuditAction, Channel


def record(
    session: Session,
    *,
    actor: Person | None,
    actor_ref: str,
    action: AuditAction,
    what: str,
    channel: Channel,
    student_ids: Iterable[int | None] = (None,),
    at: datetime | None = None,
) -> None:
    """Add one entry per student (or one with no student) to the current transaction,
    in one multi-row insert (a school's list is a thousand entries)."""
    moment = at or datetime.now(UTC)
    rows = [
        {
            "at": moment,
            "actor_id": actor.id if actor else None,
            "actor_ref": actor_ref,
            "action": action,
            "what": what,
            "student_id": student_id,
            "channel": channel,
        }
        for student_id in student_ids
    ]
    if rows:
        session.execute(insert(AuditEntry), rows)


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    who: str
    action: AuditAction
    what: str
    channel: Channel


def for_student(session: Session, student_id: int) -> list[AuditLine]:
    """Every access to one student's records, oldest first."""
    rows = session.execute(
        select(AuditEntry, Person.name)
        .outerjoin(Person, Person.id == AuditEntry.actor_id)
        .where(AuditEntry.student_id == student_id)
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return [
        AuditLine(
            at=entry.at,
            who=f"{name} ({entry.actor_ref})" if name else entry.actor_ref,
            action=entry.action,
            what=entry.what,
            channel=entry.channel,
        )
        for entry, name in rows
    ]
