"""What the Slack listeners need, handed to them once when the app is built."""

from __future__ import annotations

from dataclasses import dataclass

from bot.slack.helpdesk import HelpDesk
from bot.slack.time_zones import TimeZones
from iep_assistant.config import Settings
from iep_assistant.rasa_client import Assistant
from iep_assistant.records.db import Database


@dataclass(frozen=True)
class SlackDeps:
    settings: Settings
    assistant: Assistant
    database: Database
    time_zones: TimeZones
    helpdesk: HelpDesk | None = None  # None: no help-desk channel configured
