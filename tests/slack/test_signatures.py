"""Only Slack gets in: forged and stale requests are refused before anything runs."""

from __future__ import annotations

import time

from .fake_slack import FakeSlack
from .harness import SlackSender, StubAssistant, dm, event_body


def test_forged_signature_is_refused_and_nothing_is_posted(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant, caplog
) -> None:
    forged = "v0=" + "0" * 64
    with caplog.at_level("WARNING", logger="bot.slack"):
        response = slack.event(dm("U0DEMOPARENT1", "what is an IEP?"), signature=forged)
    assert response.status_code == 401
    assert any("signature" in r.getMessage() for r in caplog.records)  # operators see it
    assert not any("what is an IEP" in r.getMessage() for r in caplog.records)
    time.sleep(0.3)
    assert not assistant.calls
    assert not fake_slack.calls  # not even auth.test


def test_signature_made_with_another_secret_is_refused(
    front_end, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    impostor = SlackSender(front_end.url, secret="not-the-signing-secret")
    try:
        assert impostor.event(dm("U0DEMOPARENT1", "hello")).status_code == 401
    finally:
        impostor.close()
    time.sleep(0.3)
    assert not assistant.calls and not fake_slack.posted()


def test_body_changed_after_signing_is_refused(slack: SlackSender, assistant) -> None:
    body = event_body(dm("U0DEMOPARENT1", "what is an IEP?"))
    headers = slack.headers(body, "application/json")
    tampered = body.replace(b"what is an IEP?", b"delete everything")
    response = slack.client.post("/slack/events", content=tampered, headers=headers)
    assert response.status_code == 401
    time.sleep(0.3)
    assert not assistant.calls


def test_stale_timestamp_is_refused(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    six_minutes_ago = int(time.time()) - 6 * 60
    response = slack.event(dm("U0DEMOPARENT1", "what is an IEP?"), timestamp=six_minutes_ago)
    assert response.status_code == 401
    time.sleep(0.3)
    assert not assistant.calls and not fake_slack.posted()


def test_fresh_signed_request_is_accepted(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    four_minutes_ago = int(time.time()) - 4 * 60
    response = slack.event(dm("U0DEMOPARENT1", "what is an IEP?"), timestamp=four_minutes_ago)
    assert response.status_code == 200
    fake_slack.wait_for_calls("chat.postMessage")


def test_url_verification_challenge_is_answered(slack: SlackSender) -> None:
    body = b'{"token": "x", "challenge": "abc123", "type": "url_verification"}'
    response = slack.post(body, "application/json")
    assert response.status_code == 200
    assert response.json() == {"challenge": "abc123"}


def test_signed_garbage_is_refused_without_a_crash(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    for body in (b"\x00\xff\xfe not json", b"{}", b"[1, 2, 3]", b'{"type": "event_callback"}'):
        response = slack.post(body, "application/json")
        assert 400 <= response.status_code < 500, body
    time.sleep(0.3)
    assert not assistant.calls and not fake_slack.posted()


def test_oversized_request_is_refused(slack: SlackSender) -> None:
    body = b'{"type": "event_callback", "padding": "' + b"x" * 2_000_000 + b'"}'
    assert slack.post(body, "application/json").status_code == 413


def test_web_chat_still_served_beside_slack(slack: SlackSender) -> None:
    assert slack.client.get("/healthz").json() == {"status": "ok"}
    assert "<html" in slack.client.get("/").text.lower()
