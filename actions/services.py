"""What the actions share within one action-server process.

Built once at start-up by :func:`configure` (the server does it; tests do it with
their own settings). It holds only immutable things and factories: settings,
the knowledge base, and the data layer (which opens one session per call).
"""

from __future__ import annotations

from dataclasses import dataclass

from iep_assistant.articles import KnowledgeBase, load_knowledge_base
from iep_assistant.config import Settings, load_settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    knowledge: KnowledgeBase


_services: Services | None = None


def configure(settings: Settings | None = None) -> Services:
    global _services
    settings = settings or load_settings()
    _services = Services(settings=settings, knowledge=load_knowledge_base(settings.knowledge_dir))
    return _services


def services() -> Services:
    """The configured services; configured from the environment on first use."""
    return _services or configure()
