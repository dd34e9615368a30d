"""Socket Mode: the same app over a WebSocket, and Socket Mode's re-sends answered once."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator

import httpx
import pytest

from .fake_slack import FakeSlack
from .fake_socket_mode import FakeSocketMode, new_envelope_id
from .harness import StubAssistant, dm, event_body

PARENT = "U0DEMOPARENT1"


@pytest.fixture
def socket_server(fake_slack: FakeSlack) -> Iterator[FakeSocketMode]:
    server = FakeSocketMode().start()
    fake_slack.socket_mode_url = server.url
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def socket_settings(settings):
    return dataclasses.replace(settings, slack_app_token="xapp-1-test", slack_signing_secret="")


def test_socket_mode_answers_once_per_delivery(
    socket_server: FakeSocketMode, start_front_end, socket_settings, database, fake_slack: FakeSlack
) -> None:
    assistant = StubAssistant()
    front_end = start_front_end(socket_settings, assistant=assistant, database=database)
    socket_server.connected()
    # The socket URL was asked for with the app-level token, not the bot token.
    assert fake_slack.calls_to("apps.connections.open")[0].token == "xapp-1-test"

    body = json.loads(event_body(dm(PARENT, "what is an IEP?"), "EvSOCKET1"))
    first = new_envelope_id()
    socket_server.send_event(body, envelope_id=first)
    [post] = fake_slack.wait_for_calls("chat.postMessage")
    assert post.args["channel"] == "D0DEMOPARENT1"
    assert socket_server.acknowledged(first)

    # Slack re-sends the same event in a new envelope: acknowledged, not answered again.
    again = new_envelope_id()
    socket_server.send_event(body, envelope_id=again, retry_attempt=1)
    fake_slack.wait_for(lambda f: socket_server.acknowledged(again))
    time.sleep(0.5)
    assert len(assistant.calls) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1

    # In Socket Mode there is no public HTTP endpoint; the web chat is still there.
    assert httpx.post(f"{front_end.url}/slack/events", content=b"{}").status_code in (404, 405)
    assert httpx.get(f"{front_end.url}/healthz").status_code == 200


def test_web_chat_starts_while_slack_is_unreachable(
    start_front_end, socket_settings, database, fake_slack: FakeSlack
) -> None:
    fake_slack.socket_mode_url = None  # apps.connections.open fails: Slack says no
    front_end = start_front_end(socket_settings, assistant=StubAssistant(), database=database)
    assert httpx.get(f"{front_end.url}/healthz").status_code == 200
    fake_slack.wait_for_calls("apps.connections.open")
