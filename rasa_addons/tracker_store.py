"""Rasa's SQL tracker store, same table and rows, in fewer and cheaper statements.

Every message a Rasa server handles reads the conversation from the tracker store
and writes its new events back. Rasa 3.6's ``SQLTrackerStore`` does that through the
ORM: on the read, an ORM object per event; on the write, a count of the stored events
built as an ORM query and one ORM object per new event. Under load that was a fifth
of a Rasa server's time (benchmarks/load.py). This store runs the same queries as
plain SQL statements built once, reads only the ``data`` column and inserts the new
rows in one statement. It keeps Rasa's ``events`` table exactly, so a district may
switch between ``type: SQL`` and this store with the data in place.

Runs inside the Rasa server (Python 3.10). Named in deploy/endpoints.production.yml
as ``type: rasa_addons.tracker_store.LeanSQLTrackerStore``.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text, Type

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.utils.common import all_subclasses

EVENTS = SQLTrackerStore.SQLEvent.__table__

# The events of the latest conversation session: those from the last
# `session_started` on, or all of them when there is none (Rasa's own rule, in
# SQLTrackerStore._event_query). Ordered by id: timestamps may repeat.
_SESSION_START = (
    sa.select(sa.func.max(EVENTS.c.timestamp))
    .where(
        EVENTS.c.sender_id == sa.bindparam("sender_id"),
        EVENTS.c.type_name == SessionStarted.type_name,
    )
    .scalar_subquery()
)
_IN_LATEST_SESSION = sa.and_(
    EVENTS.c.sender_id == sa.bindparam("sender_id"),
    sa.or_(_SESSION_START.is_(None), EVENTS.c.timestamp >= _SESSION_START),
)
LATEST_SESSION = sa.select(EVENTS.c.data).where(_IN_LATEST_SESSION).order_by(EVENTS.c.id)
ALL_SESSIONS = (
    sa.select(EVENTS.c.data)
    .where(EVENTS.c.sender_id == sa.bindparam("sender_id"))
    .order_by(EVENTS.c.id)
)
STORED_IN_LATEST_SESSION = sa.select(sa.func.count()).select_from(EVENTS).where(_IN_LATEST_SESSION)


def event_row(sender_id: Text, event: Any) -> Dict[Text, Any]:
    """The row Rasa's SQLTrackerStore.save writes for one event."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


_event_classes: Dict[Text, Type[Event]] = {}


def _resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Any:
    """Rasa's Event.resolve_by_type, with the class for each name looked up once.

    Rasa walks the whole tree of event classes (about 25, checking each for being
    abstract) for every event it reads back: 0.1 ms an event, more than the query
    that fetched it. The answer is the first class in that walk with the name, as in
    Rasa; an unknown name walks again (a class may have been imported since).
    """
    if type_name not in _event_classes:
        for cls in all_subclasses(Event):
            _event_classes.setdefault(cls.type_name, cls)
    if type_name in _event_classes:
        return _event_classes[type_name]
    if type_name == "topic":
        return None  # Rasa's own answer: old TopicSet events are skipped
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


class LeanSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` with plain statements in place of ORM queries and objects."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every event this server reads back (from here, and from the action server)
        # goes through this lookup.
        Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[method-assign]

    # The statements run on Rasa's event loop, as in Rasa's own store. Handing them to a
    # worker thread was measured (benchmarks/load.py, two replicas on two cores): 2 ms
    # more CPU a message and p95 at 45/s from 371 to 609 ms, the threads' hand-offs
    # and their contention for the interpreter costing more than the waits they free.
    async def _retrieve(
        self, sender_id: Text, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        query = ALL_SESSIONS if fetch_events_from_all_sessions else LATEST_SESSION
        with self.session_scope() as session:
            rows = session.execute(query, {"sender_id": sender_id}).scalars().all()
        if not (self.domain and rows):
            return None
        events = [json.loads(data) for data in rows]
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        with self.session_scope() as session:
            # The caller holds the conversation's lock, so nothing is written between
            # this count and the insert.
            stored = session.execute(
                STORED_IN_LATEST_SESSION, {"sender_id": tracker.sender_id}
            ).scalar_one()
            rows: List[Dict[Text, Any]] = [
                event_row(tracker.sender_id, event) for event in list(tracker.events)[stored:]
            ]
            if rows:
                session.execute(EVENTS.insert(), rows)
            session.commit()
