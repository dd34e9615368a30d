"""Reading a progress measurement out of a teacher's sentence.

"Leo read 48 words per minute today", "7 out of 10 for Maya's math goal yesterday",
"85% on spelling on Monday". The number is the measurement (a fraction is turned
into a percent when the goal is measured in percent); the date comes from the
maintained `dateparser` library, defaulting to today.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

_FRACTION = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:/|out of|of)\s*(\d+(?:\.\d+)?)\b", re.I)
# A number that is not an ordinal ("4th grade") or part of a word.
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?!st\b|nd\b|rd\b|th\b)\s*(%|percent\b)?", re.I)
# Words that name a day, for dateparser's search; a bare number is never a date here.
_DAY_WORDS = re.compile(
    r"\b(today|yesterday|this morning|this afternoon|last \w+day|on \w+day|\w+day|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?|"
    # "on 11/20" or "11/20/2026"; a bare "7/10" is a score, not July 10.
    r"on \d{1,2}/\d{1,2}(?:/\d{2,4})?|\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2})\b",
    re.I,
)


@dataclass(frozen=True)
class Measurement:
    value: Decimal
    on: date
    percent: bool = False  # the teacher wrote a percent or a fraction


def _is_percent_unit(unit: str) -> bool:
    unit = unit.lower()
    return "percent" in unit or "%" in unit or "accuracy" in unit


def measured_on(text: str, today: date, tz: ZoneInfo) -> date | None:
    """The day named in ``text`` (never in the future), or None when none is named."""
    import dateparser

    match = _DAY_WORDS.search(text)
    if not match:
        return None
    phrase = match.group(0)
    if phrase.lower().startswith("on "):
        phrase = phrase[3:]
    if phrase.lower() == f"{today:%A}".lower():
        return today  # "on Monday", said on a Monday, is today
    base = datetime.combine(today, time(12), tzinfo=tz)
    parsed = dateparser.parse(
        phrase,
        settings={
            "RELATIVE_BASE": base.replace(tzinfo=None),
            "PREFER_DATES_FROM": "past",
            "DATE_ORDER": "MDY",
        },
    )
    if parsed is None:
        return None
    day = parsed.date()
    return day if day <= today else None


def parse(text: str, unit: str, today: date, tz: ZoneInfo) -> Measurement | None:
    """The measurement in ``text`` for a goal measured in ``unit``, or None if no number."""
    day = measured_on(text, today, tz) or today
    without_dates = _DAY_WORDS.sub(" ", text)
    fraction = _FRACTION.search(without_dates)
    try:
        if fraction:
            top, bottom = Decimal(fraction.group(1)), Decimal(fraction.group(2))
            if bottom == 0:
                return None
            if _is_percent_unit(unit):
                return Measurement((top / bottom * 100).quantize(Decimal("0.1")), day, True)
            return Measurement(top, day)
        number = _NUMBER.search(without_dates)
        if not number:
            return None
        return Measurement(Decimal(number.group(1)), day, bool(number.group(2)))
    except InvalidOperation:
        return None
