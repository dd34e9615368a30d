"""The help desk's plain rules: office hours, the transcript, unsure twice, contacts."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from iep_assistant.helpdesk import handoff, office_hours
from iep_assistant.records.types import Speaker

CHICAGO = ZoneInfo("America/Chicago")


def test_office_hours_and_when_to_expect_a_reply():
    hours = office_hours.parse("Mon-Fri 08:00-16:00")
    assert hours.describe() == "Mon–Fri, 8 am–4 pm"
    tuesday_10am = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    saturday = datetime(2026, 12, 5, 16, 0, tzinfo=UTC)
    friday_5pm = datetime(2026, 12, 4, 23, 0, tzinfo=UTC)
    assert hours.is_open(tuesday_10am, CHICAGO)
    assert "open now" in office_hours.expectation(hours, tuesday_10am, CHICAGO)
    assert "Monday, December 7 at 8 am" in office_hours.expectation(hours, saturday, CHICAGO)
    assert "Monday, December 7 at 8 am" in office_hours.expectation(hours, friday_5pm, CHICAGO)


@pytest.mark.parametrize("bad", ["", "weekdays", "Mon-Fri 16:00-08:00", "Xyz 08:00-16:00"])
def test_bad_office_hours_are_refused_clearly(bad):
    with pytest.raises(office_hours.OfficeHoursError):
        office_hours.parse(bad)


def _user(text, intent="faq"):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def _bot(text, **custom):
    return {"event": "bot", "text": text, "data": {"custom": custom}}


def test_transcript_reads_clicks_as_choices_and_starts_at_the_session():
    events = [
        _user("old session"),
        {"event": "session_started"},
        _user("what is stay put"),
        _bot("Stay put means..."),
        _user('/choose_article{"article_id": "x"}', intent="choose_article"),
    ]
    assert handoff.transcript(events) == [
        (Speaker.PERSON, "what is stay put"),
        (Speaker.ASSISTANT, "Stay put means..."),
        (Speaker.PERSON, "(clicked: choose article)"),
    ]
    assert handoff.summary(handoff.transcript(events)) == "what is stay put"


def test_unsure_twice_is_seen_from_the_answer_before():
    first = [_user("blah"), _bot("I'm not sure", unsure=True), _user("blah again")]
    assert handoff.unsure_before(first)
    sure = [_user("what is an IEP"), _bot("An IEP is", article="what_is_an_iep"), _user("blah")]
    assert not handoff.unsure_before(sure)
    assert not handoff.unsure_before([_user("blah")])


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("rosa@example.org", "rosa@example.org"),
        ("you can email me at rosa.alvarez@example.org thanks", "rosa.alvarez@example.org"),
        ("555-123-4567", "555-123-4567"),
        ("+1 (555) 123 4567", "+1 (555) 123 4567"),
        ("call me", None),
        ("12", None),
    ],
)
def test_contact_given(text, found):
    assert handoff.contact_given(text) == found
