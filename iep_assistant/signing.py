"""Signing of the messages the front end passes to Rasa's `iep` channel.

The front end is the only process that knows who a person is (Slack verified the
request, or the web chat gave a random visitor id). It signs each message with a
secret shared only with Rasa, so that Rasa, and the actions after it, can trust
the sender id and channel. Standard library only: the Rasa environment
(Python 3.10) imports this module too.
"""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-IEP-Timestamp"
SIGNATURE_HEADER = "X-IEP-Signature"
MAX_AGE_SECONDS = 300
_VERSION = "v1"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{_VERSION}:{timestamp}:".encode() + body, hashlib.sha256)
    return f"{_VERSION}={mac.hexdigest()}"


def sign(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """Headers to send with ``body``."""
    timestamp = str(int(time.time() if now is None else now))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, body)}


def verify(
    secret: str,
    timestamp: str | None,
    given: str | None,
    body: bytes,
    now: float | None = None,
) -> bool:
    """True if ``given`` is a fresh signature of ``body``. Fails closed without a secret."""
    if not secret or not timestamp or not given:
        return False
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        return False
    if age > MAX_AGE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), given)
