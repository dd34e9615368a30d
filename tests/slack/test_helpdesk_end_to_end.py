"""The help desk end to end, as issue 8 tells it: a question, two answers the assistant
is unsure of, a ticket in the help-desk channel, a staff reply relayed to the person,
the person's reply relayed to the thread (and not answered), the ticket closed, the
assistant back, and feedback. Real Bolt app and Rasa; only Slack is fake."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from iep_assistant.records.db import Database
from iep_assistant.records.models import AnswerFeedback, GuardianLink, Person, Student, Ticket
from iep_assistant.records.tickets import HANDOFF_ARTICLE, transcript
from iep_assistant.records.types import Role, Speaker, TicketStatus

from .fake_slack import FakeSlack
from .harness import (
    SlackSender,
    buttons_of,
    click_payload,
    dm,
    feedback_buttons_of,
)

pytestmark = pytest.mark.rasa

HELPDESK = "C0HELPDESK"
STAFF = "U0DEMOCASEMGR"
UNSURE = ["the thing with the stuff", "what was that again"]


@pytest.fixture
def person(running_stack) -> Iterator[tuple[str, Database]]:
    """A parent of Maya's, new to this test (a hand-off pauses their conversation)."""
    database = Database.from_url(running_stack.settings.database_url)
    slack_id = "U0HANDOFF" + uuid.uuid4().hex[:6].upper()
    with database.session() as s:
        parent = Person(
            external_id=slack_id, name="Pat Handoff", role=Role.PARENT, slack_user_id=slack_id
        )
        s.add(parent)
        s.flush()
        maya = s.scalar(select(Student).where(Student.first_name == "Maya"))
        s.add(GuardianLink(person_id=parent.id, student_id=maya.id))
    yield slack_id, database
    database.dispose()


@pytest.fixture
def desk(rasa_slack, person) -> SlackSender:
    return rasa_slack(helpdesk_channel=HELPDESK)


def said(fake: FakeSlack, channel: str, words: str) -> list:
    return [c for c in posts_to(fake, channel) if words in str(c.args.get("text", ""))]


def posts_to(fake: FakeSlack, channel: str) -> list:
    return [c for c in fake.calls_to("chat.postMessage") if c.args.get("channel") == channel]


def wait_until(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_question_unsure_twice_ticket_relay_close_resume_feedback(
    desk: SlackSender, fake_slack: FakeSlack, person
) -> None:
    user, database = person
    their_dm = "D" + user.lstrip("U")

    # A knowledge question, and a thumbs up on its answer.
    desk.event(dm(user, "what is an IEP?"))
    answer = wait_until(lambda: posts_to(fake_slack, their_dm))[0]
    [up, _] = feedback_buttons_of(answer.blocks())
    message = {
        "type": "message",
        "ts": answer.args.get("ts", "1.0"),
        "text": answer.args["text"],
        "blocks": answer.blocks(),
    }
    desk.click(
        click_payload(
            user=user,
            channel=their_dm,
            message=message,
            button=up,
            response_url=fake_slack.response_url("up"),
        )
    )
    wait_until(lambda: said(fake_slack, their_dm, "Thanks for the feedback"))

    # Two answers in a row the assistant is not sure of: the second hands off.
    desk.event(dm(user, UNSURE[0]))
    unsure = wait_until(
        lambda: said(fake_slack, their_dm, "not sure") or said(fake_slack, their_dm, "two ways")
    )
    assert "request #" not in unsure[0].args["text"]
    desk.event(dm(user, UNSURE[1]))
    handed = wait_until(lambda: said(fake_slack, their_dm, "special education office (request #"))[
        0
    ]
    assert "Anything you write here in the meantime goes straight to them" in handed.args["text"]

    # The ticket in the help-desk channel, with the conversation in its thread.
    ticket_post = wait_until(
        lambda: [c for c in posts_to(fake_slack, HELPDESK) if "thread_ts" not in c.args]
    )[0]
    assert "Pat Handoff" in ticket_post.args["text"] and UNSURE[1] in ticket_post.args["text"]
    assert "could not answer" in ticket_post.all_text()
    actions = [e["action_id"] for e in ticket_post.blocks()[-1]["elements"]]
    assert actions == ["helpdesk_take", "helpdesk_close"]
    ticket_ts = _ts_of(fake_slack, ticket_post)
    thread = wait_until(
        lambda: [c for c in posts_to(fake_slack, HELPDESK) if c.args.get("thread_ts") == ticket_ts]
    )
    assert UNSURE[0] in thread[0].args["text"]

    # Staff reply in the thread: relayed to the person's DM.
    staff_reply = {
        "type": "message", "channel": HELPDESK, "channel_type": "channel", "user": STAFF,
        "text": "Hi Pat, I can meet you on Thursday at 3.", "ts": f"{time.time():.6f}",
        "thread_ts": ticket_ts,
    }  # fmt: skip
    desk.event(staff_reply)
    relayed = wait_until(
        lambda: [c for c in posts_to(fake_slack, their_dm) if "Thursday at 3" in c.args["text"]]
    )
    assert relayed[0].args["text"].startswith("*Daniel Okafor at the school office:*")

    # The person answers: it goes to the thread, and the assistant does not answer it.
    before = len(posts_to(fake_slack, their_dm))
    desk.event(dm(user, "Thursday works, thank you. Which room?"))
    wait_until(
        lambda: [
            c for c in posts_to(fake_slack, HELPDESK) if "Which room?" in c.args.get("text", "")
        ]
    )
    time.sleep(1.0)
    assert len(posts_to(fake_slack, their_dm)) == before  # nothing from the bot
    with database.session() as s:
        ticket = s.scalar(select(Ticket).where(Ticket.requester_ref == user))
        lines = [(line.speaker, line.text) for line in transcript(s, ticket.id)]
    assert (Speaker.PERSON, "Thursday works, thank you. Which room?") in lines
    assert (Speaker.STAFF, "Hi Pat, I can meet you on Thursday at 3.") in lines

    # Staff close it: the ticket message shows it, and the assistant asks the person.
    close = {
        "action_id": "helpdesk_close",
        "text": {"type": "plain_text", "text": "Close"},
        "value": str(ticket.id),
    }
    ticket_message = {
        "type": "message",
        "ts": ticket_ts,
        "text": ticket_post.args["text"],
        "blocks": ticket_post.blocks(),
    }
    desk.click(
        click_payload(
            user=STAFF,
            channel=HELPDESK,
            message=ticket_message,
            button=close,
            response_url=fake_slack.response_url("close"),
        )
    )
    asked = wait_until(
        lambda: [
            c
            for c in posts_to(fake_slack, their_dm)
            if "Did you get what you needed?" in c.args["text"]
        ]
    )
    assert [b["text"]["text"] for b in buttons_of(asked[0].blocks())] == ["Yes, thanks", "No"]
    updated = wait_until(lambda: fake_slack.calls_to("chat.update"))
    assert "Closed" in updated[-1].all_text()
    with database.session() as s:
        assert s.get(Ticket, ticket.id).status is TicketStatus.CLOSED

    # The person says yes: the assistant is back, and the answer is kept as feedback.
    [yes, _] = buttons_of(asked[0].blocks())
    asked_message = {
        "type": "message",
        "ts": "1.2",
        "text": asked[0].args["text"],
        "blocks": asked[0].blocks(),
    }
    desk.click(
        click_payload(
            user=user,
            channel=their_dm,
            message=asked_message,
            button=yes,
            response_url=fake_slack.response_url("yes"),
        )
    )
    wait_until(
        lambda: [c for c in posts_to(fake_slack, their_dm) if "Glad to hear it" in c.args["text"]]
    )
    with database.session() as s:
        votes = {
            (f.article_id, f.helpful)
            for f in s.scalars(select(AnswerFeedback).where(AnswerFeedback.rater_ref == user))
        }
    assert votes == {("what_is_an_iep.overview", True), (HANDOFF_ARTICLE, True)}

    # And a new question is answered by the assistant again.
    desk.event(dm(user, "what is a 504 plan?"))
    wait_until(
        lambda: [
            c
            for c in posts_to(fake_slack, their_dm)
            if "504" in c.args["text"] and "Glad" not in c.args["text"]
        ]
    )


def _ts_of(fake: FakeSlack, call) -> str:
    """The ts the fake Slack gave a posted message (its answers count up from one)."""
    index = [c for c in fake.calls_to("chat.postMessage")].index(call)
    return fake.posted_ts[index]


def test_only_staff_can_close_a_ticket_and_a_second_close_does_nothing(person) -> None:
    from iep_assistant.records import tickets
    from iep_assistant.records.types import Channel, HandoffReason

    user, database = person
    now = datetime.now(UTC)
    with database.session() as s:
        parent = s.scalar(select(Person).where(Person.slack_user_id == user))
        opened, created = tickets.open_ticket(
            s, requester_ref=user, requester=parent, channel=Channel.SLACK,
            reason=HandoffReason.ASKED, summary="help", transcript=[], now=now,
        )  # fmt: skip
        again, created_again = tickets.open_ticket(
            s, requester_ref=user, requester=parent, channel=Channel.SLACK,
            reason=HandoffReason.ASKED, summary="again", transcript=[], now=now,
        )  # fmt: skip
        staff = s.scalar(select(Person).where(Person.slack_user_id == STAFF))
        assert created and not created_again and again.id == opened.id
        assert tickets.close(s, opened.id, staff, now) is not None
        assert tickets.close(s, opened.id, staff, now) is None
