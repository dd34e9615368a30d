"""The whole chain, as a parent uses it: web chat -> front end -> Rasa -> actions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from iep_assistant.protocol import TROUBLE_TEXT
from iep_assistant.records import tickets
from iep_assistant.records.db import Database
from iep_assistant.records.models import AnswerFeedback
from iep_assistant.records.types import Channel, Speaker

pytestmark = pytest.mark.rasa


def ask(client: httpx.Client, text: str) -> list[dict]:
    response = client.post("/api/chat", json={"message": text})
    assert response.status_code == 200, response.text
    return response.json()["messages"]


@pytest.fixture
def web(running_stack) -> Iterator[httpx.Client]:
    """A new visitor (a client keeps its cookie, as the browser does)."""
    with httpx.Client(base_url=running_stack.web_url, timeout=30) as client:
        yield client


def chat(client: httpx.Client, text: str) -> dict:
    response = client.post("/api/chat", json={"message": text})
    assert response.status_code == 200, response.text
    return response.json()


def updates(client: httpx.Client) -> dict:
    response = client.get("/api/updates")
    assert response.status_code == 200, response.text
    return response.json()


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
    assert answer["article"] == "initial_evaluation_timeline.deadline"
    assert answer["text"].startswith("The school must finish the initial evaluation within 60 days")
    assert "Source: 34 CFR 300.301(c)(1)" in answer["text"]  # the source travels with it
    assert any(b["title"].lower().startswith("tell me more") for b in answer["buttons"])


def test_button_payload_continues_the_conversation(web: httpx.Client) -> None:
    first = ask(web, "what's the difference between a 504 plan and an IEP")[0]
    assert first["article"].startswith("iep_vs_504.")
    more = next(b for b in first["buttons"] if b["title"].lower().startswith("tell me more"))
    details = ask(web, more["payload"])  # runs action_tell_more on the action server
    assert details[0]["article"] == "iep_vs_504"
    assert details[0]["text"].startswith("IEP or 504 plan")  # the details, not the answer
    assert details[0]["text"] != first["text"]


def test_picking_a_point_from_buttons_shows_it(web: httpx.Client) -> None:
    first = ask(web, "what's the difference between a 504 plan and an IEP")[0]
    related = next(b for b in first["buttons"] if "choose_article" in b["payload"])
    shown = ask(web, related["payload"])  # runs action_show_article
    assert shown[0]["article"] != first["article"]
    assert shown[0]["article"] in related["payload"]


def test_two_questions_in_one_message_get_both_answers(web: httpx.Client) -> None:
    answer = ask(
        web, "Can I bring my own advocate to the IEP meeting, and do I get a copy of the IEP?"
    )[0]
    assert "300.321" in answer["text"]  # who may come
    assert "300.322(f)" in answer["text"]  # the copy at no cost


def test_a_story_of_what_happened_gets_the_guide_with_what_to_do(web: httpx.Client) -> None:
    answer = ask(
        web,
        "They keep calling me to pick up my son early because of his behavior, almost every "
        "day now, and the principal says it doesn't count as a suspension. He has an IEP. "
        "Is this allowed? What can I do?",
    )[0]
    assert answer["article"] == "situation.suspension_and_removal"
    assert "What to do now" in answer["text"]
    assert "300.530" in answer["text"]
    letter = next(b for b in answer["buttons"] if b["title"] == "A letter you can send")
    assert "letter you can send" in ask(web, letter["payload"])[0]["text"]


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


# --- hand-off to the school office -------------------------------------------------------------


def test_hand_off_relay_and_resume_end_to_end(web: httpx.Client, records: Database) -> None:
    asked = ask(web, "talk to a person")
    assert "email address or a phone number" in asked[0]["text"]
    handed = chat(web, "My email is pat.parent@example.org")
    ticket_id = handed["ticket"]["id"]
    assert handed["ticket"] == {"open": True, "id": ticket_id}
    assert f"request #{ticket_id}" in handed["messages"][0]["text"]
    visitor = web.cookies.get("iep_visitor")
    with records.session() as session:
        ticket = tickets.ticket(session, ticket_id)
        assert ticket is not None and ticket.open
        assert ticket.requester_ref == visitor
        assert ticket.contact == "pat.parent@example.org"
        assert ticket.channel is Channel.WEB

    # While it is open the assistant stays quiet and the office gets every word.
    held = chat(web, "Also, the meeting is on Tuesday. What is an IEP?")
    assert held == {"messages": [], "ticket": {"open": True, "id": ticket_id}}
    with records.session() as session:
        said = [(line.speaker, line.text) for line in tickets.transcript(session, ticket_id)]
    assert said[-1] == (Speaker.PERSON, "Also, the meeting is on Tuesday. What is an IEP?")

    with records.session() as session:
        tickets.add_line(session, ticket_id, Speaker.STAFF, "Thanks, see you Tuesday.", now())
    assert updates(web) == {
        "messages": [{"text": "Thanks, see you Tuesday.", "from": "office", "author": None}],
        "ticket": {"open": True, "id": ticket_id},
    }
    assert updates(web)["messages"] == []  # shown once

    with records.session() as session:
        tickets.close(session, ticket_id, None, now())
    resumed = updates(web)
    assert resumed["ticket"] == {"open": False}
    (question,) = resumed["messages"]
    assert "Did you get what you needed?" in question["text"]
    assert [b["payload"] for b in question["buttons"]] == ["/affirm", "/deny"]
    assert updates(web) == {"messages": [], "ticket": {"open": False}}  # resumed once

    yes = next(b for b in question["buttons"] if b["payload"] == "/affirm")
    glad = chat(web, yes["payload"])
    assert glad["ticket"] == {"open": False}
    assert glad["messages"] and glad["messages"][0]["text"].startswith("Glad to hear it")
    with records.session() as session:
        rated = session.scalars(
            select(AnswerFeedback).where(AnswerFeedback.rater_ref == visitor)
        ).all()
        assert [(r.article_id, r.helpful) for r in rated] == [(tickets.HANDOFF_ARTICLE, True)]


def test_a_visitor_without_a_ticket_has_no_updates(web: httpx.Client) -> None:
    assert updates(web) == {"messages": [], "ticket": {"open": False}}
    ask(web, "what is a 504 plan?")
    assert updates(web) == {"messages": [], "ticket": {"open": False}}


# --- feedback on answers -----------------------------------------------------------------------


def test_feedback_on_an_answer_is_stored_and_can_be_changed(
    web: httpx.Client, records: Database
) -> None:
    answer = ask(web, "what is a 504 plan?")[0]
    vote = {"article": answer["article"], "helpful": True, "answer": "k3y-0f_answer1"}
    assert web.post("/api/feedback", json=vote).status_code == 200
    assert web.post("/api/feedback", json={**vote, "helpful": False}).status_code == 200
    visitor = web.cookies.get("iep_visitor")
    with records.session() as session:
        rows = session.scalars(
            select(AnswerFeedback).where(AnswerFeedback.rater_ref == visitor)
        ).all()
        assert [(r.article_id, r.helpful, r.answer_ref, r.channel) for r in rows] == [
            (answer["article"], False, "web:k3y-0f_answer1", Channel.WEB)
        ]


def test_bad_feedback_is_refused_and_not_stored(web: httpx.Client, records: Database) -> None:
    ask(web, "what is a 504 plan?")
    bad = web.post(
        "/api/feedback",
        json={"article": "../../etc/passwd", "helpful": True, "answer": "k3y-0f_answer1"},
    )
    assert bad.status_code == 400
    assert "article" in bad.json()["error"]
    visitor = web.cookies.get("iep_visitor")
    with records.session() as session:
        assert not session.scalars(
            select(AnswerFeedback).where(AnswerFeedback.rater_ref == visitor)
        ).all()


def now() -> datetime:
    return datetime.now(UTC)
