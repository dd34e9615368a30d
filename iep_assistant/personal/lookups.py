"""The personal questions, answered from one person's view of the records.

Each function takes a :class:`~iep_assistant.records.store.StudentRecords` (which
checks access and writes the audit log) and a :class:`Question`, and returns an
:class:`Answer`. Nothing here knows about Rasa or Slack; the actions in
``actions/personal.py`` turn a tracker into a Question and an Answer into events.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from iep_assistant.personal import answers, measurement, wording
from iep_assistant.personal.resolve import Outcome, resolve
from iep_assistant.protocol import Button, Reply, intent_payload
from iep_assistant.records.store import (
    NotAllowed,
    NotVisible,
    Rules,
    StudentRecords,
    find_person,
    person_view,
)
from iep_assistant.records.types import Channel
from iep_assistant.records.views import GoalView, StudentView

DEADLINE_DAYS = 60
MEETING_DAYS = 30  # "upcoming meetings" without a window: the next month
MAX_OVERVIEW = 5  # students in one "how are my kids doing" answer
MAX_MEETINGS = 10


@dataclass(frozen=True)
class Question:
    """What the person asked, as the NLU and the conversation understood it."""

    intent: str
    text: str = ""
    student_name: str | None = None  # a name the NLU found in this message
    student_id: int | None = None  # from a button
    goal_area: str | None = None
    goal_id: int | None = None
    remembered_student: int | None = None  # the student this conversation is about
    pending: str | None = None  # a measurement waiting for confirmation (JSON)
    progress_text: str | None = None  # the sentence a measurement was read from
    reminder_id: int | None = None  # from a button
    last_reminder: int | None = None  # the reminder this conversation last set
    now: datetime = field(default_factory=lambda: datetime.now(ZoneInfo("UTC")))
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("America/Chicago"))

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()


@dataclass(frozen=True)
class Answer:
    reply: Reply
    remember: int | None = None  # the student to keep for follow-ups
    pending: str | None = None  # a measurement to confirm (JSON), or None to clear
    progress_text: str | None = None
    last_reminder: int | None = None


@dataclass(frozen=True)
class Pending:
    """A measurement waiting for the teacher's confirmation."""

    student_id: int
    goal_id: int
    value: str
    on: str

    def dumps(self) -> str:
        return json.dumps(self.__dict__)

    @classmethod
    def loads(cls, raw: str | None) -> Pending | None:
        try:
            data = json.loads(raw or "")
            return cls(
                int(data["student_id"]), int(data["goal_id"]), str(data["value"]), data["on"]
            )
        except (ValueError, KeyError, TypeError):
            return None


Handler = Callable[[StudentRecords, "Question"], "Answer"]


def answer_for(
    session: Session,
    sender: str,
    channel: Channel,
    question: Question,
    rules: Rules | None = None,
    handlers: Mapping[str, Handler] | None = None,
) -> Answer:
    """Answer ``question`` for the person with Slack id ``sender`` (with ``handlers``,
    by default this module's)."""
    person = find_person(session, sender)
    if person is None:
        return Answer(answers.not_linked())
    records = StudentRecords(session, person, channel=channel, rules=rules)
    handler = (handlers or HANDLERS)[question.intent]
    try:
        return handler(records, question)
    except NotVisible:
        # A student id from a crafted payload, a goal of another student: the same
        # words as for a name that matches none of theirs.
        return Answer(answers.not_found(None, records.students(), question.intent))


def pick(
    records: StudentRecords, q: Question, *, all_allowed: bool = False
) -> tuple[StudentView | None, Answer | None]:
    """The student the question is about (None: all of theirs, when allowed), or else
    the answer that asks which one."""
    visible = records.students()
    found = resolve(
        visible,
        text=q.text,
        name=q.student_name,
        student_id=q.student_id,
        remembered=q.remembered_student,
        all_allowed=all_allowed,
    )
    if found.outcome is Outcome.ONE:
        return found.student, None
    if found.outcome is Outcome.ALL:
        return None, None
    if found.outcome is Outcome.SEVERAL:
        return None, Answer(answers.which_student(found.students, q.intent))
    if found.outcome is Outcome.NONE_VISIBLE:
        return None, Answer(answers.no_students())
    return None, Answer(answers.not_found(found.name, visible, q.intent))


def list_students(records: StudentRecords, q: Question) -> Answer:
    return Answer(answers.student_list(person_view(records.person), records.students()))


def show_meetings(records: StudentRecords, q: Question) -> Answer:
    student, asked = pick(records, q, all_allowed=True)
    if asked:
        return asked
    window = wording.window(q.text, q.today) or wording.Window(q.today, MEETING_DAYS, "")
    start = max(q.now, wording.start_of(window.first, q.tz))
    found = records.meetings(
        after=start,
        before=wording.start_of(window.first + timedelta(days=window.days), q.tz),
        student_ids=[student.id] if student else None,
        limit=MAX_MEETINGS + 1,
    )
    reply = answers.meetings(found[:MAX_MEETINGS], q.tz, q.today, student=student, window=window)
    if len(found) > MAX_MEETINGS:
        reply = answers.with_more(reply)
    return Answer(reply, remember=student.id if student else None)


def show_plan(records: StudentRecords, q: Question) -> Answer:
    student, asked = pick(records, q)
    if asked:
        return asked
    assert student is not None
    plan = records.plan(student.id)
    return Answer(answers.plan_summary(plan, student, q.goal_area), remember=student.id)


def show_case_manager(records: StudentRecords, q: Question) -> Answer:
    student, asked = pick(records, q)
    if asked:
        return asked
    assert student is not None
    return Answer(answers.case_manager(records.plan(student.id), student), remember=student.id)


def show_goals(records: StudentRecords, q: Question) -> Answer:
    student, asked = pick(records, q)
    if asked:
        return asked
    assert student is not None
    found = records.goals(student.id)
    if q.goal_area:
        chosen = _goals_in_area(found, q.goal_area)
        found = chosen or found
    return Answer(answers.goals(found, student), remember=student.id)


def _goals_in_area(goals: list[GoalView], area: str | None) -> list[GoalView]:
    wanted = (area or "").lower().strip()
    if not wanted:
        return []
    return [g for g in goals if wanted in g.area.lower() or g.area.lower() in wanted]


def _goal_mentioned(goals: list[GoalView], text: str) -> list[GoalView]:
    words = set(text.lower().replace("'s", " ").split())
    return [g for g in goals if g.area.lower() in words]


def show_progress(records: StudentRecords, q: Question) -> Answer:
    student, asked = pick(records, q, all_allowed=True)
    if asked:
        return asked
    if student is None:  # "how are my kids doing?": each child's goals at a glance
        replies = []
        for each in records.students()[:MAX_OVERVIEW]:
            overview = [records.progress(each.id, g.id) for g in records.goals(each.id)]
            replies.append(answers.progress_overview(overview, each, q.today))
        return Answer(answers.combined(replies))
    goals = records.goals(student.id)
    if q.goal_id is not None:
        chosen = [g for g in goals if g.id == q.goal_id]
        if not chosen:
            raise NotVisible(q.goal_id)
    else:
        chosen = _goals_in_area(goals, q.goal_area) or _goal_mentioned(goals, q.text)
    if len(chosen) == 1:
        p = records.progress(student.id, chosen[0].id)
        return Answer(answers.progress(p, q.today), remember=student.id)
    overview = [records.progress(student.id, g.id) for g in (chosen or goals)]
    return Answer(answers.progress_overview(overview, student, q.today), remember=student.id)


def show_deadlines(records: StudentRecords, q: Question) -> Answer:
    if not records.person.role.is_staff:
        # Families see their child's dates in the plan summary and meetings.
        student, asked = pick(records, q)
        if asked:
            return asked
        assert student is not None
        plan = records.plan(student.id)
        return Answer(answers.plan_summary(plan, student), remember=student.id)
    student, asked = pick(records, q, all_allowed=True)
    if asked:
        return asked
    found = records.deadlines(today=q.today, days=DEADLINE_DAYS)
    if student is not None and (q.student_name or q.student_id is not None):
        found = [d for d in found if d.student.id == student.id]
    return Answer(answers.deadlines(found, q.today, DEADLINE_DAYS))


# --- recording a measurement (staff) --------------------------------------------------------


def prepare_progress(records: StudentRecords, q: Question) -> Answer:
    """Read the measurement, and ask the teacher to confirm it before anything is saved."""
    if not records.person.role.is_staff:
        return Answer(
            Reply(
                "Only school staff record progress measurements. You can ask me how your "
                "child is doing on a goal, or ask the case manager about a measurement."
            )
        )
    sentence = q.progress_text if (q.student_id or q.goal_id) and q.progress_text else q.text
    student, asked = pick(records, q)
    if asked:
        return Answer(asked.reply, progress_text=sentence)
    assert student is not None
    goals = records.goals(student.id)
    if q.goal_id is not None:
        chosen = [g for g in goals if g.id == q.goal_id]
    else:
        chosen = _goals_in_area(goals, q.goal_area) or _goal_mentioned(goals, sentence)
        if not chosen:
            chosen = [g for g in goals if _unit_mentioned(g.unit, sentence)] or goals
    if not chosen:
        return Answer(answers.goals([], student), remember=student.id)
    if len(chosen) > 1:
        buttons = [
            Button(
                f"{g.area.capitalize()} ({g.unit})",
                intent_payload("record_progress", student_id=str(student.id), goal_id=str(g.id)),
            )
            for g in chosen[:4]
        ]
        return Answer(
            answers.private(f"Which of {student.first_name}'s goals is this for?", buttons),
            remember=student.id,
            progress_text=sentence,
        )
    goal = chosen[0]
    found = measurement.parse(sentence, goal.unit, q.today, q.tz)
    if found is None:
        return Answer(
            answers.private(
                f"I couldn't find the measurement in that. Try, for example: "
                f'"{student.first_name} scored 48 {goal.unit} today".'
            ),
            remember=student.id,
        )
    pending = Pending(student.id, goal.id, str(found.value), found.on.isoformat())
    text = (
        f"Record **{answers.number(found.value)} {goal.unit}** for {student.first_name}'s "
        f"{goal.area} goal on {wording.day(found.on, today=q.today)}?"
    )
    buttons = [
        Button("Save it", "/confirm_progress"),
        Button("Cancel", "/cancel_progress"),
    ]
    return Answer(
        answers.private(text, buttons),
        remember=student.id,
        pending=pending.dumps(),
    )


def _unit_mentioned(unit: str, text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in unit.lower().split() if len(word) > 3)


def save_progress(records: StudentRecords, q: Question) -> Answer:
    pending = Pending.loads(q.pending)
    if pending is None:
        return Answer(Reply("There's no measurement waiting to be saved."))
    try:
        point = records.record_progress(
            pending.student_id,
            pending.goal_id,
            Decimal(pending.value),
            date.fromisoformat(pending.on),
        )
    except NotAllowed:
        return Answer(Reply("Only school staff record progress measurements."))
    goal = next(g for g in records.goals(pending.student_id) if g.id == pending.goal_id)
    return Answer(
        answers.private(
            f"Saved: {answers.number(point.value)} {goal.unit} for {goal.student.first_name}'s "
            f"{goal.area} goal on {wording.day(point.measured_on, today=q.today)}."
        ),
        remember=goal.student.id,
    )


def cancel_progress(records: StudentRecords, q: Question) -> Answer:
    if Pending.loads(q.pending) is None:
        return Answer(Reply("Okay. Nothing was waiting to be saved."))
    return Answer(Reply("Okay, I didn't save it."))


HANDLERS: dict[str, Handler] = {
    "list_students": list_students,
    "ask_meetings": show_meetings,
    "ask_plan": show_plan,
    "ask_case_manager": show_case_manager,
    "ask_goals": show_goals,
    "ask_progress": show_progress,
    "ask_deadlines": show_deadlines,
    "record_progress": prepare_progress,
    "confirm_progress": save_progress,
    "cancel_progress": cancel_progress,
}
