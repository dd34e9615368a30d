"""Fixtures shared by every test: a records database per test, and one running
assistant per test session.

Records: a fresh, migrated database for each test that asks for one, on SQLite and
on PostgreSQL. The PostgreSQL variant uses the server named by IEP_TEST_POSTGRES_URL
(default: this machine's, 127.0.0.1:5432 as postgres) and creates a throw-away
database per test; it skips, saying why, when no server answers.

The assistant:
Starting Rasa costs ~30 s and 1.1 GB, so the whole session shares one stack
(action server, Rasa server, front end) on free loopback ports, with its own
tracker store and database in a temporary directory. Tests that need it skip
with a stated reason when the Rasa environment or a trained model is missing
(`make test` provides both).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from iep_assistant import stack
from iep_assistant.config import PROJECT_ROOT, Settings, load_settings
from iep_assistant.records.db import Database
from tests.databases import postgres_unreachable, throwaway_database


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
    return stack.isolated_settings(tmp)


def _prepare_database(settings: Settings) -> None:
    """Migrate the test database and load the demo district."""
    from iep_assistant.records import demo
    from iep_assistant.records.db import Database

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


@pytest.fixture
def records(running_stack: RunningStack) -> Iterator[Database]:
    """The records database the running front end and action server use."""
    database = Database.from_url(running_stack.settings.database_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture(scope="session")
def demo_students(running_stack: RunningStack) -> dict:
    """The running stack's demo students, by first name (detached copies)."""
    from iep_assistant.records.models import Student

    database = Database.from_url(running_stack.settings.database_url)
    with database.session() as session:
        found = {s.first_name: s for s in session.query(Student)}
    database.dispose()
    return found


# --- records databases ---------------------------------------------------------------

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str:
    return os.environ.get("IEP_TEST_POSTGRES_URL", DEFAULT_POSTGRES)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    reason = postgres_unreachable(postgres_admin_url())
    if reason:
        pytest.skip(reason)
    return postgres_admin_url()


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A new empty PostgreSQL database, dropped after the test."""
    with throwaway_database(postgres_server, "test") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A migrated, empty records database (SQLite and PostgreSQL)."""
    db = Database.from_url(database_url)
    db.upgrade()
    try:
        yield db
    finally:
        db.dispose()
