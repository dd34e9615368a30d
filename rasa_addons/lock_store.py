"""Rasa's Redis lock store, made safe for several Rasa servers at once.

Rasa 3.6's ``RedisLockStore`` changes a conversation's lock by reading it, changing
it in Python and writing it back (``issue_ticket``, ``finish_serving``, ``cleanup``).
Two servers that get a message of the same person at the same instant both read "no
tickets", both issue ticket 0 and both go ahead: the turns run side by side and the
SQL tracker store, which appends "the events after the ones already stored", loses
one of them. tests/production/test_replicas.py shows it (one turn in six lost with
the stock store). Here each of those changes is one Redis transaction (WATCH/MULTI/
EXEC, retried when another server changed the lock meanwhile), and a waiting message
looks again every ``poll_seconds`` instead of every second.

Runs inside the Rasa server (Python 3.10). Named in deploy/endpoints.production.yml
as ``type: rasa_addons.lock_store.AtomicRedisLockStore``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import Any

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# A change returns (what the caller gets, the lock to store or None to delete it,
# or KEEP to leave Redis as it is).
KEEP = object()
Change = Callable[[TicketLock | None], tuple[Any, Any]]


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose every read-change-write of a lock is atomic."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        options = dict(endpoint_config.kwargs)
        # Rasa's own default, one second, is what a person's second message waits
        # at least when it arrives during the first: too long for a chat.
        self.poll_seconds = float(options.pop("poll_seconds", 0.05))
        super().__init__(host=endpoint_config.url or "localhost", **options)

    def _transaction(self, conversation_id: str, change: Change) -> Any:
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    result, stored = change(lock)
                    pipe.multi()
                    if stored is None:
                        pipe.delete(key)
                    elif stored is not KEEP:
                        pipe.set(key, stored.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another server changed this lock: read it again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[int, TicketLock]:
            lock = lock or TicketLock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock

        try:
            return self._transaction(conversation_id, issue)
        except redis.RedisError as exc:
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[None, Any]:
            if lock is None:
                return None, KEEP
            lock.remove_expired_tickets()
            return None, lock

        self._transaction(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._transaction(conversation_id, _without(ticket_number, delete_when_empty=False))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # One transaction: a ticket issued between "nobody is waiting" and the delete
        # would otherwise be deleted with the lock, and its message fail.
        self._transaction(conversation_id, _without(ticket_number, delete_when_empty=True))

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float | None = None,
    ) -> AsyncGenerator[TicketLock, None]:
        wait = self.poll_seconds if wait_time_in_seconds is None else wait_time_in_seconds
        async with super().lock(conversation_id, lock_lifetime, wait) as lock:
            yield lock


def _without(ticket_number: int, *, delete_when_empty: bool) -> Change:
    def change(lock: TicketLock | None) -> tuple[None, Any]:
        if lock is None:
            return None, KEEP
        lock.remove_ticket_for(ticket_number)
        if delete_when_empty and not lock.is_someone_waiting():
            return None, None
        return None, lock

    return change
