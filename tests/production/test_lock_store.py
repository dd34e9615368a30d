"""The lock store of the production profile gives one conversation's lock to one
Rasa server at a time, even when two ask at the same instant (rasa_addons/lock_store.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from iep_assistant.config import load_settings
from tests.production.replicas import fresh_redis_db, redis_unreachable

pytestmark = [pytest.mark.redis]
RACE = Path(__file__).with_name("lock_race.py")


def race(kind: str) -> dict:
    python = load_settings(env={}, dotenv=False).rasa_bin.with_name("python")
    if not python.exists():
        pytest.skip(f"the Rasa environment is not installed ({python}); run `make test`")
    reason = redis_unreachable()
    if reason:
        pytest.skip(reason)
    with fresh_redis_db() as url:
        db = url.rsplit("/", 1)[1]
        done = subprocess.run(
            [str(python), str(RACE), db, kind], capture_output=True, text=True, timeout=120
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_servers_never_hold_the_same_ticket() -> None:
    assert race("atomic") == {"same_ticket": 0, "locks_left": 0}


def test_rasa_s_own_redis_lock_store_does_not_survive_the_same_race() -> None:
    """Why the production profile does not use Rasa's `type: redis`: the same race
    hands some ticket numbers to both processes, i.e. both servers hold the lock."""
    assert race("stock")["same_ticket"] > 0


def test_one_person_s_messages_hold_the_lock_one_after_another() -> None:
    done = race("turns")
    assert done["log"] == ["start 0", "end 0", "start 1", "end 1", "start 2", "end 2"]
    # Message 0 starts before the others arrive; when 1 starts, 2 is waiting behind
    # it. Rasa's own store reads the tickets.
    assert done["tickets_seen"] == [[0], [1, 2], [2]]
    assert done["lock_left"] is False
