"""The lean tracker store (rasa_addons/tracker_store.py) keeps Rasa's SQL store's data.

Both stores write the same conversation (two sessions, saved turn by turn as a Rasa
server does) on SQLite and on PostgreSQL; the rows must be the same, and each store
must read back what either wrote. Runs in Rasa's environment, as a subprocess.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from sqlalchemy.engine import make_url

from iep_assistant.config import PROJECT_ROOT

RASA_PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"

SCRIPT = """
import asyncio, json, sys
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses
from rasa_addons.tracker_store import LeanSQLTrackerStore

settings = json.load(sys.stdin)
domain = Domain.load("domain.yml")
rasa_lookup = Event.resolve_by_type
stores = {"stock": SQLTrackerStore(domain, **settings),
          "lean": LeanSQLTrackerStore(domain, **settings)}  # replaces the lookup

def lookups(resolve):
    names = sorted({c.type_name for c in all_subclasses(Event)})
    found = {name: resolve(name).__name__ for name in names}
    found["topic"] = repr(resolve("topic", UserUttered))
    found["no such event"] = resolve("no such event", UserUttered).__name__
    return found
clock = iter(range(1000, 2000))

def turn(text):
    parse = {"text": text, "intent": {"name": "faq", "confidence": 0.9}, "entities": []}
    return [UserUttered(text, parse["intent"], [], parse, timestamp=next(clock)),
            ActionExecuted("action_answer_question", timestamp=next(clock)),
            BotUttered("an answer", {"buttons": []}, timestamp=next(clock)),
            SlotSet("remembered_student", "7", timestamp=next(clock)),
            ActionExecuted("action_listen", timestamp=next(clock))]

def session():
    return [ActionExecuted("action_session_start", timestamp=next(clock)),
            SessionStarted(timestamp=next(clock)),
            ActionExecuted("action_listen", timestamp=next(clock))]

# What a server saves after each message: a new session, then turns.
saves = [session() + turn("what is an IEP"), turn("and a 504 plan?"),
         session() + turn("hello again"), turn("who is on the team")]

def events(tracker):
    return None if tracker is None else [e.as_dict() for e in tracker.events]

async def main():
    for name, store in stores.items():
        for batch in saves:
            tracker = await store.retrieve(name) or DialogueStateTracker(name, domain.slots)
            for event in batch:
                tracker.update(event)
            await store.save(tracker)
    stock = stores["stock"]
    with stock.session_scope() as s:
        rows = {name: [(r.type_name, r.timestamp, r.intent_name, r.action_name, r.data)
                       for r in s.query(stock.SQLEvent)
                       .filter(stock.SQLEvent.sender_id == name)
                       .order_by(stock.SQLEvent.id)] for name in stores}
    read = {}
    for reader, store in stores.items():
        for writer in stores:
            read[f"{reader} reads {writer}"] = {
                "latest": events(await store.retrieve(writer)),
                "full": events(await store.retrieve_full_tracker(writer)),
                "slot": (await store.retrieve(writer)).get_slot("remembered_student"),
            }
        read[f"{reader} reads nobody"] = events(await store.retrieve("nobody"))
    lookup = {"rasa": lookups(rasa_lookup), "lean": lookups(Event.resolve_by_type)}
    print(json.dumps({"rows": rows, "read": read, "lookup": lookup}))

asyncio.run(main())
"""


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_settings(request: pytest.FixtureRequest, tmp_path) -> dict:
    if request.param == "sqlite":
        return {"dialect": "sqlite", "db": str(tmp_path / "trackers.db")}
    url = make_url(request.getfixturevalue("postgres_url"))
    return {
        "dialect": "postgresql",
        "host": url.host,
        "port": url.port,
        "db": url.database,
        "username": url.username,
        "password": url.password,
    }


@pytest.fixture
def written(store_settings: dict) -> dict:
    if not RASA_PYTHON.exists():
        pytest.skip("Rasa's environment (.venv-rasa) is not installed: run `make install`")
    done = subprocess.run(
        [str(RASA_PYTHON), "-c", SCRIPT],
        input=json.dumps(store_settings),
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_both_stores_write_the_same_rows(written: dict) -> None:
    rows = written["rows"]
    assert len(rows["stock"]) == 2 * 3 + 4 * 5  # two sessions' starts, four turns
    assert rows["lean"] == rows["stock"]


def test_each_store_reads_what_either_wrote(written: dict) -> None:
    read = written["read"]
    expected = read["stock reads stock"]
    # The latest session only: from its `session_started` on (Rasa's rule).
    assert len(expected["latest"]) == 2 + 2 * 5
    assert expected["latest"][0]["event"] == "session_started"
    assert len(expected["full"]) == 2 * 3 + 4 * 5
    assert expected["slot"] == "7"
    for reader in ("stock", "lean"):
        for writer in ("stock", "lean"):
            assert read[f"{reader} reads {writer}"] == expected, (reader, writer)
        assert read[f"{reader} reads nobody"] is None


def test_events_are_read_back_as_the_classes_rasa_would_pick(written: dict) -> None:
    lookup = written["lookup"]
    assert len(lookup["rasa"]) > 20
    assert lookup["lean"] == lookup["rasa"]
