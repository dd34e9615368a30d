"""The whole chain, as a parent uses it: web chat -> front end -> Rasa -> actions."""

from __future__ import annotations

import httpx
import pytest

from iep_assistant.protocol import TROUBLE_TEXT

pytestmark = pytest.mark.rasa


def ask(client: httpx.Client, text: str) -> list[dict]:
    response = client.post("/api/chat", json={"message": text})
    assert response.status_code == 200, response.text
    return response.json()["messages"]


@pytest.fixture
def web(running_stack) -> httpx.Client:
    with httpx.Client(base_url=running_stack.web_url, timeout=30) as client:
        yield client


def test_every_process_answers_its_health_check(running_stack) -> None:
    for url in (
        f"{running_stack.action_url}/health",
        f"{running_stack.rasa_url}/webhooks/iep/",
        f"{running_stack.web_url}/healthz",
    ):
        assert httpx.get(url, timeout=5).status_code == 200, url


def test_page_is_served(web: httpx.Client) -> None:
    page = web.get("/")
    assert page.status_code == 200
    assert "<html" in page.text.lower()
    assert "content-security-policy" in page.headers


def test_question_in_own_words_gets_a_cited_answer(web: httpx.Client) -> None:
    messages = ask(
        web, "how long does the school have to finish testing my kid once I sign the form?"
    )
    answer = messages[0]
    assert answer["article"] == "initial_evaluation_timeline"
    assert "60" in answer["text"]
    assert "300.301" in answer["text"]  # the cited source travels with the answer
    assert any(b["title"].lower().startswith("tell me more") for b in answer["buttons"])


def test_button_payload_continues_the_conversation(web: httpx.Client) -> None:
    first = ask(web, "what's the difference between a 504 plan and an IEP")[0]
    assert first["article"] == "iep_vs_504"
    more = next(b for b in first["buttons"] if b["title"].lower().startswith("tell me more"))
    details = ask(web, more["payload"])  # runs action_tell_more on the action server
    assert details[0]["article"] == "iep_vs_504"
    assert details[0]["text"].startswith("IEP or 504 plan")  # the details, not the answer
    assert details[0]["text"] != first["text"]


def test_picking_an_article_from_buttons_shows_it(web: httpx.Client) -> None:
    first = ask(web, "what's the difference between a 504 plan and an IEP")[0]
    related = next(b for b in first["buttons"] if "choose_article" in b["payload"])
    shown = ask(web, related["payload"])  # runs action_show_article
    assert shown[0]["article"] != "iep_vs_504"
    assert shown[0]["article"] in related["payload"]


def test_visitor_gets_an_unguessable_web_id(web: httpx.Client) -> None:
    ask(web, "hello")
    visitor = web.cookies.get("iep_visitor")
    assert visitor and visitor.startswith("web-") and len(visitor) >= 30


def test_empty_message_gets_a_clear_answer(web: httpx.Client) -> None:
    messages = ask(web, "   ")
    assert messages and messages[0]["text"]
    assert messages[0]["text"] != TROUBLE_TEXT


def test_greeting_is_not_answered_with_an_article(web: httpx.Client) -> None:
    messages = ask(web, "hi there")
    assert messages and "article" not in messages[0]
