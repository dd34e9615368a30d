"""Buttons from Rasa: a click sends the payload to the assistant as the person who
clicked, the answer comes in the same place, and the buttons become a line."""

from __future__ import annotations

import json
from typing import Any

from .fake_slack import FakeSlack
from .harness import SlackSender, StubAssistant, buttons_of, click_payload, dm, mention

PARENT = "U0DEMOPARENT1"
TEACHER = "U0DEMOTEACHER"


def posted_message(call) -> dict[str, Any]:
    """The message as Slack would show it back in a click payload."""
    return {
        "type": "message",
        "ts": "1700000001.000100",
        "text": call.args["text"],
        "blocks": call.blocks(),
        **({"thread_ts": call.args["thread_ts"]} if call.args.get("thread_ts") else {}),
    }


def test_click_in_a_dm_sends_the_payload_as_that_person(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    slack.event(dm(PARENT, "what is an IEP?"))
    [question] = fake_slack.wait_for_calls("chat.postMessage")
    [button] = buttons_of(question.blocks())

    response = slack.click(
        click_payload(
            user=PARENT,
            channel="D0DEMOPARENT1",
            message=posted_message(question),
            button=button,
            response_url=fake_slack.response_url("click"),
        )
    )
    assert response.status_code == 200

    _, answer = fake_slack.wait_for_calls("chat.postMessage", 2)
    assert answer.args["channel"] == "D0DEMOPARENT1"
    assert "/tell_more" in answer.all_text()
    sent = assistant.calls[-1]
    assert (sent.sender, sent.text) == (PARENT, "/tell_more")
    assert sent.metadata["conversation"] == "dm"

    [update] = fake_slack.wait_for_calls("respond")
    assert update.args["replace_original"] is True
    blocks = update.args["blocks"]
    assert not buttons_of(blocks)  # the buttons are gone ...
    assert blocks[-1]["elements"][0]["text"] == "You chose: *Tell me more*"  # ... said instead
    assert blocks[0] == question.blocks()[0]  # the answer itself is kept


def test_click_in_a_channel_thread_answers_in_that_thread(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    event = mention(PARENT, "what is an IEP?")
    slack.event(event)
    [question] = fake_slack.wait_for_calls("chat.postMessage")
    [button] = buttons_of(question.blocks())

    # Someone else in the channel clicks: they get their own conversation.
    slack.click(
        click_payload(
            user=TEACHER,
            channel="C0GENERAL",
            message=posted_message(question),
            button=button,
            response_url=fake_slack.response_url(),
        )
    )
    _, answer = fake_slack.wait_for_calls("chat.postMessage", 2)
    assert answer.args["channel"] == "C0GENERAL"
    assert answer.args["thread_ts"] == event["ts"]
    assert assistant.calls[-1].sender == TEACHER
    [update] = fake_slack.wait_for_calls("respond")
    assert f"<@{TEACHER}> chose" in json.dumps(update.args["blocks"])


def test_click_on_a_private_message_is_answered_privately(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    slack.command("ask what is an IEP?", user=PARENT, response_url=fake_slack.response_url("q"))
    [question] = fake_slack.wait_for_calls("respond")
    message = {"type": "message", "text": question.args["text"], "blocks": question.args["blocks"]}
    [button] = buttons_of(message["blocks"])
    slack.click(
        click_payload(
            user=PARENT,
            channel="C0GENERAL",
            message=message,
            button=button,
            response_url=fake_slack.response_url("click"),
            ephemeral=True,
        )
    )
    replies = fake_slack.wait_for(
        lambda f: (
            [c for c in f.calls_to("respond") if c.path == "/respond/click"][1:]
            and [c for c in f.calls_to("respond") if c.path == "/respond/click"]
        )
    )
    update, answer = sorted(replies, key=lambda c: not c.args.get("replace_original"))
    assert update.args["replace_original"] is True
    assert answer.args["response_type"] == "ephemeral"
    assert "/tell_more" in answer.all_text()
    assert not fake_slack.calls_to("chat.postMessage")


def test_click_with_a_malformed_value_gets_a_clear_answer(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    slack.click(
        click_payload(
            user=PARENT,
            channel="D0DEMOPARENT1",
            message={"type": "message", "text": "x", "blocks": []},
            button={"action_id": "rasa_button_0", "text": {"type": "plain_text", "text": "?"}},
            response_url=fake_slack.response_url(),
        )
    )
    [post] = fake_slack.wait_for_calls("chat.postMessage")
    assert "I can only read text" in post.args["text"]
    assert not assistant.calls
