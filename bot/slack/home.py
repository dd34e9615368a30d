"""The App Home tab: a person's children or caseload, their meetings and deadlines.

:func:`load_home` reads the records (in a worker thread, through the data layer,
which checks access and writes the audit log); :func:`home_view` lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.slack.blocks import Block, buttons_block, context, section
from bot.slack.commands import COMMAND
from bot.slack.markdown import escape
from iep_assistant.personal.wording import day, relative_days, when
from iep_assistant.protocol import TROUBLE_TEXT, Button
from iep_assistant.records.db import Database
from iep_assistant.records.store import Rules, StudentRecords, find_person
from iep_assistant.records.types import Channel
from iep_assistant.records.views import MeetingView, StudentDeadline, StudentView

MAX_STUDENTS_LISTED = 30
HOME_BUTTONS = (Button("My meetings", "/ask_meetings"), Button("Goals", "/ask_goals"))
UNKNOWN_TEXT = (
    "I don't know your Slack account yet, so I can't show you any student's records.\n\n"
    "*To get linked:* ask your school's special education office to add your Slack "
    "account to your record. Once they have, this page shows your children (or your "
    "students) and their upcoming meetings."
)
GENERAL_TEXT = (
    "*Meanwhile, ask me anything general* about IEPs and 504 plans in the Messages tab, "
    "for example:\n"
    "• What's the difference between an IEP and a 504 plan?\n"
    "• How long does the school have to evaluate my child?\n"
    "• Can I record the IEP meeting?"
)


@dataclass(frozen=True)
class HomeData:
    known: bool
    first_name: str = ""
    staff: bool = False
    time_zone: str | None = None  # from the person's record
    students: tuple[StudentView, ...] = ()
    meetings: tuple[MeetingView, ...] = ()
    deadlines: tuple[StudentDeadline, ...] = ()


def load_home(
    database: Database, slack_user_id: str, *, now: datetime, today: date, rules: Rules
) -> HomeData:
    """What the person's Home tab shows (blocking: call through ``database.run``)."""
    with database.session() as session:
        person = find_person(session, slack_user_id)
        if person is None:
            return HomeData(known=False)
        records = StudentRecords(session, person, channel=Channel.SLACK, rules=rules)
        students = records.students()
        meetings = records.meetings(after=now, limit=10)
        staff = person.role.is_staff
        deadlines = records.deadlines(today=today, days=30) if staff else []
        return HomeData(
            known=True,
            first_name=person.name.split()[0] if person.name else "",
            staff=staff,
            time_zone=person.time_zone,
            students=tuple(students),
            meetings=tuple(meetings),
            deadlines=tuple(deadlines),
        )


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


def _student_line(student: StudentView) -> str:
    details = [f"grade {student.grade}" if student.grade else "", student.school_name]
    extra = ", ".join(escape(d) for d in details if d)
    return f"• *{escape(student.display_name)}*" + (f" ({extra})" if extra else "")


def _meeting_line(meeting: MeetingView, tz: ZoneInfo, today: date) -> str:
    local_day = meeting.starts_at.astimezone(tz).date()
    line = (
        f"• *{escape(meeting.student.display_name)}*: {escape(meeting.kind.label)}, "
        f"{when(meeting.starts_at, tz, today=today)} ({relative_days(local_day, today)})"
    )
    where = [escape(meeting.location)] if meeting.location else []
    if meeting.video_link and meeting.video_link.startswith(("https://", "http://")):
        where.append(f"<{escape(meeting.video_link)}|join by video>")
    return line + (f"\n     {' · '.join(where)}" if where else "")


def _deadline_line(item: StudentDeadline, today: date) -> str:
    deadline = item.deadline
    status = (
        f":warning: *Overdue*, was due {day(deadline.due, today=today)}"
        if deadline.overdue(today)
        else f"due {day(deadline.due, today=today)}"
    )
    return (
        f"• *{escape(item.student.display_name)}*: {escape(deadline.kind.label)}, {status} "
        f"({relative_days(deadline.due, today)}) · _{escape(deadline.kind.citation)}_"
    )


def _list_section(title: str, lines: list[str], empty: str) -> list[Block]:
    """A titled list, split into sections that stay under Block Kit's size limit."""
    if not lines:
        return [section(f"*{title}*\n{empty}")]
    blocks: list[Block] = []
    current = f"*{title}*"
    for line in lines:
        if len(current) + len(line) + 1 > 2900:
            blocks.append(section(current))
            current = ""
        current = f"{current}\n{line}" if current else line
    blocks.append(section(current))
    return blocks


def home_view(data: HomeData, *, tz: ZoneInfo, today: date) -> dict[str, Any]:
    blocks: list[Block] = [_header("IEP Assistant")]
    if not data.known:
        blocks += [section(UNKNOWN_TEXT), section(GENERAL_TEXT)]
    else:
        whose = "students" if data.staff else "children"
        blocks.append(section(f"Hi {escape(data.first_name)}. Here is what's coming up."))
        names = [_student_line(s) for s in data.students[:MAX_STUDENTS_LISTED]]
        if len(data.students) > MAX_STUDENTS_LISTED:
            names.append(f"…and {len(data.students) - MAX_STUDENTS_LISTED} more")
        blocks += _list_section(
            f"Your {whose}", names, f"No {whose} are linked to your account yet."
        )
        blocks.append({"type": "divider"})
        blocks += _list_section(
            "Upcoming meetings",
            [_meeting_line(m, tz, today) for m in data.meetings],
            "No meetings are scheduled.",
        )
        if data.staff:
            blocks.append({"type": "divider"})
            blocks += _list_section(
                "Deadlines in the next 30 days",
                [_deadline_line(d, today) for d in data.deadlines],
                "Nothing is due in the next 30 days.",
            )
        buttons = buttons_block(HOME_BUTTONS)
        if buttons is not None:
            blocks.append(buttons)
    blocks.append({"type": "divider"})
    blocks.append(
        context(
            f"Write to me in the Messages tab, or type `{COMMAND} help`. "
            f"Times are shown in your time zone ({escape(tz.key)})."
        )
    )
    return {"type": "home", "blocks": blocks[:100]}


def trouble_view() -> dict[str, Any]:
    return {"type": "home", "blocks": [_header("IEP Assistant"), section(escape(TROUBLE_TEXT))]}
