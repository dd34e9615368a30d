"""Dates and times in plain words, in the reader's time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str | None, default: str = "America/Chicago") -> ZoneInfo:
    """The reader's zone; an unknown or empty name falls back to the district's."""
    try:
        return ZoneInfo(name) if name else ZoneInfo(default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def clock(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    minute = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minute} {'am' if moment.hour < 12 else 'pm'}"


def when(moment: datetime, tz: ZoneInfo, *, today: date | None = None) -> str:
    """'Tuesday, March 3 at 2:30 pm' (with the year when it is not this year)."""
    local = moment.astimezone(tz)
    today = today or datetime.now(tz).date()
    return f"{day(local.date(), today=today)} at {clock(local)}"


def day(value: date, *, today: date | None = None) -> str:
    """'Tuesday, March 3', or 'Tuesday, March 3, 2027' outside the current year."""
    today = today or date.today()
    text = f"{value:%A}, {value:%B} {value.day}"
    return text if value.year == today.year else f"{text}, {value.year}"


def relative_days(value: date, today: date) -> str:
    """'today', 'tomorrow', 'in 12 days', '3 days ago' (overdue)."""
    delta = (value - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    return f"in {delta} days" if delta > 0 else f"{-delta} days ago"


@dataclass(frozen=True)
class Window:
    """A span of days a question asks about ("this week"): ``days`` days from ``first``."""

    first: date
    days: int
    words: str  # how to say it: "this week"


_NEXT_N = re.compile(r"\bnext (\d{1,3}) days\b", re.I)


def window(text: str, today: date) -> Window | None:
    """The span named in a question, or None. Weeks run Monday to Sunday."""
    lowered = text.lower()
    monday = today - timedelta(days=today.weekday())
    if m := _NEXT_N.search(lowered):
        return Window(today, int(m.group(1)) + 1, f"in the next {m.group(1)} days")
    if "today" in lowered:
        return Window(today, 1, "today")
    if "tomorrow" in lowered:
        return Window(today + timedelta(days=1), 1, "tomorrow")
    if "next week" in lowered:
        return Window(monday + timedelta(days=7), 7, "next week")
    if "this week" in lowered:
        # At the weekend "this week" means the one about to start.
        end = monday + timedelta(days=14 if today.weekday() >= 5 else 7)
        return Window(today, (end - today).days, "this week")
    first_of_month = today.replace(day=1)
    next_month = (first_of_month + timedelta(days=32)).replace(day=1)
    if "next month" in lowered:
        after = (next_month + timedelta(days=32)).replace(day=1)
        return Window(next_month, (after - next_month).days, "next month")
    if "this month" in lowered:
        return Window(today, (next_month - today).days, "this month")
    return None


def start_of(day: date, tz: ZoneInfo) -> datetime:
    """Midnight at the start of ``day`` in ``tz``."""
    return datetime.combine(day, time(0), tzinfo=tz)


def zone_label(moment: datetime, tz: ZoneInfo) -> str:
    """'CST', 'EDT' ...; the zone's name where it has no abbreviation."""
    abbreviation = moment.astimezone(tz).tzname() or ""
    return abbreviation if abbreviation.isalpha() else tz.key
