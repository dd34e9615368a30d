"""Fixtures shared by every test: one running assistant per test session.

Starting Rasa costs ~30 s and 1.1 GB, so the whole session shares one stack
(action server, Rasa server, front end) on free loopback ports, with its own
tracker store and database in a temporary directory. Tests that need it skip
with a stated reason when the Rasa environment or a trained model is missing
(`make test` provides both).
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from iep_assistant import stack
from iep_assistant.config import PROJECT_ROOT, Settings, load_settings


@dataclass(frozen=True)
class RunningStack:
    settings: Settings
    log_dir: Path

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.action_port}"


def _test_settings(tmp: Path) -> Settings:
    base = load_settings(env={}, dotenv=False)
    rasa_port, action_port, web_port = (stack.free_port() for _ in range(3))
    return dataclasses.replace(
        base,
        database_url=f"sqlite:///{tmp / 'iep.db'}",
        rasa_port=rasa_port,
        rasa_url=f"http://127.0.0.1:{rasa_port}",
        action_port=action_port,
        web_port=web_port,
        public_base_url=f"http://127.0.0.1:{web_port}",
        channel_secret=secrets.token_urlsafe(24),
        rasa_api_token=secrets.token_urlsafe(24),
        action_token=secrets.token_urlsafe(24),
    )


def _prepare_database(settings: Settings) -> None:
    """Migrate the test database and load the demo district, if the records layer exists."""
    try:
        from iep_assistant.records import demo
        from iep_assistant.records.db import Database
    except ImportError:  # before the records layer: nothing to prepare
        return
    database = Database.from_url(settings.database_url)
    database.upgrade()
    demo.load(database, settings)
    database.dispose()


@pytest.fixture(scope="session")
def running_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    settings = load_settings(env={}, dotenv=False)
    if not settings.rasa_bin.exists():
        pytest.skip(f"the Rasa environment is not installed ({settings.rasa_bin}); run `make test`")
    model = stack.latest_model(PROJECT_ROOT / "models")
    if model is None:
        pytest.skip("no trained Rasa model in models/; run `make test`, which trains one")
    tmp = tmp_path_factory.mktemp("stack")
    settings = _test_settings(tmp)
    _prepare_database(settings)
    env = stack.service_env(settings)
    log_dir = tmp / "logs"
    log_dir.mkdir()
    running = stack.Stack(
        [
            stack.action_service(settings, env, log_dir),
            stack.rasa_service(settings, env, log_dir, model=model, tracker_db=tmp / "trackers.db"),
            stack.frontend_service(settings, env, log_dir),
        ]
    )
    running.start(timeout=240)
    try:
        yield RunningStack(settings, log_dir)
    finally:
        running.stop()
