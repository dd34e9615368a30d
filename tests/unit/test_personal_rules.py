"""The plain rules behind personal answers: names, progress trends, wording."""

from datetime import UTC, date, datetime

import pytest

from iep_assistant.personal import names, progress, wording
from iep_assistant.personal.progress import Point, Status

MAYA = names.Candidate("s1", "Maya", "Lopez")
MATEO = names.Candidate("s2", "Mateo", "Lopez", nickname="Teo")
MAY = names.Candidate("s3", "May", "Chen")
ZOE = names.Candidate("s4", "Zoë", "Park")
CLASS = [MAYA, MATEO, MAY, ZOE]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Maya", [MAYA]),
        ("maya's", [MAYA]),
        ("teo", [MATEO]),
        ("Mat", [MATEO]),
        ("zoe", [ZOE]),
        ("Lopez", [MAYA, MATEO]),
        ("Maya Lopez", [MAYA]),
        ("Ma", []),  # too short to guess from
        ("Oliver", []),  # not among those the person may see
    ],
)
def test_names_resolve_only_among_visible_students(query, expected):
    assert names.match(query, CLASS) == expected


def test_everyday_words_are_not_names_unless_capitalised():
    assert names.mentioned("may I see the goals?", CLASS) == []
    assert names.mentioned("how is May doing", CLASS) == [MAY]
    assert names.mentioned("how is maya doing", CLASS) == [MAYA]


def test_progress_on_track_behind_and_met():
    start, end = date(2026, 9, 1), date(2027, 6, 1)
    mid = date(2027, 1, 15)
    line = progress.expected(40, 90, start, end, mid)
    assert 60 < line < 70
    assert progress.trend(40, 90, start, end, [Point(mid, line + 1)]).status is Status.ON_TRACK
    assert progress.trend(40, 90, start, end, [Point(mid, line - 10)]).status is Status.BEHIND
    assert progress.trend(40, 90, start, end, [Point(mid, 95)]).status is Status.MET
    assert progress.trend(40, 90, start, end, []).status is Status.NO_DATA


def test_progress_works_for_goals_that_go_down():
    start, end = date(2026, 9, 1), date(2027, 6, 1)
    mid = date(2027, 1, 15)
    # fewer incidents is progress: 10 a week down to 2
    assert progress.trend(10, 2, start, end, [Point(mid, 5)]).status is Status.ON_TRACK
    assert progress.trend(10, 2, start, end, [Point(mid, 9)]).status is Status.BEHIND


def test_latest_point_counts_whatever_the_order():
    start, end = date(2026, 9, 1), date(2027, 6, 1)
    points = [Point(date(2027, 1, 10), 80), Point(date(2026, 10, 1), 41)]
    assert progress.trend(40, 90, start, end, points).latest == points[0]


def test_next_progress_report():
    start = date(2026, 9, 1)
    assert progress.next_report_due(start, date(2026, 9, 2)) == date(2026, 11, 3)
    assert progress.next_report_due(start, date(2026, 11, 3)) == date(2027, 1, 5)


def test_times_in_the_readers_zone_in_plain_words():
    moment = datetime(2027, 3, 3, 20, 30, tzinfo=UTC)
    chicago = wording.zone("America/Chicago")
    assert wording.when(moment, chicago, today=date(2027, 1, 1)) == "Wednesday, March 3 at 2:30 pm"
    assert wording.when(moment, wording.zone("Asia/Tokyo"), today=date(2027, 1, 1)) == (
        "Thursday, March 4 at 5:30 am"
    )
    assert wording.when(moment, chicago, today=date(2026, 11, 1)).endswith("2027 at 2:30 pm")
    assert wording.zone("Not/AZone").key == "America/Chicago"


def test_daylight_saving_is_respected():
    chicago = wording.zone("America/Chicago")
    winter = datetime(2027, 3, 12, 15, 0, tzinfo=UTC)  # CST, UTC-6
    summer = datetime(2027, 3, 15, 15, 0, tzinfo=UTC)  # CDT, UTC-5
    assert wording.when(winter, chicago, today=date(2027, 1, 1)).endswith("9 am")
    assert wording.when(summer, chicago, today=date(2027, 1, 1)).endswith("10 am")
