"""The notifier as real processes (`iep-assistant notify`) against a fake Slack Web API:
a process killed between claiming a reminder and sending it, and two processes on
PostgreSQL sharing the work. Every message is checked by the notification id it
carries in Slack's message metadata."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from iep_assistant.config import PROJECT_ROOT, load_settings
from iep_assistant.records import demo
from iep_assistant.records.db import Database
from iep_assistant.records.models import Meeting, Notification, Person, Student
from iep_assistant.records.types import NotificationKind, NotificationStatus
from tests.slack.fake_slack import FakeSlack

PARENT = "U0DEMOPARENT1"


@pytest.fixture
def fake_slack():
    fake = FakeSlack().start()
    yield fake
    fake.stop()


def due_reminders(database: Database, count: int) -> list[int]:
    """``count`` reminders for the demo parent, all due now (and no other notices)."""
    now = datetime.now(UTC)
    with database.session() as s:
        person = s.scalar(select(Person).where(Person.slack_user_id == PARENT))
        meeting = s.scalars(select(Meeting).join(Student).where(Student.first_name == "Maya")).one()
        rows = [
            Notification(
                key=f"test:{n}",
                kind=NotificationKind.REMINDER,
                person_id=person.id,
                meeting_id=meeting.id,
                due_at=now - timedelta(seconds=1),
                meeting_starts_at=meeting.starts_at,
                status=NotificationStatus.PENDING,
                created_at=now - timedelta(seconds=1),
                attempts=0,
            )
            for n in range(count)
        ]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def notify(database_url: str, fake: FakeSlack, *extra: str, lease: int = 300) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "test",
        "SLACK_APP_TOKEN": "",
        "SLACK_API_URL": fake.api_url,
        "IEP_NOTIFIER_LEASE": str(lease),
        # Only the rows the test made: no meeting notices or digests.
        "IEP_MEETING_NOTICE_DAYS": "0",
        "IEP_DIGEST_WEEKDAY": "sun",
        "IEP_DIGEST_HOUR": "23",
        "IEP_NOTIFIER_INTERVAL": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "iep_assistant.cli", "notify", *extra],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def posted_ids(fake: FakeSlack) -> Counter[int]:
    ids: Counter[int] = Counter()
    for messages in fake.history.values():
        for message in messages:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if "notification_id" in payload:
                ids[int(payload["notification_id"])] += 1
    return ids


def statuses(database: Database, ids: list[int]) -> Counter[str]:
    with database.session() as s:
        rows = s.scalars(select(Notification.status).where(Notification.id.in_(ids)))
        return Counter(r.value for r in rows)


@pytest.fixture
def district_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    database = Database.from_url(url)
    database.upgrade()
    demo.load(database, load_settings(env={}, dotenv=False))
    database.dispose()
    return url


def test_killed_between_claim_and_send_it_is_sent_once_after_restart(district_url, fake_slack):
    database = Database.from_url(district_url)
    (note_id,) = due_reminders(database, 1)
    release = fake_slack.hold("conversations.open")  # the first step of sending
    first = notify(district_url, fake_slack, "--once", lease=2)
    try:
        assert fake_slack.wait_until_held(30), first.stdout.read() if first.poll() else ""
        first.send_signal(signal.SIGKILL)  # claimed, not sent
        first.wait(10)
    finally:
        release.set()
    assert statuses(database, [note_id]) == {"sending": 1}
    assert posted_ids(fake_slack) == {}
    time.sleep(2.5)  # the dead process's lease runs out
    second = notify(district_url, fake_slack, "--once", lease=2)
    out = second.communicate(timeout=60)[0].decode()
    assert second.returncode == 0, out
    assert posted_ids(fake_slack) == {note_id: 1}
    assert statuses(database, [note_id]) == {"sent": 1}
    # It looked for an earlier copy before posting (the first process might have sent it).
    assert fake_slack.calls_to("conversations.history")
    third = notify(district_url, fake_slack, "--once", lease=2)
    third.communicate(timeout=60)
    assert posted_ids(fake_slack) == {note_id: 1}
    database.dispose()


@pytest.mark.postgres
def test_two_processes_on_postgresql_send_every_reminder_exactly_once(postgres_url, fake_slack):
    database = Database.from_url(postgres_url)
    database.upgrade()
    demo.load(database, load_settings(env={}, dotenv=False))
    ids = due_reminders(database, 120)
    # Slack taking 20 ms a message keeps the first process busy long enough for the
    # second to start: they really do run at the same time.
    fake_slack.slow["chat.postMessage"] = 0.02
    workers = [notify(postgres_url, fake_slack) for _ in range(2)]
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and sum(posted_ids(fake_slack).values()) < len(ids):
            time.sleep(0.5)
        time.sleep(2)  # a few more passes: nothing further may go out
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        outputs = [w.communicate(timeout=30)[0].decode() for w in workers]
    sent = posted_ids(fake_slack)
    assert set(sent) == set(ids), outputs
    assert set(sent.values()) == {1}
    assert statuses(database, ids) == {"sent": len(ids)}
    with database.session() as s:
        by = Counter(s.scalars(select(Notification.claimed_by).where(Notification.id.in_(ids))))
    assert len(by) == 2, f"both processes should have taken part: {by}"
    database.dispose()
