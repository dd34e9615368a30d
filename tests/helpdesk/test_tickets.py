"""Tickets, relaying and feedback in the data layer (SQLite and PostgreSQL)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from iep_assistant.config import load_settings
from iep_assistant.helpdesk import relay
from iep_assistant.records import demo, tickets
from iep_assistant.records.models import AuditEntry, Person, Student
from iep_assistant.records.types import Channel, HandoffReason, Speaker, TicketStatus

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def _district(database):
    demo.load(database, load_settings(env={}, dotenv=False), today=NOW.date())


def test_open_relay_close_and_resume_once(database):
    _district(database)
    with database.session() as s:
        parent = s.scalar(select(Person).where(Person.slack_user_id == "U0DEMOPARENT1"))
        maya = s.scalar(select(Student).where(Student.first_name == "Maya"))
        opened, created = tickets.open_ticket(
            s, requester_ref="U0DEMOPARENT1", requester=parent, channel=Channel.SLACK,
            reason=HandoffReason.ASKED, summary="when is the meeting",
            transcript=[(Speaker.PERSON, "when is the meeting"), (Speaker.ASSISTANT, "...")],
            now=NOW, student_id=maya.id,
        )  # fmt: skip
    assert (
        created
        and opened.student_name == "Maya Alvarez"
        and opened.requester_name == "Rosa Alvarez"
    )
    with database.session() as s:
        assert relay.person_wrote(s, "U0DEMOPARENT1", "are you there?", NOW) is not None
        assert relay.person_wrote(s, "U0SOMEONEELSE", "hi", NOW) is None
        staff = s.scalar(select(Person).where(Person.slack_user_id == "U0DEMOCASEMGR"))
        tickets.add_line(s, opened.id, Speaker.STAFF, "Yes, hello", NOW, author=staff)
    with database.session() as s:
        first = relay.updates_for(s, "U0DEMOPARENT1", NOW)
        again = relay.updates_for(s, "U0DEMOPARENT1", NOW)
    assert [(line.author, line.text) for line in first.lines] == [("Daniel Okafor", "Yes, hello")]
    assert again.lines == [] and not first.resume
    with database.session() as s:
        assert (
            tickets.close(s, opened.id, staff, NOW + timedelta(minutes=5)).status
            is TicketStatus.CLOSED
        )
    with database.session() as s:
        closed = relay.updates_for(s, "U0DEMOPARENT1", NOW)
        later = relay.updates_for(s, "U0DEMOPARENT1", NOW)
    assert closed.resume and not later.resume  # resumed once only
    with database.session() as s:
        whats = set(s.scalars(select(AuditEntry.what).where(AuditEntry.student_id == maya.id)))
    assert {"ticket", "ticket:close"} <= whats


def test_feedback_one_vote_per_answer_and_weakest_first(database):
    with database.session() as s:
        for rater, answer, article, helpful in [
            ("a", "1", "stay_put", True), ("a", "1", "stay_put", False),  # changed their mind
            ("b", "2", "stay_put", False), ("c", "3", "what_is_an_iep", True),
        ]:  # fmt: skip
            tickets.record_feedback(
                s, article_id=article, helpful=helpful, rater_ref=rater, answer_ref=answer,
                channel=Channel.WEB, now=NOW,
            )  # fmt: skip
    with database.session() as s:
        scores = tickets.article_scores(s)
    assert [(x.article_id, x.helpful, x.not_helpful) for x in scores] == [
        ("stay_put", 0, 2),
        ("what_is_an_iep", 1, 0),
    ]


def test_only_staff_in_the_records_may_work_requests(database):
    _district(database)
    with database.session() as s:
        assert tickets.staff_member(s, "U0DEMOCASEMGR").name == "Daniel Okafor"
        assert tickets.staff_member(s, "U0DEMOADMIN") is not None
        assert tickets.staff_member(s, "U0DEMOPARENT1") is None  # a parent
        assert tickets.staff_member(s, "U0STRANGER") is None  # unknown to the records
