"""When reminders fall due, read from words, in the person's zone, across DST changes."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from iep_assistant.reminders.requests import parse
from iep_assistant.reminders.timing import Lead, due_at, lead_for, local

CHICAGO = ZoneInfo("America/Chicago")
NEW_YORK = ZoneInfo("America/New_York")
TODAY = date(2026, 11, 30)  # a Monday


def at(y, m, d, hh, mm=0, tz=CHICAGO) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=tz).astimezone(UTC)


@pytest.mark.parametrize(
    ("words", "lead", "every"),
    [
        ("remind me 2 days before Maya's IEP meeting", Lead(days=2), False),
        ("remind me the day before each of my meetings at 8am", Lead(days=1, at=time(8)), True),
        ("remind me a week before", Lead(days=7), False),
        ("remind me an hour before Leo's review", Lead(hours=1), False),
        ("remind me 30 minutes before", Lead(minutes=30), False),
        ("remind me the morning of the meeting", Lead(days=0, at=time(8)), False),
        ("remind me the night before all my meetings", Lead(days=1, at=time(18)), True),
        ("two days ahead at 7:30 am please", Lead(days=2, at=time(7, 30)), False),
        ("remind me 3 days before at 3", Lead(days=3, at=time(15)), False),
    ],
)
def test_lead_from_words(words, lead, every):
    found = parse(words, TODAY, CHICAGO)
    assert (found.lead, found.every_meeting) == (lead, every)


def test_a_named_date_and_time_is_read_by_dateparser():
    found = parse("remind me next Tuesday at 3:30 pm about Maya's meeting", TODAY, CHICAGO)
    assert found.moment == at(2026, 12, 1, 15, 30)
    found = parse("remind me on March 3 at 2:30 pm", TODAY, CHICAGO)
    assert found.moment == at(2027, 3, 3, 14, 30)


def test_no_time_in_the_words_is_not_understood():
    assert not parse("remind me about Maya's meeting", TODAY, CHICAGO).understood


def test_days_before_keep_the_wall_clock_across_the_spring_change():
    # Meeting Monday 2027-03-15 at 9:00 CDT; two days before is Saturday 9:00 CST:
    # 48 hours would have been 8:00 CST.
    meeting = at(2027, 3, 15, 9)
    due = due_at(meeting, Lead(days=2), CHICAGO)
    assert due.astimezone(CHICAGO).replace(tzinfo=None) == datetime(2027, 3, 13, 9, 0)
    assert meeting - due == timedelta(hours=47)


def test_the_day_before_at_8am_across_the_autumn_change():
    meeting = at(2026, 11, 2, 14, 30)  # Monday after the change back to CST
    due = due_at(meeting, Lead(days=1, at=time(8)), CHICAGO)
    assert due == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)  # 8:00 CST is 14:00 UTC


def test_hours_before_are_exact_hours():
    meeting = at(2027, 3, 14, 10)  # the spring-forward day
    assert due_at(meeting, Lead(hours=12), CHICAGO) == meeting - timedelta(hours=12)


def test_the_persons_own_time_zone_decides_the_day_and_the_hour():
    meeting = at(2026, 12, 8, 0, 30, tz=NEW_YORK)  # 11:30 pm the day before in Chicago
    in_new_york = due_at(meeting, Lead(days=1, at=time(8)), NEW_YORK)
    in_chicago = due_at(meeting, Lead(days=1, at=time(8)), CHICAGO)
    assert in_new_york.astimezone(NEW_YORK).date() == date(2026, 12, 7)
    assert in_chicago.astimezone(CHICAGO).date() == date(2026, 12, 6)


def test_a_time_skipped_by_spring_forward_moves_past_the_gap():
    wall = datetime(2027, 3, 14, 2, 30)  # does not exist in Chicago
    assert local(wall, CHICAGO).astimezone(CHICAGO).hour == 3


def test_a_named_moment_becomes_a_lead_that_follows_the_meeting():
    meeting = at(2026, 12, 8, 14, 30)
    lead = lead_for(at(2026, 12, 7, 15, 30), meeting, CHICAGO)
    assert lead == Lead(days=1, at=time(15, 30))
    moved = meeting + timedelta(days=7)
    assert due_at(moved, lead, CHICAGO) == at(2026, 12, 14, 15, 30)


@pytest.mark.parametrize(
    ("lead", "words"),
    [
        (Lead(days=2), "2 days before"),
        (Lead(days=1, at=time(8)), "the day before at 8 am"),
        (Lead(days=7), "a week before"),
        (Lead(hours=1), "an hour before"),
        (Lead(days=0, at=time(8, 30)), "on the day at 8:30 am"),
    ],
)
def test_leads_in_words(lead, words):
    assert lead.describe() == words
