"""What the actions share within one action-server process.

Built once at start-up by :func:`configure` (the server does it; tests do it with
their own settings). It holds only immutable things and factories: settings,
the knowledge base, the compliance rules, and the data layer (which opens one
session per call).
"""

from __future__ import annotations

from dataclasses import dataclass

from iep_assistant.config import Settings, load_settings
from iep_assistant.knowledge import KnowledgeBase, load_knowledge_base
from iep_assistant.records.db import Database
from iep_assistant.records.store import Rules


@dataclass(frozen=True)
class Services:
    settings: Settings
    knowledge: KnowledgeBase
    database: Database
    rules: Rules


_services: Services | None = None


def configure(settings: Settings | None = None) -> Services:
    global _services
    settings = settings or load_settings()
    if _services is not None:
        _services.database.dispose()
    _services = Services(
        settings=settings,
        knowledge=load_knowledge_base(settings.knowledge_dir),
        # Creating the engine does not connect; the first action does.
        database=Database.from_url(settings.database_url),
        rules=Rules(
            initial_evaluation_days=settings.initial_evaluation_days,
            transition_age=settings.transition_age,
        ),
    )
    return _services


def services() -> Services:
    """The configured services; configured from the environment on first use."""
    return _services or configure()
