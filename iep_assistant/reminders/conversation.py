"""Reminders in conversation: set one, list them, cancel one (no Rasa here).

The handlers take the person's view of the records and a
:class:`~iep_assistant.personal.lookups.Question`, like the other personal answers.
"""

from __future__ import annotations

import re
from datetime import datetime

from iep_assistant.personal import answers, wording
from iep_assistant.personal.lookups import Answer, Question, pick
from iep_assistant.protocol import Button, Reply, intent_payload
from iep_assistant.records import notifications as store
from iep_assistant.records.store import StudentRecords
from iep_assistant.records.views import MeetingView
from iep_assistant.reminders import requests
from iep_assistant.reminders.timing import Lead, due_at, lead_for

NEXT_MEETING = re.compile(r"\b(my|our)\s+next\s+(\w+\s+)?meeting\b", re.I)
EXAMPLES = '"2 days before Maya\'s meeting" or "the day before each of my meetings at 8am"'


def _when(moment: datetime, q: Question) -> str:
    return f"{wording.when(moment, q.tz, today=q.today)} {wording.zone_label(moment, q.tz)}"


def _meeting_words(meeting: MeetingView, q: Question) -> str:
    return f"{meeting.student.display_name}'s {meeting.kind.label} ({_when(meeting.starts_at, q)})"


def set_reminder(records: StudentRecords, q: Question) -> Answer:
    wanted = requests.parse(q.text, q.today, q.tz) if q.text else None
    if wanted is None or not wanted.understood:
        return Answer(
            Reply(f"When should I remind you? For example: {EXAMPLES}."),
            progress_text=None,
        )
    if wanted.every_meeting:
        assert wanted.lead is not None or wanted.moment is not None
        lead = wanted.lead or Lead(days=1, at=wanted.moment.astimezone(q.tz).time())
        rule = store.create_rule(records, lead=lead, time_zone=q.tz.key, now=q.now)
        upcoming = records.meetings(after=q.now, limit=1)
        text = f"Okay: I'll remind you {lead.describe()} each of your meetings."
        if upcoming:
            first = upcoming[0]
            text += (
                f" The next one: {_meeting_words(first, q)}, so on "
                f"{_when(due_at(first.starts_at, lead, q.tz), q)}."
            )
        text += " I'll send reminders here in Slack."
        return Answer(answers.private(text), last_reminder=rule.id)
    # "my next meeting" may be anyone's; "the IEP meeting" needs a student.
    student, asked = pick(records, q, all_allowed=bool(NEXT_MEETING.search(q.text)))
    if asked:
        return asked
    found = records.meetings(after=q.now, student_ids=[student.id] if student else None, limit=1)
    if not found:
        whose = student.first_name if student else "your students"
        return Answer(
            answers.private(
                f"There's no meeting scheduled for {whose}, so nothing to remind you of yet."
            ),
            remember=student.id if student else None,
        )
    meeting = found[0]
    lead = wanted.lead or lead_for(wanted.moment, meeting.starts_at, q.tz)
    when = due_at(meeting.starts_at, lead, q.tz)
    if when <= q.now:
        return Answer(
            answers.private(
                f"That time has already passed: {_meeting_words(meeting, q)} is "
                f"{wording.relative_days(meeting.starts_at.astimezone(q.tz).date(), q.today)}."
            ),
            remember=meeting.student.id,
        )
    if when >= meeting.starts_at:
        return Answer(
            answers.private("That's after the meeting starts. When before it should I remind you?")
        )
    rule = store.create_rule(
        records, lead=lead, time_zone=q.tz.key, now=q.now, meeting_id=meeting.id
    )
    return Answer(
        answers.private(
            f"Okay: I'll remind you {lead.describe()} {_meeting_words(meeting, q)}, "
            f"on {_when(when, q)}. If the meeting moves, the reminder moves with it."
        ),
        remember=meeting.student.id,
        last_reminder=rule.id,
    )


def _describe(rule: store.RuleView, q: Question) -> str:
    if rule.meeting is None:
        what = f"{rule.lead.describe()} each of your meetings"
    else:
        what = f"{rule.lead.describe()} {_meeting_words(rule.meeting, q)}"
    if rule.next_due is not None:
        what += f"; next on {_when(rule.next_due, q)}"
    return what


def list_reminders(records: StudentRecords, q: Question) -> Answer:
    rules = store.active_rules(records, q.now)
    if not rules:
        return Answer(Reply(f"You have no reminders. You can ask for one, for example {EXAMPLES}."))
    lines = ["Your reminders:"] + [f"{n}. {_describe(r, q)}" for n, r in enumerate(rules, 1)]
    buttons = [
        Button(f"Cancel reminder {n}", intent_payload("cancel_reminder", reminder_id=str(r.id)))
        for n, r in enumerate(rules[:5], 1)
    ]
    return Answer(answers.private("\n".join(lines), buttons))


def cancel_reminder(records: StudentRecords, q: Question) -> Answer:
    rules = store.active_rules(records, q.now)
    chosen = q.reminder_id if q.reminder_id is not None else q.last_reminder
    if chosen is None and len(rules) == 1:
        chosen = rules[0].id
    if chosen is None:
        if not rules:
            return Answer(Reply("You have no reminders to cancel."))
        return list_reminders(records, q)
    described = next((_describe(r, q) for r in rules if r.id == chosen), None)
    if not store.cancel_rule(records, chosen, q.now) or described is None:
        return Answer(Reply("I couldn't find that reminder; it may have been cancelled already."))
    return Answer(answers.private(f"Cancelled your reminder {described}."), last_reminder=None)


HANDLERS = {
    "set_reminder": set_reminder,
    "list_reminders": list_reminders,
    "cancel_reminder": cancel_reminder,
}
