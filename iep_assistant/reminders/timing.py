"""When a reminder is due: a lead before a meeting, in the reader's own time zone.

"2 days before" keeps the meeting's wall-clock time two calendar days earlier, so a
daylight-saving change in between does not shift it by an hour; "the day before at
8am" is 8 am on that day where the person lives; "an hour before" is exactly that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Lead:
    """How long before a meeting: calendar days (optionally at a time of day), or hours."""

    days: int = 0
    hours: int = 0
    minutes: int = 0
    at: time | None = None  # a local time of day on that day

    def describe(self) -> str:
        """'2 days before', 'the day before at 8 am', 'an hour before', 'the morning of'."""
        if self.hours or self.minutes:
            parts = []
            if self.hours:
                parts.append("an hour" if self.hours == 1 else f"{self.hours} hours")
            if self.minutes:
                parts.append(f"{self.minutes} minutes")
            return " and ".join(parts) + " before"
        if self.days == 0:
            head = "on the day"
        elif self.days == 1:
            head = "the day before"
        elif self.days % 7 == 0:
            weeks = self.days // 7
            head = "a week before" if weeks == 1 else f"{weeks} weeks before"
        else:
            head = f"{self.days} days before"
        return f"{head} at {clock(self.at)}" if self.at else head


def clock(moment: time) -> str:
    hour = moment.hour % 12 or 12
    minute = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minute} {'am' if moment.hour < 12 else 'pm'}"


def local(day_and_time: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time in ``tz`` as a UTC moment. A time skipped by the spring change
    lands after the gap (2:30 becomes 3:30), as a wall clock would; a repeated autumn
    time means its first occurrence (PEP 495's fold=0 gives both)."""
    return day_and_time.replace(tzinfo=tz, fold=0).astimezone(UTC)


def due_at(meeting_start: datetime, lead: Lead, tz: ZoneInfo) -> datetime:
    """The UTC moment a reminder with ``lead`` is due for a meeting at ``meeting_start``."""
    if lead.hours or lead.minutes:
        return meeting_start - timedelta(hours=lead.hours, minutes=lead.minutes)
    meeting_local = meeting_start.astimezone(tz)
    day = meeting_local.date() - timedelta(days=lead.days)
    wall = lead.at or meeting_local.time().replace(tzinfo=None)
    return local(datetime.combine(day, wall), tz)


def lead_for(moment: datetime, meeting_start: datetime, tz: ZoneInfo) -> Lead:
    """The lead that puts a reminder at ``moment`` (a date and time the person named):
    calendar days before the meeting, at that local time, so it follows a moved meeting."""
    when = moment.astimezone(tz)
    days = (meeting_start.astimezone(tz).date() - when.date()).days
    return Lead(days=max(days, 0), at=when.time().replace(second=0, microsecond=0, tzinfo=None))


def late_by(due: datetime, now: datetime) -> timedelta:
    return max(now - due, timedelta(0))
