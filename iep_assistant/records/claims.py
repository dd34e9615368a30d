"""Claims of Slack deliveries: the first process to insert an id handles it.

Slack re-sends a delivery it thinks failed, possibly to another front-end
process; the primary key lets exactly one insert win (see bot/slack/dedupe.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from iep_assistant.records.models import ClaimedEvent


def claim_event(session: Session, event_id: str, at: datetime) -> bool:
    """True for the first claim of ``event_id`` anywhere; False for every later one."""
    try:
        with session.begin_nested():
            session.add(ClaimedEvent(event_id=event_id, claimed_at=at))
    except IntegrityError:
        return False
    return True


def purge_claims(session: Session, before: datetime) -> int:
    result = session.execute(delete(ClaimedEvent).where(ClaimedEvent.claimed_at < before))
    return int(getattr(result, "rowcount", 0) or 0)
