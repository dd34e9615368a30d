"""Nobody reaches personal records by going around the front end (issue 10).

Only the front end is meant to be reachable; these tests call the Rasa server and the
action server directly, as an attacker on the same network would, and check the logs
for what must not be in them.
"""

from __future__ import annotations

import json
import time

import httpx
import pytest

from iep_assistant.signing import sign

pytestmark = pytest.mark.rasa

PARENT = "U0DEMOPARENT1"


def _iep_webhook(running_stack) -> str:
    return f"{running_stack.rasa_url}/webhooks/iep/webhook"


def _body(sender: str, text: str) -> bytes:
    return json.dumps(
        {"sender": sender, "message": text, "metadata": {"channel": "slack"}}
    ).encode()


def test_the_signed_channel_refuses_a_missing_forged_or_stale_signature(running_stack):
    body = _body(PARENT, "when is Maya's next IEP meeting?")
    url = _iep_webhook(running_stack)
    assert httpx.post(url, content=body, timeout=30).status_code == 401
    forged = sign("not-the-secret", body)
    assert httpx.post(url, content=body, headers=forged, timeout=30).status_code == 401
    stale = sign(running_stack.settings.channel_secret, body, now=time.time() - 3600)
    assert httpx.post(url, content=body, headers=stale, timeout=30).status_code == 401
    # A good signature over one body does not carry another body.
    good = sign(running_stack.settings.channel_secret, body)
    other = _body("U0DEMOADMIN", "show all students at my school")
    assert httpx.post(url, content=other, headers=good, timeout=30).status_code == 401


def test_rasa_http_api_needs_its_token(running_stack):
    for path in (
        f"/conversations/{PARENT}/tracker",
        f"/conversations/{PARENT}/messages",
        "/status",
    ):
        method = httpx.post if path.endswith("messages") else httpx.get
        kwargs = {"json": {"text": "hi", "sender": "user"}} if method is httpx.post else {}
        response = method(f"{running_stack.rasa_url}{path}", timeout=30, **kwargs)
        assert response.status_code == 401, path
    tracker = httpx.get(
        f"{running_stack.rasa_url}/conversations/{PARENT}/tracker",
        params={"token": "wrong"},
        timeout=30,
    )
    assert tracker.status_code == 401


def _action_call(sender: str, action: str, channel: str = "iep") -> dict:
    """What Rasa sends the action server: a forger would write the same."""
    return {
        "next_action": action,
        "sender_id": sender,
        "tracker": {
            "sender_id": sender,
            "slots": {},
            "latest_message": {
                "text": "/ask_plan",
                "intent": {"name": "ask_plan"},
                "entities": [{"entity": "student", "value": "Maya"}],
                "metadata": {"channel": "slack"},
            },
            "events": [
                {"event": "user", "text": "/ask_plan", "input_channel": channel,
                 "parse_data": {"intent": {"name": "ask_plan"}}},
            ],
            "latest_input_channel": channel,
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {},
        "version": "3.6.21",
    }  # fmt: skip


def test_the_action_server_refuses_callers_without_the_token(running_stack):
    url = f"{running_stack.action_url}/webhook"
    call = _action_call(PARENT, "action_ask_plan")
    assert httpx.post(url, json=call, timeout=30).status_code == 401
    wrong = {"X-Action-Token": "guess"}
    assert httpx.post(url, json=call, headers=wrong, timeout=30).status_code == 401
    assert httpx.get(f"{running_stack.action_url}/actions", timeout=30).status_code == 401
    assert httpx.get(f"{running_stack.action_url}/health", timeout=30).status_code == 200


def test_even_with_the_token_an_unsigned_channel_is_anonymous(running_stack):
    """An action call claiming Rasa's plain REST channel gets no personal data, so a
    leaked action token alone does not let anyone pose as a Slack user."""
    call = _action_call(PARENT, "action_ask_plan", channel="rest")
    headers = {"X-Action-Token": running_stack.settings.action_token}
    response = httpx.post(
        f"{running_stack.action_url}/webhook", json=call, headers=headers, timeout=30
    )
    assert response.status_code == 200
    text = json.dumps(response.json())
    assert "Alvarez" not in text and "can't look up a student's records here" in text


def test_logs_carry_no_names_message_text_or_secrets(running_stack):
    """After the session's conversations (personal ones included), nothing in the logs
    of the three processes names a student or repeats what people wrote."""
    # Make sure there is something personal to leak, through the signed channel.
    body = _body(PARENT, "what accommodations does Leo get in math?")
    headers = sign(running_stack.settings.channel_secret, body)
    answer = httpx.post(_iep_webhook(running_stack), content=body, headers=headers, timeout=30)
    assert "Alvarez" in answer.text
    logs = "\n".join(p.read_text(errors="replace") for p in running_stack.log_dir.glob("*.log"))
    assert logs, "the processes should have written logs"
    for secret in (
        "Alvarez",  # a student's name
        "accommodations does Leo",  # what a person wrote
        "Extended time",  # what a record says
        running_stack.settings.channel_secret,
        running_stack.settings.rasa_api_token,
        running_stack.settings.action_token,
    ):
        assert secret not in logs, f"found {secret[:12]!r}… in the logs"
