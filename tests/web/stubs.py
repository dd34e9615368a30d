"""Recording stubs of what the web chat depends on: the assistant and the help desk."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from iep_assistant.helpdesk import relay
from iep_assistant.protocol import BotMessage, Button
from iep_assistant.rasa_client import RESUME_INTENT, AssistantUnavailable
from iep_assistant.records.db import Database
from iep_assistant.records.tickets import TicketView

GOT_HELP = BotMessage(
    text="The school office has closed your request. Did you get what you needed?",
    buttons=(Button("Yes, thanks", "/affirm"), Button("No", "/deny")),
)


class RecordingAssistant:
    """Answers every message with ``answer(sender, text)``; records what it was sent."""

    def __init__(self, answer: Callable[[str, str], list[BotMessage]] | None = None) -> None:
        self.answer = answer or (lambda sender, text: [BotMessage(text=f"You said {text}")])
        self.sent: list[tuple[str, str, dict[str, Any]]] = []
        self.resumed: list[tuple[str, str]] = []
        self.down = False

    async def send(
        self, sender: str, text: str, metadata: Mapping[str, Any] | None = None
    ) -> list[BotMessage]:
        if self.down:
            raise AssistantUnavailable("stub: down")
        self.sent.append((sender, text, dict(metadata or {})))
        return self.answer(sender, text)

    async def resume(self, sender: str, intent: str = RESUME_INTENT) -> list[BotMessage]:
        if self.down:
            raise AssistantUnavailable("stub: down")
        self.resumed.append((sender, intent))
        return [GOT_HELP]


class RecordingHelpDesk:
    """The part of ``bot.slack.helpdesk.HelpDesk`` the web chat uses, without Slack."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.posted: list[int] = []
        self.wrote: list[tuple[str, str]] = []

    async def post(self, ticket_id: int) -> bool:
        self.posted.append(ticket_id)
        return True

    async def person_wrote(self, user: str, text: str) -> TicketView | None:
        self.wrote.append((user, text))
        with self.database.session() as session:
            return relay.person_wrote(session, user, text, datetime.now(UTC))
