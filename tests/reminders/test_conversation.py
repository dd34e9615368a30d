"""Setting, listing and cancelling reminders in conversation (demo district, both databases)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from iep_assistant.config import load_settings
from iep_assistant.personal.lookups import Answer, Question, answer_for
from iep_assistant.records import demo
from iep_assistant.records.types import Channel
from iep_assistant.reminders.conversation import HANDLERS

TODAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
CHICAGO = ZoneInfo("America/Chicago")
PARENT = "U0DEMOPARENT1"


@pytest.fixture
def district(database):
    demo.load(database, load_settings(env={}, dotenv=False), today=TODAY)
    return database


def ask(database, who, intent, text="", tz=CHICAGO, **kw) -> Answer:
    q = Question(intent=intent, text=text, now=NOW, tz=tz, **kw)
    with database.session() as s:
        return answer_for(s, who, Channel.SLACK, q, handlers=HANDLERS)


def test_set_list_and_cancel_that_reminder(district):
    made = ask(
        district, PARENT, "set_reminder", "remind me 2 days before Maya's IEP meeting",
        student_name="Maya",
    )  # fmt: skip
    assert made.reply.text == (
        "Okay: I'll remind you 2 days before Maya Alvarez's annual IEP review "
        "(Monday, December 7 at 2:30 pm CST), on Saturday, December 5 at 2:30 pm CST. "
        "If the meeting moves, the reminder moves with it."
    )
    assert made.last_reminder is not None
    listed = ask(district, PARENT, "list_reminders", "what reminders do I have?")
    assert "1. 2 days before Maya Alvarez's annual IEP review" in listed.reply.text
    assert "next on Saturday, December 5 at 2:30 pm CST" in listed.reply.text
    cancelled = ask(
        district,
        PARENT,
        "cancel_reminder",
        "cancel that reminder",
        last_reminder=made.last_reminder,
    )
    assert cancelled.reply.text.startswith("Cancelled your reminder 2 days before Maya")
    assert "no reminders" in ask(district, PARENT, "list_reminders").reply.text


def test_each_of_my_meetings_at_8am(district):
    made = ask(
        district,
        "U0DEMOCASEMGR",
        "set_reminder",
        "remind me the day before each of my meetings at 8am",
    )
    text = made.reply.text
    assert text.startswith("Okay: I'll remind you the day before at 8 am each of your meetings.")
    assert "so on Monday, November 30 at 8 am CST" in text or "so on" in text


def test_the_confirmation_is_in_the_askers_time_zone(district):
    made = ask(
        district, PARENT, "set_reminder", "remind me the day before Maya's meeting at 8am",
        tz=ZoneInfo("America/New_York"), student_name="Maya",
    )  # fmt: skip
    assert (
        "(Monday, December 7 at 3:30 pm EST), on Sunday, December 6 at 8 am EST" in made.reply.text
    )


def test_a_named_date_and_time_before_the_meeting(district):
    made = ask(
        district, PARENT, "set_reminder", "remind me next Friday at 3:30 pm about Maya's meeting",
        student_name="Maya",
    )  # fmt: skip
    assert "on Friday, December 4 at 3:30 pm CST" in made.reply.text


def test_no_time_asks_when(district):
    found = ask(
        district, PARENT, "set_reminder", "set a reminder for Maya's meeting", student_name="Maya"
    )
    assert found.reply.text.startswith("When should I remind you?")
    assert found.last_reminder is None


def test_a_parent_of_two_is_asked_which_child(district):
    found = ask(district, PARENT, "set_reminder", "remind me 2 days before the IEP meeting")
    assert "Which student" in found.reply.text


def test_a_reminder_for_another_familys_meeting_is_refused_like_a_missing_one(district):
    other = ask(
        district,
        PARENT,
        "set_reminder",
        "remind me 2 days before Noah's meeting",
        student_name="Noah",
    )
    missing = ask(
        district,
        PARENT,
        "set_reminder",
        "remind me 2 days before Zed's meeting",
        student_name="Zed",
    )
    assert other.reply.text.replace("Noah", "X") == missing.reply.text.replace("Zed", "X")
    assert other.last_reminder is None


def test_a_time_already_passed(district):
    found = ask(
        district,
        "U0DEMOCASEMGR",
        "set_reminder",
        "remind me 2 days before Ben's meeting",
        student_name="Ben",
    )
    assert found.reply.text.startswith("That time has already passed")


def test_cancel_with_several_reminders_lists_them_with_buttons(district):
    ask(
        district,
        PARENT,
        "set_reminder",
        "remind me 2 days before Maya's meeting",
        student_name="Maya",
    )
    ask(
        district,
        PARENT,
        "set_reminder",
        "remind me a week before Leo's meeting",
        student_name="Leo",
    )
    found = ask(district, PARENT, "cancel_reminder", "cancel my reminder")
    assert [b.title for b in found.reply.buttons] == ["Cancel reminder 1", "Cancel reminder 2"]
    payload = found.reply.buttons[1].payload
    reminder_id = int(payload.split('"reminder_id": "')[1].split('"')[0])
    done = ask(district, PARENT, "cancel_reminder", "", reminder_id=reminder_id)
    assert "a week before Leo Alvarez's annual IEP review" in done.reply.text


def test_someone_elses_reminder_id_cannot_be_cancelled(district):
    made = ask(
        district,
        PARENT,
        "set_reminder",
        "remind me 2 days before Maya's meeting",
        student_name="Maya",
    )
    found = ask(district, "U0DEMOPARENT2", "cancel_reminder", "", reminder_id=made.last_reminder)
    assert "couldn't find that reminder" in found.reply.text
    assert "2 days before" in ask(district, PARENT, "list_reminders").reply.text
