"""Rasa's Redis lock store, made safe for several Rasa servers at once.

Rasa 3.6's ``RedisLockStore`` changes a conversation's lock by reading it, changing
it in Python and writing it back (``issue_ticket``, ``finish_serving``, ``cleanup``).
Two servers that get a message of the same person at the same instant both read "no
tickets", both issue ticket 0 and both go ahead: the turns run side by side and the
SQL tracker store, which appends "the events after the ones already stored", loses
one of them. tests/production/test_replicas.py shows it (one turn in six lost with
the stock store). Here each of those changes is atomic, and a waiting message looks
again every ``poll_seconds`` instead of every second.

The two changes every message makes, taking a ticket and giving it back, are each one
Lua script run by Redis (one round trip, atomic by Redis's design); the first also
tells whether the ticket is served at once, which it is unless the person's previous
message is still being handled. Rasa calls the lock store without awaiting it, so
every round trip stops the whole server meanwhile: the stock store makes seven per
message, this one two. The rarer changes (dropping expired tickets while waiting) are
WATCH/MULTI/EXEC transactions, retried when another server changed the lock meanwhile.
The lock is stored as Rasa's ``TicketLock`` JSON, so either code reads the other's.

Runs inside the Rasa server (Python 3.10). Named in deploy/endpoints.production.yml
as ``type: rasa_addons.lock_store.AtomicRedisLockStore``.
"""

from __future__ import annotations

import json
import time
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

# TicketLock's own steps, in Redis: tickets are JSON strings inside the lock's JSON
# ({"conversation_id": ..., "tickets": ["{\"number\": 0, \"expires\": ...}"]}); a
# ticket has expired when now > expires. ARGV[1] is the Rasa server's clock, as
# TicketLock uses it.
_UNEXPIRED = """
local function unexpired(lock, now, drop)
  local kept = {}
  for _, text in ipairs(lock.tickets or {}) do
    local ticket = cjson.decode(text)
    if ticket.expires >= now and ticket.number ~= drop then
      kept[#kept + 1] = text
    end
  end
  return kept
end
"""
# Issues the next ticket (ARGV[2]: lifetime, ARGV[3]: conversation id); returns
# the lock as stored and the ticket's number.
ISSUE_TICKET = (
    _UNEXPIRED
    + """
local raw = redis.call('GET', KEYS[1])
local lock = raw and cjson.decode(raw) or {conversation_id = ARGV[3]}
local now = tonumber(ARGV[1])
local tickets = unexpired(lock, now, nil)
local number = 0
if #tickets > 0 then number = cjson.decode(tickets[#tickets]).number + 1 end
tickets[#tickets + 1] = cjson.encode({number = number, expires = now + tonumber(ARGV[2])})
lock.tickets = tickets
local stored = cjson.encode(lock)
redis.call('SET', KEYS[1], stored)
return {stored, number}
"""
)
# Gives back ticket ARGV[2]; deletes the lock when no ticket is left.
RETURN_TICKET = (
    _UNEXPIRED
    + """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local lock = cjson.decode(raw)
local tickets = unexpired(lock, tonumber(ARGV[1]), tonumber(ARGV[2]))
if #tickets == 0 then
  redis.call('DEL', KEYS[1])
else
  lock.tickets = tickets
  redis.call('SET', KEYS[1], cjson.encode(lock))
end
return #tickets
"""
)


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose every read-change-write of a lock is atomic."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        options = dict(endpoint_config.kwargs)
        # Rasa's own default, one second, is what a person's second message waits
        # at least when it arrives during the first: too long for a chat.
        self.poll_seconds = float(options.pop("poll_seconds", 0.05))
        super().__init__(host=endpoint_config.url or "localhost", **options)
        self._issue = self.red.register_script(ISSUE_TICKET)
        self._return = self.red.register_script(RETURN_TICKET)

    def _issue_ticket(self, conversation_id: str, lock_lifetime: float) -> tuple[int, TicketLock]:
        try:
            stored, number = self._issue(
                keys=[self.key_prefix + conversation_id],
                args=[repr(time.time()), repr(float(lock_lifetime)), conversation_id],
            )
        except redis.RedisError as exc:
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc
        return int(number), TicketLock.from_dict(json.loads(stored))

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
        return self._issue_ticket(conversation_id, lock_lifetime)[0]

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[None, Any]:
            if lock is None:
                return None, KEEP
            lock.remove_expired_tickets()
            return None, lock

        self._transaction(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._transaction(conversation_id, _without(ticket_number))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Atomic: a ticket issued between "nobody is waiting" and the delete would
        # otherwise be deleted with the lock, and its message fail.
        self._return(
            keys=[self.key_prefix + conversation_id], args=[repr(time.time()), ticket_number]
        )

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float | None = None,
    ) -> AsyncGenerator[TicketLock, None]:
        """Rasa's LockStore.lock, without a second look at a ticket served at once."""
        wait = self.poll_seconds if wait_time_in_seconds is None else wait_time_in_seconds
        ticket, lock = self._issue_ticket(conversation_id, lock_lifetime)
        try:
            if lock.is_locked(ticket):  # an earlier message of this person is running
                lock = await self._acquire_lock(conversation_id, ticket, wait)
            yield lock
        finally:
            self.cleanup(conversation_id, ticket)


def _without(ticket_number: int) -> Change:
    def change(lock: TicketLock | None) -> tuple[None, Any]:
        if lock is None:
            return None, KEEP
        lock.remove_ticket_for(ticket_number)
        return None, lock

    return change
