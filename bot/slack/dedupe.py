"""Each Slack delivery is handled once, even when Slack sends it again.

Slack re-sends an event it thinks failed (``X-Slack-Retry-Num``; Socket Mode
re-sends the envelope), possibly to another front-end process. Each process
claims the delivery's id by inserting a :class:`ClaimedEvent` row: the primary
key lets exactly one insert win, and every other copy is acknowledged and dropped.
Old claims are deleted now and then.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from iep_assistant.records.claims import claim_event, purge_claims
from iep_assistant.records.db import Database

logger = logging.getLogger(__name__)
KEEP_CLAIMS = timedelta(days=1)
PURGE_EVERY_SECONDS = 3600.0


def delivery_id(body: Mapping[str, Any]) -> str | None:
    """The id that is the same on every copy of one delivery, if it has one.

    Events carry an ``event_id``; commands and button clicks a ``trigger_id``,
    which is new for every invocation but repeated when the same one is re-sent.
    """
    for key in ("event_id", "trigger_id"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return f"{key.split('_')[0]}:{value}"[:128]
    return None


def retry_number(headers: Mapping[str, Any]) -> int:
    """``X-Slack-Retry-Num`` (Bolt sets it for Socket Mode re-sends too); 0 if absent."""
    value = headers.get("x-slack-retry-num")
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return 0


class Claims:
    """Claims of delivery ids in the records database."""

    def __init__(
        self,
        database: Database,
        *,
        keep: timedelta = KEEP_CLAIMS,
        purge_every: float = PURGE_EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.database = database
        self.keep = keep
        self.purge_every = purge_every
        self._clock = clock
        self._next_purge = 0.0

    def claim(self, delivery: str) -> bool:
        """True for the first claim of ``delivery`` anywhere; False for every later one."""
        now = datetime.now(UTC)
        with self.database.session() as session:
            if not claim_event(session, delivery, now):
                return False
        if self._clock() >= self._next_purge:
            self._next_purge = self._clock() + self.purge_every
            try:
                self.purge(now - self.keep)
            except SQLAlchemyError as exc:  # the claim stands; purging can wait
                logger.warning("slack: purging old claims failed (%s)", type(exc).__name__)
        return True

    def purge(self, before: datetime) -> int:
        with self.database.session() as session:
            return purge_claims(session, before)

    async def take(self, delivery: str) -> bool:
        return await self.database.run(self.claim, delivery)


def middleware(claims: Claims) -> Callable[..., Awaitable[BoltResponse | None]]:
    """Bolt middleware: let the first copy of a delivery through, acknowledge the rest."""

    async def once_per_delivery(
        body: dict[str, Any], request: AsyncBoltRequest, next_: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        delivery = delivery_id(body)
        if delivery is None:
            return await next_()
        try:
            first = await claims.take(delivery)
        except SQLAlchemyError as exc:
            # Without the database, answer first deliveries and drop re-sends: a
            # re-send most likely follows an answer that was slow, not missing.
            first = retry_number(request.headers) == 0
            logger.error(
                "slack: cannot claim %s (%s); %s it",
                delivery,
                type(exc).__name__,
                "handling" if first else "dropping",
            )
        if not first:
            logger.info("slack: dropped repeated delivery %s", delivery)
            return BoltResponse(status=200, body="")
        return await next_()

    return once_per_delivery
