"""What a reminder request asks for, read from the person's words.

"remind me 2 days before Maya's IEP meeting", "remind me the day before each of my
meetings at 8am", "remind me the morning of Leo's review", "remind me next Tuesday at
3:30 about Maya's meeting". Times of day and dates are read by the maintained
`dateparser` library (no Duckling server here); the lead before a meeting ("2 days
before") is read here, since it is not a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from iep_assistant.reminders.timing import Lead, local

_COUNT = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "ten": 10, "fifteen": 15, "thirty": 30, "forty-five": 45,
}  # fmt: skip
_LEAD = re.compile(
    r"\b(?P<n>\d{1,3}|an?|one|two|three|four|five|six|seven|ten|fifteen|thirty|forty-five)\s+"
    r"(?P<unit>minute|min|hour|hr|day|week)s?\s+(?:before|ahead|earlier|prior)\b",
    re.I,
)
_DAY_BEFORE = re.compile(r"\b(?:the\s+)?day\s+before\b|\bthe\s+night\s+before\b", re.I)
_SAME_DAY = re.compile(
    r"\b(?:the\s+)?(?:morning|day)\s+of\b|\bthat\s+morning\b|\bon\s+the\s+day\b", re.I
)
_EVENING_BEFORE = re.compile(r"\b(?:the\s+)?(?:evening|night)\s+before\b", re.I)
_TIME = re.compile(
    r"\bat\s+(?P<t>noon|midnight|\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)?)(?![\w/:-])",
    re.I,
)
_ALL = re.compile(
    r"\b(each|every|all)\s+(?:of\s+)?(?:my\s+)?(?:\w+\s+)?meetings?\b|\bmy\s+meetings\b", re.I
)
_ABSOLUTE = re.compile(
    r"\b(?:on\s+)?(?:next\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"tomorrow|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}"
    r"(?:st|nd|rd|th)?|\d{1,2}/\d{1,2}(?:/\d{2,4})?)\b",
    re.I,
)
MORNING = time(8, 0)
EVENING = time(18, 0)


@dataclass(frozen=True)
class ReminderRequest:
    every_meeting: bool  # a standing rule for all of the person's meetings
    lead: Lead | None = None  # relative to the meeting
    moment: datetime | None = None  # or a date and time the person named (aware, UTC)

    @property
    def understood(self) -> bool:
        return self.lead is not None or self.moment is not None


def _time_of_day(text: str) -> time | None:
    import dateparser

    match = _TIME.search(text)
    if not match:
        return None
    raw = match.group("t").lower().replace(".", "")
    if raw == "noon":
        return time(12)
    if raw == "midnight":
        return time(0)
    if raw.isdigit():
        raw += ":00"  # a bare "3" would be read as a day of the month
    parsed = dateparser.parse(raw, settings={"PREFER_DATES_FROM": "future"})
    if parsed is None:
        return None
    hour = parsed.hour
    if not re.search(r"[ap]m", raw) and 1 <= hour <= 6:
        hour += 12  # "at 3" means 3 pm for a school meeting reminder
    return time(hour, parsed.minute)


def _absolute(text: str, today: date, tz: ZoneInfo, at: time | None) -> datetime | None:
    import dateparser

    match = _ABSOLUTE.search(text)
    if not match:
        return None
    phrase = re.sub(r"^on\s+", "", match.group(0), flags=re.I)
    base = datetime.combine(today, time(12))
    parsed = dateparser.parse(
        phrase,
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future", "DATE_ORDER": "MDY"},
    )
    if parsed is None:
        return None
    return local(datetime.combine(parsed.date(), at or MORNING), tz)


def parse(text: str, today: date, tz: ZoneInfo) -> ReminderRequest:
    """Read a reminder request; ``understood`` is False when no time could be read."""
    every = bool(_ALL.search(text))
    at = _time_of_day(text)
    if m := _LEAD.search(text):
        n_raw, unit = m.group("n").lower(), m.group("unit").lower()
        n = int(n_raw) if n_raw.isdigit() else _COUNT[n_raw]
        if unit in ("minute", "min"):
            return ReminderRequest(every, Lead(minutes=n))
        if unit in ("hour", "hr"):
            return ReminderRequest(every, Lead(hours=n))
        days = n * 7 if unit == "week" else n
        return ReminderRequest(every, Lead(days=days, at=at))
    if _EVENING_BEFORE.search(text):
        return ReminderRequest(every, Lead(days=1, at=at or EVENING))
    if _DAY_BEFORE.search(text):
        return ReminderRequest(every, Lead(days=1, at=at))
    if _SAME_DAY.search(text):
        return ReminderRequest(every, Lead(days=0, at=at or MORNING))
    moment = _absolute(text, today, tz, at)
    if moment is not None:
        return ReminderRequest(every, moment=moment)
    return ReminderRequest(every)
