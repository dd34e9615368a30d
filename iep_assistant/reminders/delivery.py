"""The notifier: plans notifications, then sends each due one to Slack exactly once.

Several notifier processes may run against one database (every front-end process
runs one when Slack is configured; ``iep-assistant notify`` runs one on its own).
Exactly once, in three parts:

- planning is idempotent (unique keys), so two planners never double a message;
- a due message is claimed by a compare-and-set update that only one process wins;
- a claim whose process died runs out after the lease, and the process that takes
  it over first asks Slack whether the message went out (each message carries its
  notification id in Slack's message metadata), and sends only if it did not.

A message missed while everything was down is sent late, and says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from iep_assistant.config import Settings
from iep_assistant.records import notifications as store
from iep_assistant.records.db import Database
from iep_assistant.records.notifications import NoticeDefaults, Outgoing
from iep_assistant.records.types import NotificationKind
from iep_assistant.reminders import messages

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
METADATA_EVENT = "iep_notification"


class MessengerError(RuntimeError):
    """Slack did not take the message; ``retry`` says whether trying later may help."""

    def __init__(self, reason: str, *, retry: bool = True) -> None:
        super().__init__(reason)
        self.retry = retry


class Messenger(Protocol):
    """The one thing the notifier needs from Slack (tests use a recording fake)."""

    async def send(self, user_id: str, text: str, notification_id: int) -> str:
        """Post ``text`` in the person's DM; return the message's ts."""
        ...

    async def find_sent(self, user_id: str, notification_id: int, since: datetime) -> str | None:
        """The ts of a message already posted for ``notification_id``, if any."""
        ...


def notice_defaults(settings: Settings) -> NoticeDefaults:
    return NoticeDefaults(
        time_zone=settings.district_time_zone,
        meeting_notice_days=settings.meeting_notice_days,
        digest_weekday=settings.digest_weekday,
        digest_hour=settings.digest_hour,
    )


def _now() -> datetime:
    return datetime.now(UTC)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class Notifier:
    database: Database
    messenger: Messenger
    defaults: NoticeDefaults
    worker: str = ""
    clock: Callable[[], datetime] = _now
    lease: timedelta = timedelta(minutes=5)
    batch: int = 20

    def __post_init__(self) -> None:
        self.worker = self.worker or worker_name()

    # --- one pass -----------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Plan, then send everything due now; returns how many messages went out."""
        now = self.clock()
        await self.database.run(self._plan, now)
        sent = 0
        while True:
            claimed = await self.database.run(self._claim, self.clock())
            if not claimed:
                return sent
            for note_id in claimed:
                sent += await self._deliver(note_id)

    def _plan(self, now: datetime) -> None:
        with self.database.session() as session:
            report = store.plan(session, now, self.defaults)
        if report.added or report.moved or report.cancelled:
            logger.info(
                "notifier: planned %d, followed %d moved, cancelled %d",
                report.added,
                report.moved,
                report.cancelled,
            )

    def _claim(self, now: datetime) -> list[int]:
        with self.database.session() as session:
            return store.claim_due(session, self.worker, now, lease=self.lease, limit=self.batch)

    def _compose(self, note_id: int, now: datetime) -> tuple[Outgoing, str]:
        with self.database.session() as session:
            note, records = store.outgoing(session, note_id, self.defaults)
            found = []
            if note.kind is NotificationKind.DIGEST and records is not None:
                tz_today = now.astimezone(messages.wording.zone(note.time_zone)).date()
                found = records.deadlines(today=tz_today, days=60)
            return note, messages.text(note, now, found)

    async def _deliver(self, note_id: int) -> int:
        now = self.clock()
        note, text = await self.database.run(self._compose, note_id, now)
        if not note.slack_user_id or not text:
            await self.database.run(self._finish, store.cancel, note_id)
            return 0
        try:
            ts = None
            if note.attempts > 1:  # someone held this before us: did it go out?
                ts = await self.messenger.find_sent(
                    note.slack_user_id, note.id, note.due_at - timedelta(minutes=1)
                )
            if ts is None:
                ts = await self.messenger.send(note.slack_user_id, text, note.id)
                sent = 1
            else:
                sent = 0
                logger.info("notifier: notification %d had been sent already", note.id)
        except MessengerError as exc:
            retry = exc.retry and note.attempts < MAX_ATTEMPTS
            retry_at = self.clock() + timedelta(minutes=2**note.attempts) if retry else None
            logger.warning("notifier: notification %d not sent (%s)", note.id, exc)
            await self.database.run(self._release, note_id, str(exc), retry_at)
            return 0
        await self.database.run(self._mark_sent, note_id, ts)
        return sent

    def _mark_sent(self, note_id: int, ts: str | None) -> None:
        with self.database.session() as session:
            store.mark_sent(session, note_id, self.worker, ts, self.clock())

    def _release(self, note_id: int, error: str, retry_at: datetime | None) -> None:
        with self.database.session() as session:
            store.release(session, note_id, self.worker, error=error, retry_at=retry_at)

    def _finish(self, action: Callable, note_id: int) -> None:
        with self.database.session() as session:
            action(session, note_id, self.worker)

    # --- forever ------------------------------------------------------------------------------

    async def run_forever(self, stop: asyncio.Event, every: float = 30.0) -> None:
        """Run a pass every ``every`` seconds until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:
                logger.exception("notifier: pass failed; trying again shortly")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
