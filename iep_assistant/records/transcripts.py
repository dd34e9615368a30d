"""Rasa's conversation transcripts (its SQL tracker store), for retention and forgetting.

Rasa owns this database and its schema (one ``events`` table); we only delete from it.
Only the columns we use are described here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    func,
    inspect,
    select,
)

_metadata = MetaData()
EVENTS = Table(
    "events",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
)


class Transcripts:
    """The tracker store at ``url`` (a SQLAlchemy URL; SQLite or PostgreSQL)."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(url)

    def exists(self) -> bool:
        return inspect(self.engine).has_table("events")

    def purge_before(self, cutoff: datetime) -> int:
        """Delete what was said before ``cutoff``: whole conversations that ended before
        it, and earlier sessions of the others (the session under way is kept whole)."""
        if not self.exists():
            return 0
        moment = cutoff.timestamp()
        e = EVENTS.alias("e")
        latest_start = (
            select(func.max(EVENTS.c.id))
            .where(EVENTS.c.sender_id == e.c.sender_id, EVENTS.c.type_name == "session_started")
            .scalar_subquery()
        )
        ended = (
            select(EVENTS.c.sender_id)
            .group_by(EVENTS.c.sender_id)
            .having(func.max(EVENTS.c.timestamp) < moment)
        )
        with self.engine.begin() as conn:
            gone = conn.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(ended))).rowcount
            older = conn.execute(
                delete(e).where(e.c.timestamp < moment, e.c.id < latest_start)
            ).rowcount
        return int(gone or 0) + int(older or 0)

    def forget(self, sender_id: str) -> int:
        if not self.exists():
            return 0
        with self.engine.begin() as conn:
            result = conn.execute(delete(EVENTS).where(EVENTS.c.sender_id == sender_id))
        return int(result.rowcount or 0)

    def count(self, sender_id: str | None = None) -> int:
        if not self.exists():
            return 0
        query = select(func.count()).select_from(EVENTS)
        if sender_id is not None:
            query = query.where(EVENTS.c.sender_id == sender_id)
        with self.engine.connect() as conn:
            return int(conn.scalar(query) or 0)

    def dispose(self) -> None:
        self.engine.dispose()
