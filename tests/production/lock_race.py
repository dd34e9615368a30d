"""Two processes take lock tickets for one conversation at the same time.

Run by tests/production/test_lock_store.py with the Rasa environment's Python:
``lock_race.py REDIS_DB KIND`` (KIND: atomic or stock). Prints one JSON line: how
many ticket numbers were handed out twice, and how many locks are left once every
ticket is returned.

``lock_race.py REDIS_DB turns`` instead holds the lock as Rasa does, for three
messages of one person arriving together, and prints the order they ran in, the
lock Rasa's own store reads meanwhile, and whether the lock is gone at the end.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from rasa_addons.lock_store import AtomicRedisLockStore

TICKETS = 300  # per process
CONVERSATION = "conversation-1"


def store(db: int, kind: str) -> RedisLockStore:
    options = {"port": 6379, "db": db, "key_prefix": "race"}
    if kind == "atomic":
        return AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", **options))
    return RedisLockStore(host="127.0.0.1", **options)


def issue(db: int, kind: str, start: float, out: multiprocessing.Queue) -> None:
    lock_store = store(db, kind)
    while time.time() < start:  # both processes begin at the same instant
        pass
    out.put([lock_store.issue_ticket(CONVERSATION) for _ in range(TICKETS)])


async def turns(db: int) -> dict:
    """Three messages of one person at once: each runs alone, in arrival order."""
    lock_store, stock = store(db, "atomic"), store(db, "stock")
    log: list[str] = []
    seen: list[list[int]] = []

    async def message(n: int) -> None:
        async with lock_store.lock(CONVERSATION):
            log.append(f"start {n}")
            lock = stock.get_lock(CONVERSATION)  # Rasa's own code reads our JSON
            seen.append([t.number for t in lock.tickets] if lock else [])
            await asyncio.sleep(0.1)
            log.append(f"end {n}")

    tasks = []
    for n in range(3):
        tasks.append(asyncio.create_task(message(n)))
        await asyncio.sleep(0.01)  # arrival order 0, 1, 2
    await asyncio.gather(*tasks)
    return {"log": log, "tickets_seen": seen, "lock_left": stock.get_lock(CONVERSATION) is not None}


def main() -> None:
    db, kind = int(sys.argv[1]), sys.argv[2]
    if kind == "turns":
        print(json.dumps(asyncio.run(turns(db))))
        return
    out: multiprocessing.Queue = multiprocessing.Queue()
    start = time.time() + 1.0
    workers = [multiprocessing.Process(target=issue, args=(db, kind, start, out)) for _ in "ab"]
    for worker in workers:
        worker.start()
    first, second = out.get(timeout=60), out.get(timeout=60)
    for worker in workers:
        worker.join()
    # Every number is one ticket: a number handed out twice is two servers in the lock.
    twice = len(first) + len(second) - len(set(first) | set(second))
    lock_store = store(db, kind)
    for ticket in set(first) | set(second):
        lock_store.cleanup(CONVERSATION, ticket)
    left = int(lock_store.get_lock(CONVERSATION) is not None)
    print(json.dumps({"same_ticket": twice, "locks_left": left}))


if __name__ == "__main__":
    main()
