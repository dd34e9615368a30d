"""The /iep slash command: answers are always private."""

from __future__ import annotations

import time

import pytest

from iep_assistant.protocol import BotMessage

from .fake_slack import FakeSlack
from .harness import SlackSender, StubAssistant

TEACHER = "U0DEMOTEACHER"


def test_help_answers_privately_at_once(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    response = slack.command("help", user=TEACHER, response_url=fake_slack.response_url())
    assert response.status_code == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    for subcommand in ("help", "meetings", "goals", "remind", "ask"):
        assert f"/iep {subcommand}" in body["text"]
    time.sleep(0.3)
    assert not assistant.calls  # help is built locally
    assert not fake_slack.calls_to("chat.postMessage")


def test_bare_command_shows_help(slack: SlackSender, fake_slack: FakeSlack) -> None:
    body = slack.command("", user=TEACHER, response_url=fake_slack.response_url()).json()
    assert body["response_type"] == "ephemeral" and "/iep ask" in body["text"]


def test_ask_answers_privately_through_the_response_url(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    response = slack.command(
        "ask what is an IEP?", user=TEACHER, response_url=fake_slack.response_url("ask1")
    )
    assert response.status_code == 200 and not response.content  # acknowledged, nothing shown
    [reply] = fake_slack.wait_for_calls("respond")
    assert reply.path == "/respond/ask1"
    assert reply.args["response_type"] == "ephemeral"
    assert "what is an IEP?" in reply.all_text()
    [sent] = assistant.calls
    assert (sent.sender, sent.text) == (TEACHER, "what is an IEP?")
    assert sent.metadata["conversation"] == "command"
    time.sleep(0.3)
    assert not fake_slack.calls_to("chat.postMessage")  # nothing in the channel


def test_private_details_from_a_command_stay_private(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    assistant.replies = lambda s, t: [BotMessage(text="Leo: 3 goals", custom={"private": True})]
    slack.command("goals", user=TEACHER, response_url=fake_slack.response_url())
    [reply] = fake_slack.wait_for_calls("respond")
    assert reply.args["response_type"] == "ephemeral" and "Leo" in reply.all_text()
    time.sleep(0.3)
    assert not fake_slack.calls_to("chat.postMessage")
    assert not fake_slack.calls_to("chat.postEphemeral")


@pytest.mark.parametrize(
    ("text", "sent"),
    [
        ("meetings", "/ask_meetings"),
        ("goals", "/ask_goals"),
        ("remind", "/list_reminders"),
        ("remind me 2 days before Maya's meeting", "remind me 2 days before Maya's meeting"),
        ("what is a 504 plan?", "what is a 504 plan?"),
    ],
)
def test_subcommands_reach_the_assistant_as_the_table_says(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant, text: str, sent: str
) -> None:
    slack.command(text, user=TEACHER, response_url=fake_slack.response_url())
    fake_slack.wait_for_calls("respond")
    assert [c.text for c in assistant.calls] == [sent]


def test_ask_without_a_question_says_how(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    slack.command("ask", user=TEACHER, response_url=fake_slack.response_url())
    [reply] = fake_slack.wait_for_calls("respond")
    assert "/iep ask what is an IEP?" in reply.args["text"]
    assert not assistant.calls


def test_expired_response_url_sends_the_answer_to_the_dm(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    fake_slack.rate_limit_next("respond", retry_after=0)
    fake_slack.rate_limit_next("respond", retry_after=0)
    fake_slack.rate_limit_next("respond", retry_after=0)  # more than the retries allowed
    slack.command("ask what is an IEP?", user=TEACHER, response_url=fake_slack.response_url())
    [post] = fake_slack.wait_for_calls("chat.postMessage", timeout=15)
    assert post.args["channel"] == "D0DEMOTEACHER"
    assert "what is an IEP?" in post.all_text()
