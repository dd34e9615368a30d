"""In the production profile nobody can pose as a Slack user by calling Rasa or the
action servers directly (issue 10): the replicas of tests/production/conftest.py, as
deploy/ runs them."""

from __future__ import annotations

import json

import httpx
import pytest

from iep_assistant.signing import sign

from .replicas import Replicas

pytestmark = [pytest.mark.rasa, pytest.mark.postgres, pytest.mark.redis]

# The replica tests check every persona's transcript exactly; this one asks as the
# demo person linked to nobody, so as not to add to theirs.
PARENT = "U0DEMONOBODY"
ASK = "/ask_plan" + json.dumps({"student": "Maya"})


def test_rasa_has_no_plain_rest_channel_in_production(replicas: Replicas) -> None:
    for url in replicas.rasa_urls:
        response = httpx.post(
            f"{url}/webhooks/rest/webhook", json={"sender": PARENT, "message": ASK}, timeout=30
        )
        assert response.status_code == 404, url


def test_the_signed_channel_refuses_anyone_without_the_secret(replicas: Replicas) -> None:
    body = json.dumps({"sender": PARENT, "message": ASK, "metadata": {"channel": "slack"}})
    for url in replicas.rasa_urls:
        webhook = f"{url}/webhooks/iep/webhook"
        unsigned = httpx.post(webhook, content=body, timeout=30)
        forged = httpx.post(webhook, content=body, headers=sign("guess", body.encode()), timeout=30)
        assert (unsigned.status_code, forged.status_code) == (401, 401)
        signed = sign(replicas.secret, body.encode())
        answer = httpx.post(webhook, content=body, headers=signed, timeout=30)
        # The real door works (and tells a person linked to nobody how to get linked).
        assert answer.status_code == 200 and "linked" in answer.text


def test_the_action_servers_and_rasas_api_need_their_tokens(replicas: Replicas) -> None:
    for settings in replicas.settings:
        action = f"http://127.0.0.1:{settings.action_port}/webhook"
        assert (
            httpx.post(action, json={"next_action": "action_ask_plan"}, timeout=30).status_code
            == 401
        )
        tracker = f"{settings.rasa_url}/conversations/{PARENT}/tracker"
        assert httpx.get(tracker, timeout=30).status_code == 401
        assert httpx.get(tracker, params={"token": "guess"}, timeout=30).status_code == 401
