"""Handing a conversation to a person: what to pass on and what to tell the person.

Plain functions over Rasa's tracker events (dicts) and the data layer's views; the
actions in ``actions/helpdesk.py`` call them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from iep_assistant.protocol import HANDOFF, HUMAN_PAYLOAD, PRIVATE, UNSURE, Button, Reply
from iep_assistant.records.tickets import TicketView
from iep_assistant.records.types import Speaker

TRANSCRIPT_LINES = 12
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.I)
_PHONE = re.compile(r"\+?[\d\s().-]{7,20}")


def transcript(
    events: Iterable[Mapping[str, Any]], limit: int = TRANSCRIPT_LINES
) -> list[tuple[Speaker, str]]:
    """The recent conversation, oldest first, as the help desk should read it."""
    lines: list[tuple[Speaker, str]] = []
    for event in events:
        kind, text = event.get("event"), event.get("text")
        if kind == "session_started":
            lines = []
        elif kind == "user" and isinstance(text, str) and text:
            lines.append((Speaker.PERSON, _readable(text, event)))
        elif kind == "bot" and isinstance(text, str) and text:
            lines.append((Speaker.ASSISTANT, text))
    return lines[-limit:]


def _readable(text: str, event: Mapping[str, Any]) -> str:
    """A button payload ("/choose_article{...}") reads as the choice it was."""
    if not text.startswith("/"):
        return text
    intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or text[1:]
    return f"(clicked: {intent.replace('_', ' ')})"


def summary(lines: Sequence[tuple[Speaker, str]], limit: int = 300) -> str:
    """The person's last words, which the help desk sees first."""
    said = [
        text
        for speaker, text in lines
        if speaker is Speaker.PERSON and not text.startswith("(clicked")
    ]
    if not said:
        return "(no question written yet)"
    text = " / ".join(said[-2:])
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unsure_before(events: Sequence[Mapping[str, Any]]) -> bool:
    """Was the answer before the latest message one the assistant was not sure of?"""
    seen_user = False
    for event in reversed(events):
        kind = event.get("event")
        if kind == "session_started":
            return False
        if kind == "user":
            if seen_user:
                return False
            seen_user = True
        elif kind == "bot" and seen_user:
            custom = (event.get("data") or {}).get("custom") or {}
            return isinstance(custom, Mapping) and bool(custom.get(UNSURE))
    return False


def contact_given(text: str) -> str | None:
    """An email address or phone number the person typed, if it is one."""
    text = text.strip()
    if email := _EMAIL.search(text):
        return email.group(0)
    phone = _PHONE.fullmatch(text)
    if phone and sum(c.isdigit() for c in text) >= 7:
        return text
    return None


def handed_off(ticket: TicketView, expectation: str, *, created: bool, web: bool) -> Reply:
    """What the person hears once their request is with a person."""
    head = (
        f"I've passed this to the school's special education office (request #{ticket.id})."
        if created
        else f"Your request #{ticket.id} is already with the special education office."
    )
    where = (
        "They'll reply by the contact you gave, or here while this page stays open."
        if web and ticket.contact
        else "Their reply will appear here."
        if web
        else "Their reply will come here, in this conversation."
    )
    text = (
        f"{head} {where} {expectation} Anything you write here in the meantime goes "
        "straight to them, and I'll step back until they're done."
    )
    return Reply(text=text, custom={HANDOFF: ticket.id, PRIVATE: ticket.student_name is not None})


def offer_person(lead_in: str) -> Reply:
    """For someone the office could not reach back (an anonymous visitor): offer, don't open."""
    return Reply(text=lead_in, buttons=(Button("Talk to a person", HUMAN_PAYLOAD),))
