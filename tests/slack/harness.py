"""Driving the real front end as Slack does: a uvicorn server on a free port, signed
requests, and a recording stub of the assistant (Zulip's StubBotHandler pattern)."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import uvicorn

from iep_assistant import stack
from iep_assistant.config import Settings, load_settings
from iep_assistant.protocol import BotMessage, Button
from iep_assistant.rasa_client import AssistantUnavailable

from .fake_slack import BOT_USER_ID, TEAM_ID, FakeSlack

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
_ids = itertools.count(1)


def slack_settings(fake: FakeSlack, database_url: str, **changes: Any) -> Settings:
    """Settings for a front end that talks to ``fake`` as Slack, over HTTP events."""
    base = load_settings(env={}, dotenv=False)
    return dataclasses.replace(
        base,
        database_url=database_url,
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.api_url,
        # Nothing listens here: tests that reach "Rasa" use a stub or say otherwise.
        rasa_url=f"http://127.0.0.1:{stack.free_port()}",
        channel_secret="test-channel-secret",
        # Reminders have their own tests; here they would post to the fake Slack too.
        notifier=False,
        **changes,
    )


# --- the assistant ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    sender: str
    text: str
    metadata: dict[str, Any]


def answer_to(text: str) -> list[BotMessage]:
    """The stub's default answer: Markdown, a button and an article, like a knowledge answer."""
    return [
        BotMessage(
            text=f"**Answer** to: {text}",
            buttons=(Button("Tell me more", "/tell_more"),),
            custom={"article": "what_is_an_iep"},
        )
    ]


@dataclass
class StubAssistant:
    """Implements the ``Assistant`` protocol; records every message it is sent."""

    replies: Callable[[str, str], Sequence[BotMessage]] = lambda sender, text: answer_to(text)
    delay: float = 0.0
    unavailable: bool = False
    calls: list[Sent] = field(default_factory=list)

    async def send(
        self, sender: str, text: str, metadata: Mapping[str, Any] | None = None
    ) -> list[BotMessage]:
        self.calls.append(Sent(sender, text, dict(metadata or {})))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.unavailable:
            raise AssistantUnavailable("stub: Rasa is down")
        return list(self.replies(sender, text))

    async def resume(self, sender: str, intent: str = "ticket_closed") -> list[BotMessage]:
        self.calls.append(Sent(sender, f"/{intent}", {}))
        if self.unavailable:
            raise AssistantUnavailable("stub: Rasa is down")
        return [BotMessage(text="Did you get what you needed?")]


# --- the front end ----------------------------------------------------------------------------


class FrontEnd:
    """An ASGI app served by a real uvicorn server in a thread, on a free loopback port."""

    def __init__(self, app: Any) -> None:
        self.port = stack.free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> FrontEnd:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the front end did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


# --- Slack's side of the requests ---------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's request signature: HMAC-SHA256 of ``v0:<timestamp>:<body>``."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def new_id(prefix: str) -> str:
    return f"{prefix}{next(_ids):010d}"


class SlackSender:
    """Sends what Slack sends: JSON events, form-encoded commands and clicks, all signed."""

    def __init__(self, url: str, secret: str = SIGNING_SECRET) -> None:
        self.client = httpx.Client(base_url=url, timeout=30)
        self.secret = secret

    def close(self) -> None:
        self.client.close()

    def headers(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        retry_num: int | None = None,
        signature: str | None = None,
    ) -> dict[str, str]:
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature or sign(self.secret, stamp, body),
        }
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return headers

    def post(self, body: bytes, content_type: str, **options: Any) -> httpx.Response:
        return self.client.post(
            "/slack/events", content=body, headers=self.headers(body, content_type, **options)
        )

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, **options: Any
    ) -> httpx.Response:
        return self.post(event_body(event, event_id), "application/json", **options)

    def command(self, text: str, *, user: str, response_url: str, **options: Any) -> httpx.Response:
        form = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "team_domain": "test",
            "channel_id": "C0GENERAL",
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/iep",
            "text": text,
            "api_app_id": "A0IEP",
            "response_url": response_url,
            "trigger_id": new_id("trigger."),
        }
        return self.post(urlencode(form).encode(), "application/x-www-form-urlencoded", **options)

    def click(self, payload: dict[str, Any], **options: Any) -> httpx.Response:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, "application/x-www-form-urlencoded", **options)


def event_body(event: dict[str, Any], event_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": "A0IEP",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or new_id("Ev"),
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
    ).encode()


def dm(user: str, text: str, **extra: Any) -> dict[str, Any]:
    ts = f"{time.time():.6f}"
    return {
        "type": "message",
        "channel": "D" + user.lstrip("UW"),
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        **extra,
    }


def mention(user: str, text: str, channel: str = "C0GENERAL", **extra: Any) -> dict[str, Any]:
    ts = f"{time.time():.6f}"
    return {
        "type": "app_mention",
        "channel": channel,
        "user": user,
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts,
        "event_ts": ts,
        **extra,
    }


def click_payload(
    *,
    user: str,
    channel: str,
    message: dict[str, Any],
    button: dict[str, Any],
    response_url: str,
    ephemeral: bool = False,
) -> dict[str, Any]:
    """A block_actions payload for a click on ``button`` of ``message`` (as posted)."""
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
        "api_app_id": "A0IEP",
        "token": "legacy",
        "team": {"id": TEAM_ID, "domain": "test"},
        "container": {
            "type": "message",
            "message_ts": message.get("ts", "1700000001.000100"),
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        },
        "trigger_id": new_id("trigger."),
        "channel": {"id": channel, "name": "directmessage" if channel.startswith("D") else "x"},
        "message": message,
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "rasa_buttons",
                "text": button["text"],
                "value": button.get("value"),
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


def buttons_of(blocks: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The buttons Rasa sent (not the feedback thumbs under a knowledge answer)."""
    return [
        e
        for b in blocks
        if b.get("type") == "actions" and b.get("block_id") != "feedback"
        for e in b["elements"]
    ]


def feedback_buttons_of(blocks: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b.get("block_id") == "feedback" for e in b["elements"]]
