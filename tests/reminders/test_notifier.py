"""The notifier with a controllable clock (SQLite and PostgreSQL): reminders asked for,
meeting notices, moved and cancelled meetings, late delivery, digests, and taking over
a claim from a process that died."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from iep_assistant.config import load_settings
from iep_assistant.records import demo
from iep_assistant.records import notifications as store
from iep_assistant.records.models import Meeting, Notification, Person, Student
from iep_assistant.records.store import StudentRecords, find_person
from iep_assistant.records.types import Channel, MeetingStatus, NotificationStatus
from iep_assistant.reminders.delivery import Notifier
from iep_assistant.reminders.timing import Lead

TODAY = date(2026, 11, 30)
CHICAGO = ZoneInfo("America/Chicago")
# Only what a test asks for: no meeting notices, digests far away.
QUIET = store.NoticeDefaults(meeting_notice_days=0, digest_weekday=6, digest_hour=23)


def chicago(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CHICAGO).astimezone(UTC)


@dataclass
class FakeMessenger:
    sent: list[tuple[str, str, int]] = field(default_factory=list)

    async def send(self, user_id: str, text: str, notification_id: int) -> str:
        self.sent.append((user_id, text, notification_id))
        return f"{len(self.sent)}.0001"

    async def find_sent(self, user_id, notification_id, since) -> str | None:
        hits = [n for n in self.sent if n[0] == user_id and n[2] == notification_id]
        return "1.0001" if hits else None

    def texts(self, user: str | None = None) -> list[str]:
        return [t for u, t, _ in self.sent if user is None or u == user]


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def district(database):
    demo.load(database, load_settings(env={}, dotenv=False), today=TODAY)
    return database


def maya_meeting(database) -> Meeting:
    with database.session() as s:
        return s.scalars(select(Meeting).join(Student).where(Student.first_name == "Maya")).one()


def remind(database, who: str, lead: Lead, meeting_id: int | None, at: datetime) -> int:
    with database.session() as s:
        person = find_person(s, who)
        records = StudentRecords(s, person, channel=Channel.SLACK)
        rule = store.create_rule(
            records, lead=lead, time_zone="America/Chicago", now=at, meeting_id=meeting_id
        )
        return rule.id


def notifier(database, clock, defaults=QUIET, **kwargs) -> tuple[Notifier, FakeMessenger]:
    messenger = FakeMessenger()
    return Notifier(database, messenger, defaults, clock=clock, **kwargs), messenger


def run(n: Notifier) -> int:
    return asyncio.run(n.run_once())


PARENT = "U0DEMOPARENT1"


def test_a_reminder_is_sent_once_at_its_local_time(district):
    meeting = maya_meeting(district)  # Monday, December 7 at 2:30 pm Chicago
    assert meeting.starts_at == chicago(2026, 12, 7, 14, 30)
    clock = Clock(chicago(2026, 11, 30, 9))
    remind(district, PARENT, Lead(days=2), meeting.id, clock.now)
    n, slack = notifier(district, clock)
    assert run(n) == 0
    clock.now = chicago(2026, 12, 5, 14, 29)
    assert run(n) == 0
    clock.now = chicago(2026, 12, 5, 14, 30)
    assert run(n) == 1
    assert run(n) == 0  # never twice
    (text,) = slack.texts(PARENT)
    assert text.startswith("Reminder: Maya Alvarez's annual IEP review on Monday, December 7")
    assert "at 2:30 pm CST" in text and "in 2 days" in text
    assert "you asked to be reminded 2 days before" in text
    assert "late" not in text


def test_a_standing_rule_covers_each_meeting_at_8am_the_day_before(district):
    clock = Clock(chicago(2026, 11, 30, 9))
    remind(district, "U0DEMOCASEMGR", Lead(days=1, at=time(8)), None, clock.now)
    n, slack = notifier(district, clock)
    clock.now = chicago(2026, 12, 6, 8, 0)  # the day before Maya's meeting
    run(n)
    texts = slack.texts("U0DEMOCASEMGR")
    assert any("Maya Alvarez's annual IEP review" in t for t in texts)
    with district.session() as s:
        pending = s.scalars(
            select(Notification).where(Notification.status == NotificationStatus.PENDING)
        ).all()
    # Every later meeting of theirs has its own reminder waiting, at 8 am local time.
    assert pending and all(p.due_at.astimezone(CHICAGO).time() == time(8) for p in pending)


def test_a_moved_meeting_moves_its_reminder_and_the_person_is_told(district):
    meeting = maya_meeting(district)
    clock = Clock(chicago(2026, 11, 30, 9))
    remind(district, PARENT, Lead(days=2), meeting.id, clock.now)
    n, slack = notifier(district, clock)
    run(n)
    with district.session() as s:
        s.get(Meeting, meeting.id).starts_at = chicago(2026, 12, 14, 9)
    clock.now = chicago(2026, 11, 30, 10)
    run(n)
    (moved,) = slack.texts(PARENT)
    assert moved.startswith(
        "Meeting moved: Maya Alvarez's annual IEP review on Monday, December 14"
    )
    assert "It was Monday, December 7 at 2:30 pm" in moved
    clock.now = chicago(2026, 12, 5, 14, 30)  # the old time: nothing
    run(n)
    assert len(slack.texts(PARENT)) == 1
    clock.now = chicago(2026, 12, 12, 9)  # two days before the new time
    run(n)
    assert slack.texts(PARENT)[-1].startswith(
        "Reminder: Maya Alvarez's annual IEP review on Monday, December 14"
    )
    assert len(slack.texts(PARENT)) == 2


def test_a_cancelled_meeting_cancels_its_reminder_and_says_so(district):
    meeting = maya_meeting(district)
    clock = Clock(chicago(2026, 11, 30, 9))
    remind(district, PARENT, Lead(days=2), meeting.id, clock.now)
    with district.session() as s:
        s.get(Meeting, meeting.id).status = MeetingStatus.CANCELLED
    n, slack = notifier(district, clock)
    run(n)
    clock.now = chicago(2026, 12, 6, 9)
    run(n)
    assert len(slack.texts(PARENT)) == 1
    assert slack.texts(PARENT)[0].startswith("Meeting cancelled: Maya Alvarez's annual IEP review")


def test_a_cancelled_rule_sends_nothing(district):
    meeting = maya_meeting(district)
    clock = Clock(chicago(2026, 11, 30, 9))
    rule_id = remind(district, PARENT, Lead(days=2), meeting.id, clock.now)
    n, slack = notifier(district, clock)
    run(n)
    with district.session() as s:
        records = StudentRecords(s, find_person(s, PARENT), channel=Channel.SLACK)
        assert [r.id for r in store.active_rules(records, clock.now)] == [rule_id]
        assert store.cancel_rule(records, rule_id, clock.now)
        assert store.active_rules(records, clock.now) == []
    clock.now = chicago(2026, 12, 6, 9)
    run(n)
    assert slack.sent == []


def test_someone_elses_rule_cannot_be_cancelled(district):
    meeting = maya_meeting(district)
    rule_id = remind(district, PARENT, Lead(days=2), meeting.id, chicago(2026, 11, 30, 9))
    with district.session() as s:
        other = StudentRecords(s, find_person(s, "U0DEMOPARENT2"), channel=Channel.SLACK)
        assert not store.cancel_rule(other, rule_id, chicago(2026, 11, 30, 9))


def test_one_missed_while_down_is_sent_late_and_says_so(district):
    meeting = maya_meeting(district)
    clock = Clock(chicago(2026, 11, 30, 9))
    remind(district, PARENT, Lead(days=2), meeting.id, clock.now)
    n, slack = notifier(district, clock)
    run(n)
    clock.now = chicago(2026, 12, 5, 18, 0)  # down from before 2:30 pm until 6 pm
    assert run(n) == 1
    assert "sending it late because I was offline" in slack.texts(PARENT)[0]
    assert "Saturday, December 5 at 2:30 pm" in slack.texts(PARENT)[0]


def test_a_claim_left_by_a_dead_process_is_taken_over_after_the_lease(district):
    meeting = maya_meeting(district)
    clock = Clock(chicago(2026, 11, 30, 9))
    remind(district, PARENT, Lead(days=2), meeting.id, clock.now)
    n, slack = notifier(district, clock, lease=timedelta(minutes=5))
    run(n)
    clock.now = chicago(2026, 12, 5, 14, 30)
    with district.session() as s:  # another process claims it, then dies
        assert store.claim_due(s, "dead:1", clock.now, lease=timedelta(minutes=5))
    assert run(n) == 0  # still leased
    clock.now += timedelta(minutes=6)
    assert run(n) == 1
    assert run(n) == 0
    assert len(slack.texts(PARENT)) == 1


def test_a_message_sent_just_before_a_crash_is_not_sent_again(district):
    meeting = maya_meeting(district)
    clock = Clock(chicago(2026, 11, 30, 9))
    remind(district, PARENT, Lead(days=2), meeting.id, clock.now)
    n, slack = notifier(district, clock)
    run(n)
    clock.now = chicago(2026, 12, 5, 14, 30)
    with district.session() as s:
        (note_id,) = store.claim_due(s, "dead:1", clock.now, lease=timedelta(minutes=5))
    asyncio.run(slack.send(PARENT, "Reminder: (sent, then the process died)", note_id))
    clock.now += timedelta(minutes=6)
    assert run(n) == 0  # Slack already has it: marked sent, not posted again
    assert len(slack.sent) == 1
    with district.session() as s:
        assert s.get(Notification, note_id).status is NotificationStatus.SENT


def test_two_notifiers_on_one_database_send_each_message_once(district):
    clock = Clock(chicago(2026, 11, 30, 9))
    remind(district, "U0DEMOCASEMGR", Lead(days=30), None, clock.now)
    a, slack_a = notifier(district, clock, worker="a", batch=2)
    b, slack_b = notifier(district, clock, worker="b", batch=2)
    clock.now = chicago(2026, 12, 30, 9)

    async def both() -> None:
        await asyncio.gather(a.run_once(), b.run_once())

    asyncio.run(both())
    ids = [i for *_, i in slack_a.sent + slack_b.sent]
    assert len(ids) > 3 and len(ids) == len(set(ids))


def test_meeting_notices_reach_every_invitee_in_slack(district):
    clock = Clock(chicago(2026, 12, 4, 8, 0))  # 3 days before Maya's meeting, 8 am
    defaults = store.NoticeDefaults(meeting_notice_days=3, digest_weekday=6, digest_hour=23)
    n, slack = notifier(district, clock, defaults=defaults)
    run(n)
    notices = [t for t in slack.texts() if "Maya Alvarez's annual IEP review" in t]
    receivers = {u for u, t, _ in slack.sent if "Maya Alvarez's annual IEP review" in t}
    assert receivers == {"U0DEMOPARENT1", "U0DEMOCASEMGR", "U0DEMOSLP"}
    assert all(t.startswith("Coming up: you're invited to") for t in notices)


def test_a_school_can_turn_meeting_notices_off(district):
    from iep_assistant.records.models import School

    with district.session() as s:
        for school in s.scalars(select(School)):
            school.meeting_notice_days = 0
    clock = Clock(chicago(2026, 12, 4, 8, 0))
    defaults = store.NoticeDefaults(meeting_notice_days=3, digest_weekday=6, digest_hour=23)
    n, slack = notifier(district, clock, defaults=defaults)
    run(n)
    assert not [t for t in slack.texts() if t.startswith("Coming up")]


def test_case_managers_get_one_weekly_digest_overdue_first(district):
    defaults = store.NoticeDefaults(meeting_notice_days=0, digest_weekday=0, digest_hour=7)
    clock = Clock(chicago(2026, 11, 30, 7, 0))  # Monday 7 am
    n, slack = notifier(district, clock, defaults=defaults)
    run(n)
    clock.now += timedelta(hours=3)
    run(n)
    digests = slack.texts("U0DEMOCASEMGR")
    assert len(digests) == 1
    text = digests[0]
    assert text.startswith("Your weekly deadlines:")
    assert text.index("Overdue") < text.index("Next 30 days")
    assert "Sofia Castillo: initial evaluation" in text
    assert slack.texts("U0DEMOPARENT1") == []  # parents get no digest
    clock.now = chicago(2026, 12, 7, 7, 0)  # next Monday: the next one
    run(n)
    assert len(slack.texts("U0DEMOCASEMGR")) == 2


def test_a_person_who_lost_access_gets_no_reminder(district):
    meeting = maya_meeting(district)
    clock = Clock(chicago(2026, 11, 30, 9))
    remind(district, PARENT, Lead(days=2), meeting.id, clock.now)
    n, slack = notifier(district, clock)
    run(n)
    from iep_assistant.records.models import GuardianLink

    with district.session() as s:
        person = s.scalar(select(Person).where(Person.slack_user_id == PARENT))
        for link in s.scalars(select(GuardianLink).where(GuardianLink.person_id == person.id)):
            s.delete(link)
    clock.now = chicago(2026, 12, 5, 14, 30)
    run(n)
    assert slack.sent == []
