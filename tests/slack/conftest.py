"""Fixtures for the Slack tests: a fake Slack, a migrated database, and the real front
end (Bolt inside Starlette, served by uvicorn) wired to both."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import create_app
from iep_assistant import stack
from iep_assistant.config import Settings, load_settings
from iep_assistant.records.db import Database

from .fake_slack import FakeSlack
from .harness import SIGNING_SECRET, FrontEnd, SlackSender, StubAssistant, slack_settings


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only here (tests/conftest.py's `database` migrates whichever URL this is):
    the Slack app's behaviour does not depend on the database kind."""
    return f"sqlite:///{tmp_path / 'records.db'}"


@pytest.fixture
def demo_database(database: Database) -> Database:
    """The migrated database with the fictional demo district loaded."""
    from iep_assistant.records import demo

    demo.load(database, load_settings(env={}, dotenv=False))
    return database


@pytest.fixture
def assistant() -> StubAssistant:
    return StubAssistant()


@pytest.fixture
def settings(fake_slack: FakeSlack, database_url: str) -> Settings:
    return slack_settings(fake_slack, database_url)


@pytest.fixture
def start_front_end() -> Iterator[Callable[..., FrontEnd]]:
    """Start front ends (each a real uvicorn server); all are stopped after the test."""
    started: list[FrontEnd] = []

    def start(settings: Settings, **kwargs: Any) -> FrontEnd:
        front_end = FrontEnd(create_app(settings, **kwargs)).start()
        started.append(front_end)
        return front_end

    yield start
    for front_end in started:
        front_end.stop()


@pytest.fixture
def front_end(
    start_front_end: Callable[..., FrontEnd],
    settings: Settings,
    assistant: StubAssistant,
    database: Database,
) -> FrontEnd:
    return start_front_end(settings, assistant=assistant, database=database)


@pytest.fixture
def slack(front_end: FrontEnd) -> Iterator[SlackSender]:
    sender = SlackSender(front_end.url)
    try:
        yield sender
    finally:
        sender.close()


@pytest.fixture
def rasa_slack(running_stack, fake_slack: FakeSlack) -> Iterator[Callable[..., SlackSender]]:
    """Start front ends (Slack on, reminders off) wired to the session's real Rasa stack
    and to the fake Slack; ``changes`` adjust their settings."""
    opened: list[tuple[SlackSender, FrontEnd, Database]] = []

    def start(**changes: Any) -> SlackSender:
        settings = dataclasses.replace(
            running_stack.settings,
            web_port=stack.free_port(),
            slack_bot_token="xoxb-test-token",
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=fake_slack.api_url,
            notifier=False,
            **changes,
        )
        database = Database.from_url(settings.database_url)  # the stack's demo district
        front_end = FrontEnd(create_app(settings, database=database)).start()
        sender = SlackSender(front_end.url)
        opened.append((sender, front_end, database))
        return sender

    yield start
    for sender, front_end, database in opened:
        sender.close()
        front_end.stop()
        database.dispose()
