"""What the Slack app holds open while the front end runs: one HTTP session to Slack
(kept alive across calls rather than a new TLS connection per call) and, in Socket
Mode, the WebSocket link."""

from __future__ import annotations

import aiohttp
from slack_bolt.async_app import AsyncApp

from bot.slack.socket_mode import SocketModeLink
from iep_assistant.config import Settings


class SlackRuntime:
    def __init__(self, app: AsyncApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.session: aiohttp.ClientSession | None = None
        self.link: SocketModeLink | None = None

    async def start(self) -> None:
        self.session = aiohttp.ClientSession()
        # Bolt builds each request's client from this one, session included.
        self.app.client.session = self.session
        if self.settings.socket_mode:
            self.link = SocketModeLink(self.app, self.settings.slack_app_token)
            self.link.start()

    async def stop(self) -> None:
        if self.link is not None:
            await self.link.stop()
        if self.session is not None:
            self.app.client.session = None
            await self.session.close()
