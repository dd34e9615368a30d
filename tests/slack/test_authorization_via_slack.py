"""The personal-answers authorization matrix again, this time through Slack (issue 10):
signed Slack events into the real Bolt app, the real Rasa server behind it, and what
the fake Slack received checked for leaks and for where it was posted."""

from __future__ import annotations

import json
import time

import pytest

from .fake_slack import FakeSlack
from .harness import SlackSender, dm, mention

pytestmark = pytest.mark.rasa

RELATIONS = [
    pytest.param("U0DEMOPARENT1", "Maya", "Noah", id="parent"),
    pytest.param("U0DEMOTEACHER", "Leo", "Maya", id="unassigned-teacher"),
    pytest.param("U0DEMOADMIN", "Maya", "Jayden", id="administrator-other-school"),
]
INTENTS = ["ask_meetings", "ask_plan", "ask_goals", "ask_progress", "ask_case_manager"]
MISSING = "Quentin"


@pytest.fixture
def via_slack(rasa_slack) -> SlackSender:
    return rasa_slack()


def ask_in_dm(slack: SlackSender, fake: FakeSlack, user: str, text: str) -> str:
    before = len(fake.calls_to("chat.postMessage"))
    slack.event(dm(user, text))
    fake.wait_for_calls("chat.postMessage", before + 1, timeout=30)
    time.sleep(0.2)  # any further message of the same answer
    return "\n".join(c.all_text() for c in fake.calls_to("chat.postMessage")[before:])


@pytest.mark.parametrize("intent", INTENTS)
@pytest.mark.parametrize(("asker", "own", "other"), RELATIONS)
def test_through_slack_nothing_of_another_student_is_posted(
    via_slack, fake_slack, demo_students, asker, own, other, intent
):
    mine = ask_in_dm(via_slack, fake_slack, asker, f"/{intent}{json.dumps({'student': own})}")
    theirs = ask_in_dm(via_slack, fake_slack, asker, f"/{intent}{json.dumps({'student': other})}")
    nobody = ask_in_dm(via_slack, fake_slack, asker, f"/{intent}{json.dumps({'student': MISSING})}")
    assert own in mine
    assert theirs.replace(other, "X") == nobody.replace(MISSING, "X")
    student = demo_students[other]
    assert f"{student.first_name} {student.last_name}" not in theirs
    assert f'"student_id": "{student.id}"' not in theirs


def test_a_personal_answer_asked_in_a_channel_is_shown_only_to_the_asker(via_slack, fake_slack):
    event = mention("U0DEMOPARENT1", "when is Maya's next IEP meeting?", channel="C0PARENTS")
    via_slack.event(event)
    [private] = fake_slack.wait_for_calls("chat.postEphemeral", timeout=30)
    assert private.args["user"] == "U0DEMOPARENT1" and "Maya" in private.all_text()
    [pointer] = fake_slack.wait_for_calls("chat.postMessage", timeout=30)
    assert pointer.args["channel"] == "C0PARENTS" and "privately" in pointer.args["text"]
    assert "Maya" not in pointer.all_text() and "meeting" not in pointer.all_text().lower()
