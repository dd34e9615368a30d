"""Checking what a person typed before it goes to Rasa: one rule for every front end."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MAX_CHARS = 2000


@dataclass(frozen=True)
class CheckedMessage:
    text: str = ""
    problem: str = ""  # when set: say this to the person instead of asking Rasa

    @property
    def ok(self) -> bool:
        return not self.problem


def check_message(raw: object) -> CheckedMessage:
    """Clean a message, or say plainly why it cannot be answered."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    if not isinstance(raw, str):
        return CheckedMessage(problem="I can only read text messages. What would you like to know?")
    text = unicodedata.normalize("NFC", raw)
    # Drop control and private-use characters (binary junk), keep ordinary whitespace.
    text = "".join(ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())
    if not text:
        return CheckedMessage(problem="Please type a question, for example: What is an IEP?")
    if len(text) > MAX_CHARS:
        return CheckedMessage(
            problem=(
                f"That message is {len(text):,} characters long, more than I can read at once. "
                f"Please ask your question in under {MAX_CHARS:,} characters."
            )
        )
    if not any(ch.isalnum() for ch in text) and not text.startswith("/"):
        return CheckedMessage(
            problem="I understand questions written in words. What would you like to know?"
        )
    return CheckedMessage(text=text)
