"""Field parsers: one cell's text (stripped, never empty) to a value, or a FieldError.

Plain functions, so each rule of the export format is stated once and tested alone.
"""

from __future__ import annotations

import enum
import functools
import re
import zoneinfo
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

Parser = Callable[[str], Any]

# Scores are stored as Numeric(12, 3): nine digits before the point, three after.
SCORE_PLACES = Decimal("0.001")
SCORE_LIMIT = Decimal("1e9")
# PostgreSQL's INTEGER; a bigger count is a typo in any case.
INTEGER_LIMIT = 2**31 - 1

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LOCAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_WHOLE = re.compile(r"\d+")
_SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,31}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class FieldError(ValueError):
    """A cell's text is not a valid value; the message says why, plainly."""


def text(max_length: int | None) -> Parser:
    """Free text that must fit its database column."""

    def parse(value: str) -> str:
        if max_length is not None and len(value) > max_length:
            raise FieldError(f"is {len(value)} characters long; at most {max_length} fit")
        return value

    return parse


def district_id(value: str) -> str:
    """A district's own id for a record (``external_id``, String(64))."""
    if len(value) > 64:
        raise FieldError(f"'{value[:20]}...' is {len(value)} characters long; an id has at most 64")
    if ";" in value:
        # ';' separates the ids in meetings.csv's invitee_ids.
        raise FieldError(f"'{value}' contains ';', which an id may not (it separates invitee ids)")
    return value


def district_ids(value: str) -> tuple[str, ...]:
    """Ids separated by ';' (a meeting's invitees); repeats are dropped."""
    ids = [part.strip() for part in value.split(";")]
    ids = [part for part in ids if part]
    for one in ids:
        if len(one) > 64:
            raise FieldError(f"'{one[:20]}...' is {len(one)} characters long; an id has at most 64")
    return tuple(dict.fromkeys(ids))


def iso_date(value: str) -> date:
    """A date written YYYY-MM-DD (nothing looser: 3/4/2026 is a different day in Europe)."""
    if not _DATE.fullmatch(value):
        raise FieldError(f"'{value}' is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FieldError(f"'{value}' is not a date (YYYY-MM-DD)") from None


def local_time(value: str) -> datetime:
    """A wall-clock time YYYY-MM-DD HH:MM (24-hour), not yet placed in a time zone."""
    if _LOCAL_TIME.fullmatch(value):
        try:
            return datetime.strptime(value, "%Y-%m-%d %H:%M")
        except ValueError:
            pass
    raise FieldError(f"'{value}' is not a time (YYYY-MM-DD HH:MM, 24-hour)")


def score(value: str) -> Decimal:
    """A decimal measurement such as 48 or 72.5 (the unit is the goal's)."""
    if not _NUMBER.fullmatch(value):
        hint = " (use a point for decimals, e.g. 72.5)" if "," in value else " (e.g. 48 or 72.5)"
        raise FieldError(f"'{value}' is not a number{hint}")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise FieldError(f"'{value}' is not a number (e.g. 48 or 72.5)") from None
    if number.quantize(SCORE_PLACES) != number:
        raise FieldError(f"'{value}' has more than 3 decimal places")
    if abs(number) >= SCORE_LIMIT:
        raise FieldError(f"'{value}' is too large (at most 9 digits before the point)")
    return number.quantize(SCORE_PLACES)


def whole_number(minimum: int) -> Parser:
    """A whole number of at least ``minimum`` (minutes, weeks)."""

    def parse(value: str) -> int:
        if not _WHOLE.fullmatch(value):
            raise FieldError(f"'{value}' is not a whole number")
        number = int(value)
        if number < minimum:
            raise FieldError(f"'{value}' is less than {minimum}")
        if number > INTEGER_LIMIT:
            raise FieldError(f"'{value}' is too large")
        return number

    return parse


def choice(kind: type[enum.Enum]) -> Parser:
    """One of an enum's values, exactly as the format lists them."""
    values = [member.value for member in kind]

    def parse(value: str) -> enum.Enum:
        try:
            return kind(value)
        except ValueError:
            pass
        near = [v for v in values if v.lower() == value.lower()]
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        raise FieldError(f"'{value}' is not one of {', '.join(values)}{hint}")

    return parse


@functools.cache
def _zone_names() -> frozenset[str]:
    # "localtime" is this machine's zone, not an IANA name a district could mean.
    return frozenset(zoneinfo.available_timezones() - {"localtime"})


def time_zone(value: str) -> str:
    """An IANA time zone name such as America/Chicago."""
    if value not in _zone_names():
        near = [name for name in _zone_names() if name.lower() == value.lower()]
        hint = f" (did you mean '{near[0]}'?)" if near else " (e.g. America/Chicago)"
        raise FieldError(f"'{value}' is not an IANA time zone{hint}")
    return value


def slack_user_id(value: str) -> str:
    """A Slack member id (U012AB3CD), not a display name or handle."""
    if not _SLACK_USER.fullmatch(value):
        raise FieldError(
            f"'{value}' is not a Slack user id (a U or W then capital letters and digits, "
            "e.g. U012AB3CD)"
        )
    return value


def email(value: str) -> str:
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise FieldError(f"'{value}' is not an email address")
    return value


def place_in_zone(wall_time: datetime, zone_name: str) -> datetime:
    """A local wall-clock time in ``zone_name`` as an aware UTC datetime.

    In the autumn overlap (a time that happens twice) the first occurrence is meant;
    a time in the spring gap never happens, so it is an error rather than a guess.
    """
    zone = zoneinfo.ZoneInfo(zone_name)
    moment = wall_time.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != wall_time:
        raise FieldError(
            f"'{wall_time:%Y-%m-%d %H:%M}' does not exist in {zone_name}: the clocks skip it "
            "when daylight saving time starts"
        )
    return moment
