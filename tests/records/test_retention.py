"""Retention (purge) and forgetting a person, on the records and on Rasa's transcripts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from iep_assistant.config import load_settings
from iep_assistant.records import demo, tickets
from iep_assistant.records.models import (
    AnswerFeedback,
    AuditEntry,
    GuardianLink,
    Person,
    ReminderRule,
    Ticket,
)
from iep_assistant.records.retention import Retention, forget, purge
from iep_assistant.records.store import StudentRecords, find_person
from iep_assistant.records.transcripts import EVENTS, Transcripts
from iep_assistant.records.types import Channel, HandoffReason, Speaker

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
PARENT = "U0DEMOPARENT1"


@pytest.fixture
def transcripts(database_url) -> Transcripts:
    """A tracker store with Rasa's events table, on the same server kind as the records."""
    store = Transcripts(database_url)
    EVENTS.metadata.create_all(store.engine)
    yield store
    store.dispose()


def said(store: Transcripts, sender: str, kind: str, when: datetime) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            insert(EVENTS).values(sender_id=sender, type_name=kind, timestamp=when.timestamp())
        )


def test_purge_removes_old_conversations_and_keeps_the_session_under_way(database, transcripts):
    old, recent = NOW - timedelta(days=400), NOW - timedelta(days=2)
    for kind in ("session_started", "user", "bot"):
        said(transcripts, "U0GONE", kind, old)  # a conversation that ended long ago
        said(transcripts, "U0LONG", kind, old)  # an earlier session of someone still here
    for kind in ("session_started", "user", "bot"):
        said(transcripts, "U0LONG", kind, recent)
    with database.session() as s:
        removed = purge(s, transcripts, Retention(transcript_days=365), NOW)
    assert removed.counts["transcript events"] == 6
    assert transcripts.count("U0GONE") == 0
    assert transcripts.count("U0LONG") == 3  # the recent session, whole


def test_purge_keeps_the_access_log_for_its_own_period(database, transcripts):
    demo.load(database, load_settings(env={}, dotenv=False), today=NOW.date())
    with database.session() as s:
        for days in (3000, 500):
            s.add(
                AuditEntry(
                    at=NOW - timedelta(days=days),
                    actor_ref="x",
                    action="read",
                    what="plan",
                    channel="slack",
                )
            )
    with database.session() as s:
        before = s.scalar(select(func.count()).select_from(AuditEntry))
        purge(s, transcripts, Retention(audit_days=2555), NOW)
        after = s.scalar(select(func.count()).select_from(AuditEntry))
    assert before - after == 1  # only the seven-year-old entry


def test_forget_removes_a_persons_conversations_and_data_and_says_so(database, transcripts):
    demo.load(database, load_settings(env={}, dotenv=False), today=NOW.date())
    said(transcripts, PARENT, "user", NOW)
    said(transcripts, "U0SOMEONEELSE", "user", NOW)
    with database.session() as s:
        person = find_person(s, PARENT)
        records = StudentRecords(s, person, channel=Channel.SLACK)
        records.plan(records.students()[0].id)  # an access on record
        tickets.open_ticket(
            s, requester_ref=PARENT, requester=person, channel=Channel.SLACK,
            reason=HandoffReason.ASKED, summary="help", transcript=[(Speaker.PERSON, "help")],
            now=NOW,
        )  # fmt: skip
        tickets.record_feedback(
            s, article_id="stay_put", helpful=True, rater_ref=PARENT, answer_ref="a",
            channel=Channel.SLACK, now=NOW,
        )  # fmt: skip
        s.add(
            ReminderRule(
                person_id=person.id, lead_days=1, lead_minutes=0, time_zone="UTC", created_at=NOW
            )
        )
        person_id = person.id
    with database.session() as s:
        done = forget(s, transcripts, PARENT, now=NOW, by="cli:test")
    assert done.person_found
    with database.session() as s:
        assert find_person(s, PARENT) is None
        assert s.scalar(select(func.count()).where(GuardianLink.person_id == person_id)) == 0
        assert s.scalar(select(func.count()).where(ReminderRule.person_id == person_id)) == 0
        assert s.scalar(select(func.count()).where(Ticket.requester_ref == PARENT)) == 0
        assert s.scalar(select(func.count()).where(AnswerFeedback.rater_ref == PARENT)) == 0
        # The access log keeps what was accessed, and records the forgetting.
        assert s.scalar(select(func.count()).where(AuditEntry.what == "plan")) >= 1
        assert s.scalar(select(func.count()).where(AuditEntry.actor_id == person_id)) == 0
        assert (
            s.scalar(select(AuditEntry.actor_ref).where(AuditEntry.what == "forget")) == "cli:test"
        )
        assert s.scalar(select(func.count()).select_from(Person)) > 0  # nobody else
    assert transcripts.count(PARENT) == 0
    assert transcripts.count("U0SOMEONEELSE") == 1


def test_forget_a_web_visitor_with_no_profile(database, transcripts):
    said(transcripts, "web-abc", "user", NOW)
    with database.session() as s:
        done = forget(s, transcripts, "web-abc", now=NOW, by="cli:test")
    assert not done.person_found and done.removed.counts["transcript events"] == 1
