"""The Socket Mode link, started and stopped with the front end.

It connects in the background (the Slack SDK keeps retrying while Slack cannot be
reached, and reconnects after drops), so the web chat starts regardless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

logger = logging.getLogger(__name__)


class SocketModeLink:
    def __init__(self, app: AsyncApp, app_token: str) -> None:
        self.app = app
        self.app_token = app_token
        self.handler: AsyncSocketModeHandler | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        # The handler opens an aiohttp session, so it is made inside the running loop.
        self.handler = AsyncSocketModeHandler(self.app, self.app_token)
        self._task = asyncio.create_task(self._connect(), name="slack-socket-mode")

    async def _connect(self) -> None:
        assert self.handler is not None
        await self.handler.connect_async()
        logger.info("slack: connected in Socket Mode")

    async def stop(self) -> None:
        if self.handler is not None:
            await self.handler.close_async()  # also ends a connect still retrying
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
