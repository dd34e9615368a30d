"""The web chat's routes, through the real app with a recording stub of the assistant.

Each test runs on SQLite and on PostgreSQL (the ``database`` fixture). The assistant
stub stands in for Rasa and the actions: it opens a ticket the way the hand-off
action does, so the routes' part of the hand-off can be checked alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.app import create_app
from bot.web.office import CLOSED_TEXT
from bot.web.visitor import VISITOR_COOKIE, new_visitor_id
from iep_assistant.config import load_settings
from iep_assistant.protocol import TROUBLE_TEXT, BotMessage, Button
from iep_assistant.records import tickets
from iep_assistant.records.db import Database
from iep_assistant.records.models import AnswerFeedback
from iep_assistant.records.types import Channel, HandoffReason, Speaker
from tests.web.stubs import GOT_HELP, RecordingAssistant, RecordingHelpDesk

ARTICLE = "iep_vs_504"
ANSWER = BotMessage(
    text="An IEP is special education; a 504 plan is access. See idea.ed.gov",
    buttons=(Button("Tell me more", "/tell_more"),),
    custom={"article": ARTICLE},
)


def now() -> datetime:
    return datetime.now(UTC)


def open_ticket(database: Database, visitor: str, contact: str | None = None) -> int:
    """What the hand-off action does for a web visitor."""
    with database.session() as session:
        found, _ = tickets.open_ticket(
            session,
            requester_ref=visitor,
            requester=None,
            channel=Channel.WEB,
            reason=HandoffReason.ASKED,
            summary="talk to a person",
            transcript=[(Speaker.PERSON, "talk to a person")],
            now=now(),
            contact=contact,
        )
        return found.id


@pytest.fixture
def assistant(database: Database) -> RecordingAssistant:
    def answer(sender: str, text: str) -> list[BotMessage]:
        if text == "talk to a person":
            ticket_id = open_ticket(database, sender, contact="pat@example.org")
            return [
                BotMessage(text=f"Passed on (request #{ticket_id}).", custom={"handoff": ticket_id})
            ]
        if text == "my child's goals":
            return [BotMessage(text="Maya's goals ...", custom={"private": True})]
        if text == "nothing":
            return []
        return [ANSWER]

    return RecordingAssistant(answer)


@pytest.fixture
def client(database: Database, assistant: RecordingAssistant) -> Iterator[TestClient]:
    settings = load_settings(env={}, dotenv=False)
    app = create_app(settings, assistant=assistant, database=database)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def visitor(client: TestClient) -> str:
    """A returning visitor (the cookie the page got on its first question)."""
    value = new_visitor_id()
    client.cookies.set(VISITOR_COOKIE, value)
    return value


def chat(client: TestClient, message: object, **extra: object) -> dict:
    response = client.post("/api/chat", json={"message": message, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def lines(database: Database, ticket_id: int) -> list[tuple[Speaker, str]]:
    with database.session() as session:
        return [(line.speaker, line.text) for line in tickets.transcript(session, ticket_id)]


def votes(database: Database) -> list[tuple[str, bool, str, str]]:
    with database.session() as session:
        rows = session.scalars(select(AnswerFeedback).order_by(AnswerFeedback.id))
        return [(r.article_id, r.helpful, r.rater_ref, r.answer_ref) for r in rows]


# --- asking ------------------------------------------------------------------------------------


def test_a_question_is_answered_with_buttons_and_article(
    client: TestClient, assistant: RecordingAssistant
) -> None:
    reply = chat(client, "what is a 504 plan?")
    assert reply == {"messages": [{**ANSWER_JSON}]}
    visitor = client.cookies.get(VISITOR_COOKIE)
    assert visitor and visitor.startswith("web-")
    assert assistant.sent == [(visitor, "what is a 504 plan?", {"channel": "web"})]


ANSWER_JSON = {
    "text": ANSWER.text,
    "buttons": [{"title": "Tell me more", "payload": "/tell_more"}],
    "article": ARTICLE,
}


def test_personal_messages_never_reach_the_page(client: TestClient) -> None:
    response = client.post("/api/chat", json={"message": "my child's goals"})
    assert response.status_code == 503
    assert response.json()["messages"] == [{"text": TROUBLE_TEXT}]


def test_bad_json_is_refused_clearly(client: TestClient, assistant: RecordingAssistant) -> None:
    response = client.post(
        "/api/chat", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]
    assert assistant.sent == []


@pytest.mark.parametrize("message", [None, 42, "   ", "?!"])
def test_a_message_that_is_no_question_gets_a_plain_answer(
    client: TestClient, assistant: RecordingAssistant, message: object
) -> None:
    reply = chat(client, message)
    assert reply["messages"][0]["text"] not in ("", TROUBLE_TEXT)
    assert assistant.sent == []


def test_a_huge_body_is_not_sent_on(client: TestClient, assistant: RecordingAssistant) -> None:
    reply = chat(client, "x" * 20_000)
    assert "too long" in reply["messages"][0]["text"]
    assert assistant.sent == []


def test_rasa_down_gives_the_trouble_text(
    client: TestClient, assistant: RecordingAssistant
) -> None:
    assistant.down = True
    response = client.post("/api/chat", json={"message": "what is a 504 plan?"})
    assert response.status_code == 503
    assert response.json() == {"messages": [{"text": TROUBLE_TEXT}]}


def test_rasa_saying_nothing_gives_the_trouble_text(client: TestClient) -> None:
    response = client.post("/api/chat", json={"message": "nothing"})
    assert response.status_code == 503
    assert response.json()["messages"] == [{"text": TROUBLE_TEXT}]


def test_database_down_gives_the_trouble_text(tmp_path, assistant: RecordingAssistant) -> None:
    unmigrated = Database.from_url(f"sqlite:///{tmp_path / 'empty.db'}")  # no tables
    app = create_app(load_settings(env={}, dotenv=False), assistant=assistant, database=unmigrated)
    with TestClient(app) as client:
        client.cookies.set(VISITOR_COOKIE, new_visitor_id())
        response = client.post("/api/chat", json={"message": "what is a 504 plan?"})
        assert response.status_code == 503
        assert response.json()["messages"] == [{"text": TROUBLE_TEXT}]
        assert assistant.sent == []  # it might have been for the office
        polled = client.get("/api/updates")
        assert polled.status_code == 503
        assert polled.json() == {"error": TROUBLE_TEXT}
    unmigrated.dispose()


# --- the hand-off ------------------------------------------------------------------------------


def test_hand_off_reply_carries_the_ticket(client: TestClient, database: Database) -> None:
    reply = chat(client, "talk to a person")
    ticket_id = reply["ticket"]["id"]
    assert reply["ticket"] == {"open": True, "id": ticket_id}
    assert f"#{ticket_id}" in reply["messages"][0]["text"]
    with database.session() as session:
        found = tickets.ticket(session, ticket_id)
        assert found is not None
        assert found.contact == "pat@example.org"
        assert found.requester_ref == client.cookies.get(VISITOR_COOKIE)


def test_hand_off_is_posted_to_the_help_desk_when_there_is_one(
    client: TestClient, database: Database
) -> None:
    helpdesk = client.app.state.helpdesk = RecordingHelpDesk(database)
    reply = chat(client, "talk to a person")
    assert helpdesk.posted == [reply["ticket"]["id"]]


def test_while_a_ticket_is_open_messages_go_to_the_office_only(
    client: TestClient, assistant: RecordingAssistant, database: Database, visitor: str
) -> None:
    ticket_id = open_ticket(database, visitor)
    reply = chat(client, "Is anyone there?")
    assert reply == {"messages": [], "ticket": {"open": True, "id": ticket_id}}
    # A clicked button is kept as the person saw it, not as its payload.
    chat(client, "/tell_more", shown="Tell me more")
    assert assistant.sent == []
    assert lines(database, ticket_id)[-2:] == [
        (Speaker.PERSON, "Is anyone there?"),
        (Speaker.PERSON, "Tell me more"),
    ]


def test_with_a_help_desk_the_office_gets_the_message_through_it(
    client: TestClient, assistant: RecordingAssistant, database: Database, visitor: str
) -> None:
    helpdesk = client.app.state.helpdesk = RecordingHelpDesk(database)
    ticket_id = open_ticket(database, visitor)
    reply = chat(client, "Is anyone there?")
    assert reply["ticket"] == {"open": True, "id": ticket_id}
    assert helpdesk.wrote == [(visitor, "Is anyone there?")]
    assert lines(database, ticket_id)[-1] == (Speaker.PERSON, "Is anyone there?")
    assert assistant.sent == []


def test_updates_without_a_visitor_are_empty(client: TestClient) -> None:
    polled = client.get("/api/updates")
    assert polled.status_code == 200
    assert polled.json() == {"messages": [], "ticket": {"open": False}}


def test_office_replies_are_shown_once_then_the_assistant_takes_over(
    client: TestClient, assistant: RecordingAssistant, database: Database, visitor: str
) -> None:
    ticket_id = open_ticket(database, visitor)
    with database.session() as session:
        tickets.add_line(session, ticket_id, Speaker.STAFF, "We'll call you tomorrow.", now())
    first = client.get("/api/updates").json()
    assert first == {
        "messages": [{"text": "We'll call you tomorrow.", "from": "office", "author": None}],
        "ticket": {"open": True, "id": ticket_id},
    }
    assert client.get("/api/updates").json()["messages"] == []

    with database.session() as session:
        tickets.close(session, ticket_id, None, now())
    closed = client.get("/api/updates").json()
    assert closed == {
        "messages": [{"text": GOT_HELP.text, "buttons": [b.as_dict() for b in GOT_HELP.buttons]}],
        "ticket": {"open": False},
    }
    assert assistant.resumed == [(visitor, "ticket_closed")]
    assert client.get("/api/updates").json() == {"messages": [], "ticket": {"open": False}}
    assert assistant.resumed == [(visitor, "ticket_closed")]  # once only

    assert chat(client, "/affirm", shown="Yes, thanks")["messages"] == [ANSWER_JSON]
    assert assistant.sent[-1][1] == "/affirm"


def test_a_close_the_page_missed_is_caught_up_before_the_next_answer(
    client: TestClient, assistant: RecordingAssistant, database: Database, visitor: str
) -> None:
    ticket_id = open_ticket(database, visitor)
    with database.session() as session:
        tickets.add_line(session, ticket_id, Speaker.STAFF, "All sorted.", now())
        tickets.close(session, ticket_id, None, now())
    reply = chat(client, "what is a 504 plan?")
    assert [m["text"] for m in reply["messages"]] == ["All sorted.", GOT_HELP.text, ANSWER.text]
    assert reply["ticket"] == {"open": False}  # the page stops polling


def test_office_replies_survive_a_failed_resume(
    client: TestClient, assistant: RecordingAssistant, database: Database, visitor: str
) -> None:
    ticket_id = open_ticket(database, visitor)
    with database.session() as session:
        tickets.add_line(session, ticket_id, Speaker.STAFF, "All sorted.", now())
        tickets.close(session, ticket_id, None, now())
    assistant.down = True
    polled = client.get("/api/updates")
    assert polled.status_code == 200
    assert [m["text"] for m in polled.json()["messages"]] == ["All sorted.", CLOSED_TEXT]


def test_a_resume_that_says_nothing_still_tells_the_visitor(
    client: TestClient, assistant: RecordingAssistant, database: Database, visitor: str
) -> None:
    ticket_id = open_ticket(database, visitor)
    with database.session() as session:
        tickets.close(session, ticket_id, None, now())

    async def silent(sender: str, intent: str = "ticket_closed") -> list[BotMessage]:
        return []

    assistant.resume = silent  # type: ignore[method-assign]
    assert client.get("/api/updates").json()["messages"] == [{"text": CLOSED_TEXT}]


# --- feedback ----------------------------------------------------------------------------------


def test_feedback_is_stored_and_a_second_click_changes_it(
    client: TestClient, database: Database, visitor: str
) -> None:
    vote = {"article": ARTICLE, "helpful": True, "answer": "a1b2c3d4e5"}
    response = client.post("/api/feedback", json=vote)
    assert response.status_code == 200, response.text
    assert votes(database) == [(ARTICLE, True, visitor, "web:a1b2c3d4e5")]
    client.post("/api/feedback", json={**vote, "helpful": False})
    assert votes(database) == [(ARTICLE, False, visitor, "web:a1b2c3d4e5")]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"{not json", "JSON"),
        (b"", "JSON"),
        (b'["iep_vs_504", true]', "JSON object"),
        (b'{"article": "no_such_article", "helpful": true, "answer": "a1b2c3d4"}', "article"),
        (b'{"article": "iep_vs_504", "helpful": "yes", "answer": "a1b2c3d4"}', "true or false"),
        (b'{"article": "iep_vs_504", "helpful": true, "answer": "<script>"}', "answer"),
        (b'{"article": "iep_vs_504", "helpful": true, "answer": "' + b"a" * 2000 + b'"}', "large"),
    ],
)
def test_bad_feedback_is_refused_and_nothing_stored(
    client: TestClient, database: Database, visitor: str, body: bytes, problem: str
) -> None:
    response = client.post(
        "/api/feedback", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert problem in response.json()["error"]
    assert votes(database) == []


def test_feedback_needs_the_chat_cookie(client: TestClient, database: Database) -> None:
    response = client.post(
        "/api/feedback", json={"article": ARTICLE, "helpful": True, "answer": "a1b2c3d4"}
    )
    assert response.status_code == 400
    assert "visitor" in response.json()["error"]
    assert votes(database) == []


def test_readiness_follows_the_records_database(tmp_path):
    """/healthz says the process serves; /readyz also needs the records database."""
    from starlette.testclient import TestClient as Client

    from bot.app import create_app
    from iep_assistant.config import load_settings
    from iep_assistant.records.db import Database

    settings = load_settings(env={}, dotenv=False)
    good = Database.from_url(f"sqlite:///{tmp_path / 'ok.db'}")
    # Nothing listens on port 1: the connection is refused at once.
    broken = Database.from_url("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with Client(create_app(settings, database=good)) as client:
        assert client.get("/readyz").status_code == 200
    with Client(create_app(settings, database=broken)) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
