"""The personal answers' wording, built from the data layer's views (no Rasa here).

Every reply is marked private: it holds a student's details, so front ends show it
only to the person who asked (see :mod:`iep_assistant.protocol`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from iep_assistant.personal import wording
from iep_assistant.personal.progress import (
    DEFAULT_REPORT_PERIOD,
    Point,
    Status,
    Trend,
    next_report_due,
    trend,
)
from iep_assistant.protocol import CHART, PRIVATE, Button, Reply, article_payload, intent_payload
from iep_assistant.records.compliance import DeadlineKind, annual_review_due
from iep_assistant.records.types import Frequency, PlanKind
from iep_assistant.records.views import (
    GoalProgress,
    GoalView,
    MeetingView,
    PersonView,
    PlanView,
    StudentDeadline,
    StudentView,
)

PRIVATE_CUSTOM = {PRIVATE: True}
MAX_LISTED = 40  # students listed in one message (a school is hundreds)
ARTICLE_MEETING = "asking_for_a_meeting"
ARTICLE_NOT_PROGRESSING = "not_making_progress"


def private(text: str, buttons: Sequence[Button] = (), image: str | None = None) -> Reply:
    return Reply(text=text, buttons=tuple(buttons), image=image, custom=PRIVATE_CUSTOM)


def number(value: Decimal | float) -> str:
    """48 rather than 48.000; 72.5 stays 72.5."""
    return f"{Decimal(str(value)).normalize():f}"


def student_button(intent: str, student: StudentView, title: str | None = None) -> Button:
    return Button(title or student.display_name, intent_payload(intent, student_id=str(student.id)))


# --- who is asking ---------------------------------------------------------------------------

NOT_LINKED = (
    "I can only share a student's records with people the school has linked to that "
    "student, and I don't have your account linked to anyone yet. To get linked, ask your "
    "school's special education office (or your child's case manager) to add your Slack "
    "account to the student's records. Meanwhile I can answer general questions about IEPs, "
    "504 plans and your rights."
)
NO_IDENTITY = (
    "I can't look up a student's records here, because this chat doesn't know who you are. "
    "Families and staff linked by the school can ask about their own students in the "
    "school's Slack. Here I can answer general questions about IEPs, 504 plans, meetings "
    "and your rights."
)
NO_STUDENTS = (
    "You're not linked to any students at the moment, so there are no records I can show "
    "you. If that's wrong, ask your school's special education office to check your links."
)


def not_linked() -> Reply:
    return Reply(text=NOT_LINKED)


def no_identity() -> Reply:
    return Reply(text=NO_IDENTITY)


def no_students() -> Reply:
    return Reply(text=NO_STUDENTS)


def not_found(name: str | None, visible: Sequence[StudentView], intent: str) -> Reply:
    """The same words whether the student does not exist or is not the asker's to see."""
    asked = f"a student called {name}" if name else "that student"
    text = f"I can't find {asked} among the students you're linked to."
    if visible:
        text += " Did you mean one of these?"
    return private(text, [student_button(intent, s) for s in visible[:5]])


def which_student(candidates: Sequence[StudentView], intent: str) -> Reply:
    return private(
        "Which student do you mean?", [student_button(intent, s) for s in candidates[:5]]
    )


def student_list(person: PersonView, students: Sequence[StudentView]) -> Reply:
    if not students:
        return no_students()
    noun = "children" if not person.role.is_staff else "students"
    shown = students[:MAX_LISTED]
    lines = [f"You can ask me about these {len(students):,} {noun}:"]
    lines += [
        f"• {s.display_name}" + (f", grade {s.grade}" if s.grade else "")
        + (f" ({s.school_name})" if s.school_name else "")
        for s in shown
    ]  # fmt: skip
    if len(students) > len(shown):
        lines.append(f"… and {len(students) - len(shown)} more; ask about one by name.")
    return private("\n".join(lines), [student_button("ask_plan", s) for s in students[:5]])


# --- meetings ------------------------------------------------------------------------------


def meeting_place(meeting: MeetingView) -> str:
    """' (Room 114; video: https://...)', or '' when the records say neither."""
    where = [meeting.location] if meeting.location else []
    if meeting.video_link:
        where.append(f"video: {meeting.video_link}")
    return f" ({'; '.join(where)})" if where else ""


def meeting_line(meeting: MeetingView, tz: ZoneInfo, today: date, *, with_name: bool) -> str:
    local = meeting.starts_at.astimezone(tz)
    days = wording.relative_days(local.date(), today)
    who = f"{meeting.student.first_name}'s " if with_name else ""
    place = meeting_place(meeting)
    line = f"• {who}{meeting.kind.label}: {wording.when(meeting.starts_at, tz, today=today)}"
    return f"{line}, {days}{place}"


def meetings(
    found: Sequence[MeetingView],
    tz: ZoneInfo,
    today: date,
    *,
    student: StudentView | None = None,
    window: wording.Window | None = None,
) -> Reply:
    span = window.words if window and window.words else "in the coming weeks"
    if not found:
        whose = f"for {student.first_name}" if student else "for your students"
        return private(
            f"No meetings are scheduled {whose} {span}. You can ask the school for an "
            "IEP meeting at any time.",
            [Button("Asking for a meeting", article_payload(ARTICLE_MEETING))],
        )
    names = len({m.student.id for m in found}) > 1 or student is None
    whose = f"{student.first_name}'s meetings" if student else "Meetings"
    lines = [f"{whose} {span}:"]
    lines += [meeting_line(m, tz, today, with_name=names) for m in found]
    lines.append(f"(Times in {wording.zone_label(found[0].starts_at, tz)}.)")
    return private("\n".join(lines))


def with_more(reply: Reply) -> Reply:
    """A list that was cut short says so."""
    return private(
        reply.text + "\nThere are more; ask about one student to see theirs.",
        reply.buttons,
        reply.image,
    )


def combined(replies: Sequence[Reply]) -> Reply:
    """Several private answers as one message (text only)."""
    return private("\n\n".join(r.text for r in replies))


# --- plan ----------------------------------------------------------------------------------

_PER = {Frequency.DAY: "a day", Frequency.WEEK: "a week", Frequency.MONTH: "a month"}


def _matches_area(applies_to: str | None, area: str | None) -> bool:
    if not area:
        return True
    where = (applies_to or "").lower()
    return not where or "all" in where or area.lower() in where or where in area.lower()


def plan_summary(plan: PlanView | None, student: StudentView, area: str | None = None) -> Reply:
    if plan is None:
        return private(
            f"{student.first_name} doesn't have an active IEP or 504 plan in the records."
        )
    label = "IEP" if plan.kind is PlanKind.IEP else "504 plan"
    end = f" to {wording.day(plan.end_date)}" if plan.end_date else ""
    lines = [f"**{student.display_name}: {label}**, from {wording.day(plan.start_date)}{end}."]
    if plan.eligibility_category:
        lines.append(f"Eligibility: {plan.eligibility_category}.")
    if plan.case_manager:
        contact = f" ({plan.case_manager.email})" if plan.case_manager.email else ""
        lines.append(f"Case manager: {plan.case_manager.name}{contact}.")
    if plan.services and not area:
        lines.append("Services:")
        for s in plan.services:
            by = f", with {s.provider}" if s.provider else ""
            setting = f", {s.setting}" if s.setting else ""
            lines.append(
                f"• {s.service_type}: {s.minutes} minutes {_PER[s.frequency]}{setting}{by}"
            )
    chosen = [a for a in plan.accommodations if _matches_area(a.applies_to, area)]
    if chosen:
        lines.append(f"Accommodations{f' for {area}' if area else ''}:")
        for a in chosen:
            where = f" ({a.applies_to})" if a.applies_to else ""
            kind = " (a modification)" if a.kind.value == "modification" else ""
            lines.append(f"• {a.description}{where}{kind}")
    elif area:
        lines.append(f"No accommodations in the plan are listed for {area}.")
    if plan.kind is PlanKind.IEP:
        lines.append(
            f"Next annual review due by {wording.day(annual_review_due(plan.last_review_date))}."
        )
    buttons = [
        student_button("ask_goals", student, "Goals"),
        student_button("ask_meetings", student, "Meetings"),
    ]
    return private("\n".join(lines), buttons if plan.kind is PlanKind.IEP else buttons[1:])


def case_manager(plan: PlanView | None, student: StudentView) -> Reply:
    if plan is None or plan.case_manager is None:
        return private(
            f"The records don't name a case manager for {student.first_name}. The school's "
            "special education office can tell you who coordinates the plan."
        )
    manager = plan.case_manager
    contact = f" You can reach them at {manager.email}." if manager.email else ""
    return private(f"{student.first_name}'s case manager is {manager.name}.{contact}")


# --- goals and progress ----------------------------------------------------------------------


def goal_line(goal: GoalView) -> str:
    measured = f" Measured by {goal.measured_by}." if goal.measured_by else ""
    return f"• **{goal.area.capitalize()}**: {goal.statement}{measured}"


def goals(found: Sequence[GoalView], student: StudentView) -> Reply:
    if not found:
        return private(f"{student.first_name}'s plan has no annual goals in the records.")
    lines = [f"{student.first_name}'s annual goals:"] + [goal_line(g) for g in found]
    buttons = [
        Button(
            f"{g.area.capitalize()} progress",
            intent_payload("ask_progress", student_id=str(student.id), goal_id=str(g.id)),
        )
        for g in found[:4]
    ]
    return private("\n".join(lines), buttons)


def report_period(weeks: int | None) -> timedelta:
    """The plan's progress-report period, or the common nine weeks of a report card."""
    return timedelta(weeks=weeks) if weeks else DEFAULT_REPORT_PERIOD


def _status_words(status: Status) -> str:
    return {
        Status.ON_TRACK: "on track",
        Status.BEHIND: "behind where the plan expects",
        Status.MET: "has met the target",
        Status.NO_DATA: "no measurements yet",
    }[status]


def _trend(p: GoalProgress) -> Trend:
    g = p.goal
    points = [Point(x.measured_on, float(x.value)) for x in p.points]
    return trend(float(g.baseline), float(g.target), g.start_date, g.end_date, points)


def progress(p: GoalProgress, today: date) -> Reply:
    g, t = p.goal, _trend(p)
    first = g.student.first_name
    lines = [f"**{first}'s {g.area} goal**: {g.statement}"]
    if t.latest is None:
        lines.append("No measurements have been recorded yet.")
    else:
        lines.append(
            f"Latest: {number(t.latest.value)} {g.unit} on {wording.day(t.latest.on, today=today)} "
            f"(baseline {number(g.baseline)}, target {number(g.target)} by "
            f"{wording.day(g.end_date, today=today)})."
        )
        if t.status is Status.MET:
            lines.append(f"{first} has reached the target.")
        else:
            expected = round(t.expected_now or 0, 1)
            lines.append(
                f"That is {_status_words(t.status)}: the line from baseline to target "
                f"expects about {number(expected)} by then."
            )
    due = next_report_due(p.plan_start, today, report_period(p.progress_report_weeks))
    lines.append(f"Next progress report due around {wording.day(due, today=today)}.")
    buttons = []
    if t.status is Status.BEHIND:
        buttons.append(
            Button(
                "If a child isn't making progress",
                article_payload(ARTICLE_NOT_PROGRESSING),
            )
        )
    chart = {CHART: {"student_id": g.student.id, "goal_id": g.id}}
    return Reply("\n".join(lines), tuple(buttons), custom={**PRIVATE_CUSTOM, **chart})


def progress_overview(
    all_progress: Sequence[GoalProgress], student: StudentView, today: date
) -> Reply:
    if not all_progress:
        return private(f"{student.first_name}'s plan has no annual goals in the records.")
    lines = [f"How {student.first_name} is doing on each goal:"]
    for p in all_progress:
        t = _trend(p)
        latest = (
            f"{number(t.latest.value)} {p.goal.unit} on {wording.day(t.latest.on, today=today)}"
            if t.latest
            else "no measurements yet"
        )
        lines.append(f"• **{p.goal.area.capitalize()}**: {_status_words(t.status)} ({latest})")
    buttons = [
        Button(
            f"{p.goal.area.capitalize()} chart",
            intent_payload("ask_progress", student_id=str(student.id), goal_id=str(p.goal.id)),
        )
        for p in all_progress[:4]
    ]
    return private("\n".join(lines), buttons)


# --- deadlines (staff) ---------------------------------------------------------------------


def deadlines(found: Sequence[StudentDeadline], today: date, days: int) -> Reply:
    if not found:
        return private(
            f"Nothing is due for your students in the next {days} days, and nothing is overdue."
        )
    overdue = [d for d in found if d.deadline.overdue(today)]
    upcoming = [d for d in found if not d.deadline.overdue(today)]
    lines = []
    if overdue:
        lines.append(f"**Overdue ({len(overdue)})**")
        lines += [deadline_line(d, today) for d in overdue]
    if upcoming:
        lines.append(f"**Due in the next {days} days ({len(upcoming)})**")
        lines += [deadline_line(d, today) for d in upcoming]
    return private("\n".join(lines))


def deadline_line(d: StudentDeadline, today: date) -> str:
    dl = d.deadline
    when = wording.relative_days(dl.due, today)
    note = ""
    if dl.kind is DeadlineKind.TRANSITION_PLANNING:
        note = " (the IEP written then must include transition planning)"
    due = wording.day(dl.due, today=today)
    return f"• {d.student.display_name}: {dl.kind.label}, {due} ({when}){note}"
