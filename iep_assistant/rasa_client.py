"""The one small client through which every front end talks to Rasa.

It posts to Rasa's signed `iep` channel (see :mod:`iep_assistant.signing`) and
returns :class:`~iep_assistant.protocol.BotMessage` objects. Failures become
:class:`AssistantUnavailable`, which the front ends turn into a short
"please try again" for the person.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import quote

import httpx

from iep_assistant.protocol import BotMessage
from iep_assistant.signing import sign

logger = logging.getLogger(__name__)
WEBHOOK_PATH = "/webhooks/iep/webhook"
RESUME_INTENT = "ticket_closed"


class AssistantUnavailable(RuntimeError):
    """Rasa (or something behind it) did not answer properly."""


class Assistant(Protocol):
    """What a front end needs from the assistant; tests may pass a recording stub."""

    async def send(
        self, sender: str, text: str, metadata: Mapping[str, Any] | None = None
    ) -> list[BotMessage]: ...

    async def resume(self, sender: str, intent: str = RESUME_INTENT) -> list[BotMessage]:
        """Take a conversation back from a person (after a hand-off) and say ``intent``."""
        ...


class RasaClient:
    def __init__(
        self,
        base_url: str,
        secret: str,
        *,
        api_token: str = "",
        timeout: float = 15.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._url = self._base + WEBHOOK_PATH
        self._secret = secret
        self._api_token = api_token
        self._client = client or httpx.AsyncClient(
            timeout=timeout, limits=httpx.Limits(max_connections=200, max_keepalive_connections=50)
        )

    async def send(
        self, sender: str, text: str, metadata: Mapping[str, Any] | None = None
    ) -> list[BotMessage]:
        body = json.dumps(
            {"sender": sender, "message": text, "metadata": dict(metadata or {})}
        ).encode()
        headers = {"Content-Type": "application/json", **sign(self._secret, body)}
        try:
            response = await self._client.post(self._url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            logger.error("Rasa unreachable: %s", type(exc).__name__)
            raise AssistantUnavailable("Rasa is unreachable") from exc
        if response.status_code != 200:
            logger.error("Rasa answered HTTP %s", response.status_code)
            raise AssistantUnavailable(f"Rasa answered HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError as exc:
            raise AssistantUnavailable("Rasa answered with something that is not JSON") from exc
        if not isinstance(data, list):
            raise AssistantUnavailable("Rasa's answer is not a list of messages")
        return [BotMessage.from_rasa(m) for m in data if isinstance(m, Mapping)]

    async def resume(self, sender: str, intent: str = RESUME_INTENT) -> list[BotMessage]:
        """Resume a paused conversation and trigger ``intent`` in it, through Rasa's HTTP
        API (which needs its token); returns what the assistant says."""
        conversation = f"{self._base}/conversations/{quote(sender, safe='')}"
        params = {"token": self._api_token}
        try:
            # A paused conversation never logged the assistant starting to listen;
            # without that the rules do not see a turn they know.
            resumed = await self._client.post(
                f"{conversation}/tracker/events",
                params=params,
                json=[{"event": "resume"}, {"event": "action", "name": "action_listen"}],
            )
            if resumed.status_code != 200:
                raise AssistantUnavailable(f"Rasa refused to resume: HTTP {resumed.status_code}")
            triggered = await self._client.post(
                f"{conversation}/trigger_intent", params=params, json={"name": intent}
            )
        except httpx.HTTPError as exc:
            logger.error("Rasa unreachable: %s", type(exc).__name__)
            raise AssistantUnavailable("Rasa is unreachable") from exc
        if triggered.status_code != 200:
            raise AssistantUnavailable(f"Rasa answered HTTP {triggered.status_code}")
        try:
            data = triggered.json()
        except ValueError as exc:
            raise AssistantUnavailable("Rasa answered with something that is not JSON") from exc
        messages = data.get("messages") if isinstance(data, Mapping) else None
        return [BotMessage.from_rasa(m) for m in messages or [] if isinstance(m, Mapping)]

    async def aclose(self) -> None:
        await self._client.aclose()
