"""What the actions send and the front ends render: one place for the message shape.

A bot message is what Rasa's `iep` channel returns: text, optional buttons, an
optional image, and optional ``custom`` data with these keys:

- ``private``: the message holds a student's personal details; a front end must
  never show it where others can read it (in a shared Slack channel it goes
  privately to the person, and the channel sees only a pointer).
- ``article``: the id of the knowledge article answered (the front end offers
  thumbs up/down feedback on it).
- ``unsure``: the assistant was not confident of this answer (two in a row hand the
  conversation to a person).
- ``chart``: ``{"student_id": .., "goal_id": ..}``: a progress chart the front end
  may draw from the records (as the person, so access is checked again) and show
  privately. The picture itself never passes through Rasa or its tracker store.
- ``handoff``: the id of a help-desk ticket just opened; the front end posts it to the
  help-desk channel and relays the person's messages while it is open.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

PRIVATE = "private"
ARTICLE = "article"
UNSURE = "unsure"
HANDOFF = "handoff"
CHART = "chart"
HUMAN_PAYLOAD = "/request_human"


def intent_payload(intent: str, **entities: str) -> str:
    """A button payload that triggers ``intent`` with ``entities`` without NLU."""
    return f"/{intent}{json.dumps(entities)}" if entities else f"/{intent}"


def article_payload(article_id: str) -> str:
    return intent_payload("choose_article", article_id=article_id)


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Reply:
    """A message an action sends (``dispatcher.utter_message(**reply.as_kwargs())``)."""

    text: str
    buttons: Sequence[Button] = ()
    image: str | None = None
    custom: Mapping[str, Any] = field(default_factory=dict)

    def as_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"text": self.text}
        if self.buttons:
            kwargs["buttons"] = [b.as_dict() for b in self.buttons]
        if self.image:
            kwargs["image"] = self.image
        if self.custom:
            kwargs["json_message"] = dict(self.custom)
        return kwargs


@dataclass(frozen=True)
class BotMessage:
    """A message as a front end receives it from Rasa."""

    text: str = ""
    buttons: tuple[Button, ...] = ()
    image: str | None = None
    custom: Mapping[str, Any] = field(default_factory=dict)

    @property
    def private(self) -> bool:
        return bool(self.custom.get(PRIVATE))

    @property
    def chart(self) -> tuple[int, int] | None:
        value = self.custom.get(CHART)
        if not isinstance(value, Mapping):
            return None
        try:
            return int(value["student_id"]), int(value["goal_id"])
        except (KeyError, TypeError, ValueError):
            return None

    @property
    def handoff(self) -> int | None:
        value = self.custom.get(HANDOFF)
        return value if isinstance(value, int) else None

    @property
    def article(self) -> str | None:
        value = self.custom.get(ARTICLE)
        return value if isinstance(value, str) else None

    @classmethod
    def from_rasa(cls, data: Mapping[str, Any]) -> BotMessage:
        buttons = tuple(
            Button(str(b.get("title", "")), str(b.get("payload", "")))
            for b in data.get("buttons") or []
            if isinstance(b, Mapping)
        )
        custom = data.get("custom")
        return cls(
            text=str(data.get("text") or ""),
            buttons=buttons,
            image=data.get("image") if isinstance(data.get("image"), str) else None,
            custom=custom if isinstance(custom, Mapping) else {},
        )


TROUBLE_TEXT = "I'm having trouble right now. Please try again in a minute."
