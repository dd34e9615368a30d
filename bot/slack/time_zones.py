"""Each person's Slack time zone (``users.info``), cached in-process for a while."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)


class TimeZones:
    """``users.info`` lookups remembered for ``ttl`` seconds (a failed one for a minute)."""

    def __init__(
        self,
        *,
        ttl: float = 3600.0,
        failure_ttl: float = 60.0,
        max_people: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.failure_ttl = failure_ttl
        self.max_people = max_people
        self._clock = clock
        self._cache: OrderedDict[str, tuple[str | None, float]] = OrderedDict()

    async def of(self, client: AsyncWebClient, user_id: str) -> str | None:
        """The IANA zone name Slack has for ``user_id``, or None if unknown."""
        now = self._clock()
        cached = self._cache.get(user_id)
        if cached is not None and cached[1] > now:
            return cached[0]
        zone, ttl = await self._look_up(client, user_id)
        self._cache[user_id] = (zone, now + ttl)
        self._cache.move_to_end(user_id)
        while len(self._cache) > self.max_people:
            self._cache.popitem(last=False)
        return zone

    async def _look_up(self, client: AsyncWebClient, user_id: str) -> tuple[str | None, float]:
        try:
            response = await client.users_info(user=user_id)
        except SlackApiError as exc:
            logger.warning("slack: users.info failed: %s", exc.response.get("error"))
            return None, self.failure_ttl
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
            logger.warning("slack: users.info failed: %s", type(exc).__name__)
            return None, self.failure_ttl
        user = response.get("user")
        zone = user.get("tz") if isinstance(user, dict) else None
        return (zone if isinstance(zone, str) and zone else None), self.ttl
