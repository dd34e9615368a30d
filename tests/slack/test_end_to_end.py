"""The whole chain as a teacher uses it: Slack -> Bolt front end -> Rasa -> actions.

The session's Rasa stack serves the conversation; the front end here is our own
(in-process, on a real uvicorn server) so that it can talk to the fake Slack.
"""

from __future__ import annotations

import pytest

from .fake_slack import FakeSlack
from .harness import (
    SlackSender,
    buttons_of,
    click_payload,
    dm,
    mention,
)

pytestmark = pytest.mark.rasa

TEACHER = "U0DEMOTEACHER"


@pytest.fixture
def real_slack(rasa_slack) -> SlackSender:
    return rasa_slack()


def test_dm_knowledge_question_gets_a_cited_answer_and_more_on_a_click(
    real_slack: SlackSender, fake_slack: FakeSlack
) -> None:
    real_slack.event(dm(TEACHER, "what's the difference between a 504 plan and an IEP"))
    [answer] = fake_slack.wait_for_calls("chat.postMessage", timeout=30)
    assert answer.args["channel"] == "D0DEMOTEACHER"
    assert "504" in answer.args["text"]
    more = next(b for b in buttons_of(answer.blocks()) if b["text"]["text"].startswith("Tell me"))
    assert more["value"] == "/tell_more"

    message = {
        "type": "message",
        "ts": "1.1",
        "text": answer.args["text"],
        "blocks": answer.blocks(),
    }
    real_slack.click(
        click_payload(
            user=TEACHER,
            channel="D0DEMOTEACHER",
            message=message,
            button=more,
            response_url=fake_slack.response_url(),
        )
    )
    _, details = fake_slack.wait_for_calls("chat.postMessage", 2, timeout=30)
    assert details.args["channel"] == "D0DEMOTEACHER"
    assert details.args["text"].startswith("IEP or 504 plan")  # the details, not the answer again
    [update] = fake_slack.wait_for_calls("respond")
    assert not buttons_of(update.args["blocks"])


def test_mention_is_answered_in_a_thread_by_rasa(
    real_slack: SlackSender, fake_slack: FakeSlack
) -> None:
    event = mention(TEACHER, "how long does the school have to finish an evaluation?")
    real_slack.event(event)
    [answer] = fake_slack.wait_for_calls("chat.postMessage", timeout=30)
    assert answer.args["thread_ts"] == event["ts"]
    assert "300.301" in answer.args["text"]  # the cited source travels with the answer


def test_slash_command_ask_is_answered_privately_by_rasa(
    real_slack: SlackSender, fake_slack: FakeSlack
) -> None:
    real_slack.command(
        "ask can I record the IEP meeting?", user=TEACHER, response_url=fake_slack.response_url()
    )
    [reply] = fake_slack.wait_for_calls("respond", timeout=30)
    assert reply.args["response_type"] == "ephemeral"
    assert reply.args["text"]
    assert not fake_slack.calls_to("chat.postMessage")
