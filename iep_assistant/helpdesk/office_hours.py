"""Office hours, and when a person can expect a reply.

Written as in .env: ``Mon-Fri 08:00-16:00`` (days, then hours, local to the district).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from iep_assistant.personal import wording

_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_SPEC = re.compile(
    r"^\s*(?P<d1>[a-z]{3})[a-z]*\s*(?:-\s*(?P<d2>[a-z]{3})[a-z]*)?\s+"
    r"(?P<h1>\d{1,2}):(?P<m1>\d{2})\s*-\s*(?P<h2>\d{1,2}):(?P<m2>\d{2})\s*$",
    re.I,
)


class OfficeHoursError(ValueError):
    pass


@dataclass(frozen=True)
class OfficeHours:
    days: frozenset[int]  # 0 = Monday
    opens: time
    closes: time

    def is_open(self, moment: datetime, tz: ZoneInfo) -> bool:
        local = moment.astimezone(tz)
        return local.weekday() in self.days and self.opens <= local.time() < self.closes

    def next_opening(self, moment: datetime, tz: ZoneInfo) -> datetime:
        """The next time the office opens after ``moment`` (aware, in ``tz``)."""
        local = moment.astimezone(tz)
        for ahead in range(8):
            day = local.date() + timedelta(days=ahead)
            opening = datetime.combine(day, self.opens, tzinfo=tz)
            if day.weekday() in self.days and opening > local:
                return opening
        raise OfficeHoursError("office hours name no day")  # pragma: no cover

    def describe(self) -> str:
        days = sorted(self.days)
        names = [_DAYS[d].capitalize() for d in days]
        span = (
            f"{names[0]}–{names[-1]}"
            if days == list(range(days[0], days[-1] + 1))
            else ", ".join(names)
        )
        return f"{span}, {_clock(self.opens)}–{_clock(self.closes)}"


def _clock(moment: time) -> str:
    return wording.clock(datetime.combine(datetime.min.date(), moment))


def parse(spec: str) -> OfficeHours:
    match = _SPEC.match(spec or "")
    if not match:
        raise OfficeHoursError(f"office hours must look like 'Mon-Fri 08:00-16:00', got {spec!r}")
    first = _DAYS.index(match["d1"].lower()) if match["d1"].lower() in _DAYS else -1
    last = (
        _DAYS.index(match["d2"].lower()) if match["d2"] and match["d2"].lower() in _DAYS else first
    )
    if first < 0 or last < 0:
        raise OfficeHoursError(f"unknown day in office hours {spec!r}")
    days = frozenset((first + n) % 7 for n in range((last - first) % 7 + 1))
    opens = time(int(match["h1"]), int(match["m1"]))
    closes = time(int(match["h2"]), int(match["m2"]))
    if closes <= opens:
        raise OfficeHoursError(f"office hours must close after they open: {spec!r}")
    return OfficeHours(days, opens, closes)


def expectation(hours: OfficeHours, now: datetime, tz: ZoneInfo) -> str:
    """What to tell the person about when a reply will come."""
    if hours.is_open(now, tz):
        return f"The office is open now ({hours.describe()}), so expect a reply soon."
    opening = hours.next_opening(now, tz)
    when = wording.when(opening, tz, today=now.astimezone(tz).date())
    return (
        f"The office is closed now (open {hours.describe()}), so expect a reply after "
        f"it opens, {when}."
    )


parse_office_hours = parse  # the name config.py uses, clearer out of context
