"""Slack's delivery rules: a re-sent event is answered once (also across two
processes), and rate limits or refused layouts do not lose the reply."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.slack.dedupe import Claims
from iep_assistant.records.db import Database
from iep_assistant.records.models import ClaimedEvent

from .fake_slack import FakeSlack
from .harness import SlackSender, StubAssistant, dm, new_id

PARENT = "U0DEMOPARENT1"


def test_retried_delivery_gets_no_second_reply(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    event, event_id = dm(PARENT, "what is an IEP?"), new_id("Ev")
    assert slack.event(event, event_id=event_id).status_code == 200
    fake_slack.wait_for_calls("chat.postMessage")

    for retry in (1, 2):
        response = slack.event(event, event_id=event_id, retry_num=retry)
        assert response.status_code == 200  # acknowledged, so Slack stops re-sending
    time.sleep(0.5)
    assert len(assistant.calls) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_retry_arriving_while_the_first_is_still_answered_is_dropped(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    assistant.delay = 1.0
    event, event_id = dm(PARENT, "what is an IEP?"), new_id("Ev")
    slack.event(event, event_id=event_id)
    slack.event(event, event_id=event_id, retry_num=1)
    fake_slack.wait_for_calls("chat.postMessage")
    time.sleep(1.5)
    assert len(assistant.calls) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_different_events_are_each_answered(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    slack.event(dm(PARENT, "first question"))
    slack.event(dm(PARENT, "second question"))
    fake_slack.wait_for_calls("chat.postMessage", 2)
    assert sorted(c.text for c in assistant.calls) == ["first question", "second question"]


def test_two_front_ends_sharing_a_database_answer_a_delivery_once(
    start_front_end, settings, database_url: str, database: Database, fake_slack: FakeSlack
) -> None:
    # Two processes' worth: two servers, each with its own engine on one SQLite file.
    assistants = [StubAssistant(delay=0.2), StubAssistant(delay=0.2)]
    databases = [Database.from_url(database_url) for _ in assistants]
    senders = [
        SlackSender(start_front_end(settings, assistant=a, database=d).url)
        for a, d in zip(assistants, databases, strict=True)
    ]
    try:
        # The same delivery arrives at both at once, many times over.
        deliveries = [(dm(PARENT, f"question {i}"), new_id("Ev")) for i in range(8)]

        def send(args: tuple[SlackSender, dict, str, int]) -> int:
            sender, event, event_id, retry = args
            return sender.event(event, event_id=event_id, retry_num=retry or None).status_code

        jobs = [
            (sender, event, event_id, retry)
            for event, event_id in deliveries
            for retry, sender in enumerate(senders)
        ]
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            assert set(pool.map(send, jobs)) == {200}

        fake_slack.wait_for_calls("chat.postMessage", len(deliveries))
        time.sleep(0.8)
        posts = fake_slack.calls_to("chat.postMessage")
        assert len(posts) == len(deliveries)
        asked = sorted(c.text for a in assistants for c in a.calls)
        assert asked == sorted(f"question {i}" for i in range(8))
        with database.session() as session:
            assert session.scalar(select(func.count()).select_from(ClaimedEvent)) == 8
    finally:
        for sender in senders:
            sender.close()
        for db in databases:
            db.dispose()


def test_a_repeated_button_click_is_handled_once(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    from .harness import click_payload

    payload = click_payload(
        user=PARENT,
        channel="D0DEMOPARENT1",
        message={"ts": "1700000001.000100", "text": "x", "blocks": []},
        button={
            "action_id": "rasa_button_0",
            "text": {"type": "plain_text", "text": "Tell me more"},
            "value": "/tell_more",
        },
        response_url=fake_slack.response_url(),
    )
    slack.click(payload)
    slack.click(payload, retry_num=1)  # Socket Mode may re-send an envelope
    fake_slack.wait_for_calls("chat.postMessage")
    time.sleep(0.5)
    assert [c.text for c in assistant.calls] == ["/tell_more"]


def test_rate_limited_reply_is_sent_after_retry_after(
    slack: SlackSender, fake_slack: FakeSlack
) -> None:
    fake_slack.rate_limit_next("chat.postMessage", retry_after=1)
    slack.event(dm(PARENT, "what is an IEP?"))
    limited, delivered = fake_slack.wait_for_calls("chat.postMessage", 2, timeout=15)
    assert delivered.at - limited.at >= 1.0  # waited as Slack asked
    assert delivered.args["channel"] == "D0DEMOPARENT1"
    assert "what is an IEP?" in delivered.all_text()
    time.sleep(0.3)
    assert len(fake_slack.calls_to("chat.postMessage")) == 2


def test_blocks_refused_by_slack_are_sent_again_as_text(
    slack: SlackSender, fake_slack: FakeSlack
) -> None:
    fake_slack.fail_next("chat.postMessage", "invalid_blocks")
    slack.event(dm(PARENT, "what is an IEP?"))
    refused, delivered = fake_slack.wait_for_calls("chat.postMessage", 2)
    assert refused.blocks() and not delivered.blocks()
    assert "what is an IEP?" in delivered.args["text"]


def test_slack_error_when_posting_is_logged_and_the_person_told(
    slack: SlackSender, fake_slack: FakeSlack, caplog
) -> None:
    fake_slack.fail_next("chat.postMessage", "fatal_error")
    with caplog.at_level("ERROR", logger="bot.slack"):
        slack.event(dm(PARENT, "what is an IEP?"))
        _, trouble = fake_slack.wait_for_calls("chat.postMessage", 2)
    assert "I'm having trouble" in trouble.args["text"]
    assert any("fatal_error" in r.getMessage() for r in caplog.records)
    assert not any("what is an IEP" in r.getMessage() for r in caplog.records)


def test_database_down_first_deliveries_still_answered(
    start_front_end, settings, tmp_path, fake_slack: FakeSlack
) -> None:
    # A database with no tables: every claim fails.
    unmigrated = Database.from_url(f"sqlite:///{tmp_path / 'empty.db'}")
    assistant = StubAssistant()
    sender = SlackSender(start_front_end(settings, assistant=assistant, database=unmigrated).url)
    try:
        event, event_id = dm(PARENT, "what is an IEP?"), new_id("Ev")
        sender.event(event, event_id=event_id)
        fake_slack.wait_for_calls("chat.postMessage")
        sender.event(event, event_id=event_id, retry_num=1)  # a re-send: dropped
        time.sleep(0.5)
        assert len(assistant.calls) == 1
    finally:
        sender.close()
        unmigrated.dispose()


def test_old_claims_are_purged(database: Database) -> None:
    claims = Claims(database)
    with database.session() as session:
        session.add(
            ClaimedEvent(event_id="event:old", claimed_at=datetime.now(UTC) - timedelta(days=2))
        )
        session.add(ClaimedEvent(event_id="event:recent", claimed_at=datetime.now(UTC)))
    assert claims.claim("event:new")  # the first claim of a process purges
    assert not claims.claim("event:recent")
    with database.session() as session:
        kept = set(session.scalars(select(ClaimedEvent.event_id)))
    assert kept == {"event:recent", "event:new"}
