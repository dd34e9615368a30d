"""Direct messages and mentions, through the real Bolt app and a fake Slack."""

from __future__ import annotations

import time

import pytest

from iep_assistant.protocol import TROUBLE_TEXT, BotMessage

from .fake_slack import BOT_ID, BOT_USER_ID, FakeSlack
from .harness import SlackSender, StubAssistant, buttons_of, dm, feedback_buttons_of, mention

PARENT = "U0DEMOPARENT1"


def test_dm_question_gets_one_reply_in_the_dm(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    fake_slack.time_zones[PARENT] = "America/Denver"
    response = slack.event(dm(PARENT, "what is an IEP?"))
    assert response.status_code == 200

    [post] = fake_slack.wait_for_calls("chat.postMessage")
    assert post.args["channel"] == "D0DEMOPARENT1"
    assert post.token == "xoxb-test-token"
    assert "thread_ts" not in post.args
    # Markdown from the assistant arrives as Slack mrkdwn, with its button.
    assert post.blocks()[0]["text"] == {"type": "mrkdwn", "text": "*Answer* to: what is an IEP?"}
    [button] = buttons_of(post.blocks())
    assert button["value"] == "/tell_more"
    # A knowledge answer also asks whether it helped.
    assert [b["action_id"] for b in feedback_buttons_of(post.blocks())] == [
        "feedback_up",
        "feedback_down",
    ]

    [sent] = assistant.calls
    assert sent.sender == PARENT  # the Slack user id is the Rasa sender id
    assert sent.text == "what is an IEP?"
    assert sent.metadata == {"channel": "slack", "conversation": "dm", "tz": "America/Denver"}
    time.sleep(0.3)
    assert len(fake_slack.posted()) == 1


def test_mention_in_a_channel_is_answered_in_a_thread(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    event = mention(PARENT, "can I record the IEP meeting?")
    slack.event(event)

    [post] = fake_slack.wait_for_calls("chat.postMessage")
    assert post.args["channel"] == "C0GENERAL"
    assert post.args["thread_ts"] == event["ts"]
    assert assistant.calls[0].text == "can I record the IEP meeting?"  # the @mention removed
    assert assistant.calls[0].metadata["conversation"] == "channel"


def test_mention_inside_a_thread_stays_in_that_thread(
    slack: SlackSender, fake_slack: FakeSlack
) -> None:
    slack.event(mention(PARENT, "and for a 504?", thread_ts="1700000000.000001"))
    [post] = fake_slack.wait_for_calls("chat.postMessage")
    assert post.args["thread_ts"] == "1700000000.000001"


def test_private_answer_in_a_channel_goes_ephemeral_with_a_pointer(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    assistant.replies = lambda sender, text: [
        BotMessage(text="Maya's annual review is on Monday at 2:30 pm.", custom={"private": True})
    ]
    event = mention(PARENT, "when is Maya's meeting?")
    slack.event(event)

    [private] = fake_slack.wait_for_calls("chat.postEphemeral")
    assert private.args["user"] == PARENT
    assert private.args["channel"] == "C0GENERAL"
    assert "annual review" in private.all_text()
    [public] = fake_slack.wait_for_calls("chat.postMessage")
    assert public.args["channel"] == "C0GENERAL"
    assert public.args["thread_ts"] == event["ts"]
    assert public.args["text"] == "I've sent you the details privately."
    assert "Maya" not in public.all_text()


def test_private_answer_in_a_dm_is_posted_there(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    assistant.replies = lambda sender, text: [
        BotMessage(text="Maya's annual review is on Monday.", custom={"private": True})
    ]
    slack.event(dm(PARENT, "when is Maya's meeting?"))
    [post] = fake_slack.wait_for_calls("chat.postMessage")
    assert post.args["channel"] == "D0DEMOPARENT1"
    assert "Maya" in post.all_text()
    assert not fake_slack.calls_to("chat.postEphemeral")


def test_ephemeral_refused_sends_the_details_to_the_dm(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    assistant.replies = lambda sender, text: [
        BotMessage(text="Maya's annual review is on Monday.", custom={"private": True})
    ]
    fake_slack.fail_next("chat.postEphemeral", "user_not_in_channel")
    slack.event(mention(PARENT, "when is Maya's meeting?"))
    posts = fake_slack.wait_for_calls("chat.postMessage", 2)
    by_channel = {p.args["channel"]: p for p in posts}
    assert "Maya" in by_channel["D0DEMOPARENT1"].all_text()
    assert "Maya" not in by_channel["C0GENERAL"].all_text()


@pytest.mark.parametrize(
    "event",
    [
        dm(PARENT, "edited", subtype="message_changed"),
        dm(PARENT, "joined", subtype="channel_join"),
        dm("U0OTHERBOT", "beep", subtype="bot_message", bot_id="B0OTHER"),
        dm("U0OTHERBOT", "beep", bot_id="B0OTHER"),
        dm(BOT_USER_ID, "our own reply", bot_id=BOT_ID),
        {**mention(PARENT, "hi"), "bot_id": "B0OTHER"},
    ],
    ids=["edit", "join", "bot-subtype", "other-bot", "ourselves", "bot-mention"],
)
def test_bots_edits_and_joins_are_ignored(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant, event: dict
) -> None:
    assert slack.event(event).status_code == 200  # acknowledged, so Slack does not resend
    slack.event(dm(PARENT, "a real question"))  # then a real one, to know we're done
    fake_slack.wait_for_calls("chat.postMessage")
    time.sleep(0.3)
    assert [c.text for c in assistant.calls] == ["a real question"]
    assert len(fake_slack.posted()) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("   ", "Please type a question"),
        ("x" * 5000, "5,000 characters long"),
        ("\x00\x01\x02", "Please type a question"),
        ("?!?!", "written in words"),
    ],
    ids=["empty", "huge", "binary", "punctuation"],
)
def test_bad_input_gets_a_clear_answer_and_never_reaches_rasa(
    slack: SlackSender,
    fake_slack: FakeSlack,
    assistant: StubAssistant,
    text: str,
    expected: str,
) -> None:
    slack.event(dm(PARENT, text))
    [post] = fake_slack.wait_for_calls("chat.postMessage")
    assert expected in post.args["text"]
    assert not assistant.calls


def test_a_file_without_text_gets_a_clear_answer(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    slack.event(dm(PARENT, "", subtype="file_share", files=[{"id": "F1", "name": "iep.pdf"}]))
    [post] = fake_slack.wait_for_calls("chat.postMessage")
    assert "I can only read text" in post.args["text"]
    assert not assistant.calls


def test_slack_gets_its_answer_before_a_slow_assistant_finishes(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    assistant.delay = 4.0  # longer than Slack's 3 seconds
    started = time.monotonic()
    response = slack.event(dm(PARENT, "what is an IEP?"))
    acknowledged = time.monotonic() - started
    assert response.status_code == 200
    assert acknowledged < 1.0
    [post] = fake_slack.wait_for_calls("chat.postMessage", timeout=15)
    assert post.at - started >= 4.0  # the answer came after the acknowledgement


def test_rasa_down_gives_the_trouble_text(
    start_front_end, settings, database, fake_slack: FakeSlack
) -> None:
    # The real Rasa client, pointed at a port where nothing listens.
    front_end = start_front_end(settings, database=database)
    sender = SlackSender(front_end.url)
    sender.event(dm(PARENT, "what is an IEP?"))
    [post] = fake_slack.wait_for_calls("chat.postMessage")
    assert post.args["text"] == TROUBLE_TEXT
    sender.close()


def test_stub_unavailable_in_a_channel_gives_the_trouble_text_in_the_thread(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    assistant.unavailable = True
    event = mention(PARENT, "what is an IEP?")
    slack.event(event)
    [post] = fake_slack.wait_for_calls("chat.postMessage")
    assert post.args["text"] == TROUBLE_TEXT
    assert post.args["thread_ts"] == event["ts"]


def test_a_bug_is_logged_with_its_traceback_and_the_person_told(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant, caplog
) -> None:
    def broken(sender: str, text: str) -> list[BotMessage]:
        raise ValueError("a bug in the assistant stub")

    assistant.replies = broken
    with caplog.at_level("ERROR", logger="bot.slack"):
        slack.event(dm(PARENT, "what is an IEP?"))
        [post] = fake_slack.wait_for_calls("chat.postMessage")
    assert post.args["text"] == TROUBLE_TEXT
    [record] = [r for r in caplog.records if r.name == "bot.slack.errors"]
    assert "ValueError" in record.getMessage() and "event message" in record.getMessage()
    assert record.exc_info is not None  # a bug keeps its traceback
    assert "what is an IEP" not in record.getMessage()
