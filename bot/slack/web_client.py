"""The Slack Web API client, and replies through a ``response_url``.

Both retry what Slack asks to be retried (HTTP 429 after ``Retry-After``, server
errors, dropped connections), so a reply is not lost to a busy moment.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from iep_assistant.config import Settings

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 15


def retry_handlers() -> list[AsyncRetryHandler]:
    """Fresh handlers (they keep per-request state, so each client gets its own)."""
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=2),
        AsyncServerErrorRetryHandler(max_retry_count=2),
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
    ]


def build_web_client(settings: Settings) -> AsyncWebClient:
    base_url = settings.slack_api_url.rstrip("/") + "/"
    return AsyncWebClient(
        token=settings.slack_bot_token,
        base_url=base_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=retry_handlers(),
    )


class ResponseUrlFailed(RuntimeError):
    """Slack refused a reply sent to a ``response_url`` (expired, or used up)."""


async def respond(client: AsyncWebClient, response_url: str, body: Mapping[str, Any]) -> None:
    """Post ``body`` to a slash command's or button's ``response_url``.

    Uses the Web API client's HTTP session (one per process) and its retry policy.
    """
    webhook = AsyncWebhookClient(
        response_url,
        timeout=TIMEOUT_SECONDS,
        session=client.session,
        retry_handlers=retry_handlers(),
    )
    response = await webhook.send_dict(dict(body))
    if response.status_code != 200:
        logger.error("slack: response_url answered HTTP %s", response.status_code)
        raise ResponseUrlFailed(f"response_url answered HTTP {response.status_code}")
