"""What each notification says, in the reader's time zone (plain functions)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from iep_assistant.personal import answers, wording
from iep_assistant.records.notifications import Outgoing
from iep_assistant.records.types import NotificationKind
from iep_assistant.records.views import MeetingView, StudentDeadline

LATE_AFTER = timedelta(minutes=15)


def _meeting_words(meeting: MeetingView, tz: ZoneInfo, today: date) -> str:
    when = wording.when(meeting.starts_at, tz, today=today)
    label = wording.zone_label(meeting.starts_at, tz)
    place = answers.meeting_place(meeting)
    return f"{meeting.student.display_name}'s {meeting.kind.label} on {when} {label}{place}"


def late_note(note: Outgoing, now: datetime, tz: ZoneInfo) -> str:
    """Said when a message goes out well after its time because we were down."""
    if now - note.due_at <= LATE_AFTER or note.created_at > note.due_at:
        return ""
    due = wording.when(note.due_at, tz, today=now.astimezone(tz).date())
    return f"\n(This was due {due}; I'm sending it late because I was offline.)"


def text(note: Outgoing, now: datetime, deadlines: Sequence[StudentDeadline] = ()) -> str:
    tz = wording.zone(note.time_zone)
    today = now.astimezone(tz).date()
    meeting = note.meeting
    body = ""
    if note.kind is NotificationKind.DIGEST:
        body = digest(deadlines, today)
    elif meeting is None:
        return ""  # nothing the reader may still see
    elif note.kind is NotificationKind.REMINDER:
        lead = f" (you asked to be reminded {note.lead.describe()})" if note.lead else ""
        body = (
            f"Reminder: {_meeting_words(meeting, tz, today)}, "
            f"{wording.relative_days(meeting.starts_at.astimezone(tz).date(), today)}.{lead}"
        )
    elif note.kind is NotificationKind.MEETING_NOTICE:
        body = (
            f"Coming up: you're invited to {_meeting_words(meeting, tz, today)}, "
            f"{wording.relative_days(meeting.starts_at.astimezone(tz).date(), today)}."
        )
    elif note.kind is NotificationKind.MEETING_MOVED:
        was = ""
        if note.detail:
            old = datetime.fromisoformat(note.detail)
            was = f" It was {wording.when(old, tz, today=today)}."
        body = (
            f"Meeting moved: {_meeting_words(meeting, tz, today)} is the new time.{was} "
            "Any reminders you set for it now follow the new time."
        )
    elif note.kind is NotificationKind.MEETING_CANCELLED:
        body = (
            f"Meeting cancelled: {_meeting_words(meeting, tz, today)} will not take place. "
            "Your reminders for it are cancelled too."
        )
    return body + late_note(note, now, tz)


def digest(found: Sequence[StudentDeadline], today: date) -> str:
    """The weekly digest: overdue first, then the next 30 days, then days 31 to 60."""
    if not found:
        return "Your weekly deadlines: nothing is overdue or due in the next 60 days."
    overdue = [d for d in found if d.deadline.overdue(today)]
    soon = [d for d in found if 0 <= d.deadline.days_left(today) <= 30]
    later = [d for d in found if 30 < d.deadline.days_left(today) <= 60]
    lines = ["Your weekly deadlines:"]
    for title, group in (
        (f"Overdue ({len(overdue)})", overdue),
        (f"Next 30 days ({len(soon)})", soon),
        (f"In 31 to 60 days ({len(later)})", later),
    ):
        if group:
            lines.append(f"**{title}**")
            lines += [answers.deadline_line(d, today) for d in group]
    return "\n".join(lines)
