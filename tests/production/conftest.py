"""Two replicas of every process in the production profile, shared by this folder's tests.

Two Rasa servers cost ~2.5 GB and ~40 s to load (in parallel), so the module starts
them once. Everything they use is new and thrown away afterwards: a PostgreSQL
records database with the demo district, a PostgreSQL database for Rasa's tracker
store, and an empty Redis database number for the lock store.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from iep_assistant.records import demo
from iep_assistant.records.db import Database
from tests.production.replicas import (
    Replicas,
    fresh_redis_db,
    missing_rasa,
    production_settings,
    redis_unreachable,
    running_replicas,
    throwaway_database,
)


@pytest.fixture(scope="session")  # two of every process: started once for all tests here
def replicas(postgres_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replicas]:
    reason = missing_rasa() or redis_unreachable()
    if reason:
        pytest.skip(reason)
    with (
        throwaway_database(postgres_server, "records") as records_url,
        throwaway_database(postgres_server, "trackers") as tracker_url,
        fresh_redis_db() as redis_url,
    ):
        base = production_settings(records_url)
        database = Database.from_url(base.database_url)
        try:
            database.upgrade()
            demo.load(database, base)
        finally:
            database.dispose()
        log_dir = tmp_path_factory.mktemp("replicas") / "logs"
        with running_replicas(
            2, base, log_dir, tracker_db_url=tracker_url, redis_url=redis_url
        ) as running:
            yield running
