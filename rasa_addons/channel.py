"""Rasa input channel `iep`: the only way the front ends talk to Rasa.

It accepts a message only with a fresh HMAC signature made with the secret shared
with the front end (``IEP_CHANNEL_SECRET``), so the sender id and metadata it
passes on can be trusted by the actions. It answers with whole messages (text,
buttons, image and custom data together), which Rasa's plain REST channel splits
apart, and it never logs message text.

Runs inside the Rasa environment (Python 3.10); referenced from credentials.yml
as ``rasa_addons.channel.SignedChannel``.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from iep_assistant.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from rasa_addons import action_validation

logger = logging.getLogger(__name__)
action_validation.install()

MAX_MESSAGE_CHARS = 4000
MAX_BODY_BYTES = 64_000


class WholeMessageCollector(CollectingOutputChannel):
    """Collects each bot message whole instead of splitting text, buttons and custom."""

    @classmethod
    def name(cls) -> Text:
        return "iep_collector"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        kept = {
            key: message[key]
            for key in ("text", "buttons", "image", "attachment", "custom")
            if message.get(key)
        }
        if kept:
            await self._persist_message({"recipient_id": recipient_id, **kept})


class SignedChannel(InputChannel):
    """Signed JSON webhook: ``{"sender": ..., "message": ..., "metadata": {...}}``."""

    def __init__(self, secret: Text) -> None:
        self.secret = secret

    @classmethod
    def name(cls) -> Text:
        return "iep"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        secret = os.environ.get("IEP_CHANNEL_SECRET", "")
        if not secret:
            logger.warning("IEP_CHANNEL_SECRET is not set: the iep channel refuses every message")
        return cls(secret)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("iep_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = request.body or b""
            if len(body) > MAX_BODY_BYTES:
                return response.json({"error": "message too large"}, status=413)
            if not verify(
                self.secret,
                request.headers.get(TIMESTAMP_HEADER),
                request.headers.get(SIGNATURE_HEADER),
                body,
            ):
                return response.json({"error": "bad or missing signature"}, status=401)
            try:
                data = json.loads(body)
            except ValueError:
                return response.json({"error": "body must be JSON"}, status=400)
            problem = _problem(data)
            if problem:
                return response.json({"error": problem}, status=400)
            collector = WholeMessageCollector()
            try:
                await on_new_message(
                    UserMessage(
                        data["message"],
                        collector,
                        data["sender"],
                        input_channel=self.name(),
                        metadata=data.get("metadata") or {},
                    )
                )
            except Exception:
                logger.exception("iep channel: handling a message failed")
                return response.json({"error": "the assistant could not answer"}, status=503)
            messages: List[Dict[Text, Any]] = collector.messages
            return response.json(messages)

        return webhook


def _problem(data: Any) -> Optional[Text]:
    if not isinstance(data, dict):
        return "body must be a JSON object"
    sender, message = data.get("sender"), data.get("message")
    if not isinstance(sender, str) or not 1 <= len(sender) <= 128:
        return "sender must be a string of 1 to 128 characters"
    if not isinstance(message, str) or len(message) > MAX_MESSAGE_CHARS:
        return f"message must be a string of at most {MAX_MESSAGE_CHARS} characters"
    if not isinstance(data.get("metadata") or {}, dict):
        return "metadata must be an object"
    return None
