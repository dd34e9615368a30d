"""The school office's side of the web chat, for a visitor who asked for a person.

While their ticket is open, what the visitor writes is stored for the office (and
passed to the help-desk channel when Slack has one) instead of going to the
assistant; the page fetches the office's replies; once staff close the ticket the
conversation is given back to the assistant, exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_sdk.errors import SlackClientError
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request

from bot.slack.helpdesk import HelpDesk
from bot.web.rendering import office_line, render, ticket_state
from iep_assistant.helpdesk import relay
from iep_assistant.rasa_client import Assistant, AssistantUnavailable
from iep_assistant.records.db import Database
from iep_assistant.records.tickets import TicketView

logger = logging.getLogger(__name__)
CLOSED_TEXT = "The school office has closed your request. I'm here if you have another question."


@dataclass(frozen=True)
class WebDeps:
    """What the web chat uses, from the app's state (see ``bot.app.create_app``)."""

    assistant: Assistant
    database: Database
    knowledge: Collection[str]
    helpdesk: HelpDesk | None


def deps_of(request: Request) -> WebDeps:
    state = request.app.state
    return WebDeps(
        assistant=state.assistant,
        database=state.database,
        knowledge=state.knowledge,
        helpdesk=getattr(state, "helpdesk", None),
    )


@dataclass(frozen=True)
class Pending:
    """What the visitor has not seen yet: office replies and, after a close, the
    assistant taking over again; and the state of their ticket."""

    messages: list[dict[str, Any]]
    ticket: dict[str, Any]


async def hold_for_office(deps: WebDeps, visitor: str, text: str) -> TicketView | None:
    """Store ``text`` for the office if the visitor's ticket is open (then the assistant
    must not see it); None when they have no open ticket."""
    if deps.helpdesk is not None:
        return await deps.helpdesk.person_wrote(visitor, text)
    return await deps.database.run(_person_wrote, deps.database, visitor, text)


async def post_ticket(deps: WebDeps, ticket_id: int) -> None:
    """Put a new ticket in the help-desk channel. A failure is only logged: the ticket
    is stored, and the help desk posts what is left over later."""
    if deps.helpdesk is None:
        return
    try:
        await deps.helpdesk.post(ticket_id)
    except (SQLAlchemyError, SlackClientError) as exc:
        logger.error("web chat: ticket %d not posted yet (%s)", ticket_id, type(exc).__name__)


async def pending(deps: WebDeps, visitor: str) -> Pending:
    """Office replies not shown yet (marked shown), then, if the ticket was closed since,
    what the assistant says on taking the conversation back."""
    got = await deps.database.run(_updates, deps.database, visitor)
    messages = [office_line(line) for line in got.lines]
    if got.resume and got.ticket is not None:
        messages += await _resume(deps, visitor, got.ticket.id)
    return Pending(messages, ticket_state(got.ticket))


async def _resume(deps: WebDeps, visitor: str, ticket_id: int) -> list[dict[str, Any]]:
    """The assistant's words on taking over; at least a plain "closed" (never silence)."""
    try:
        said = render(await deps.assistant.resume(visitor))
    except AssistantUnavailable as exc:
        # The office's replies are already marked shown and must still reach the
        # page, so this is not an error response; the next poll tries to resume again.
        logger.error("web chat: could not resume the conversation (%s)", exc)
        await deps.database.run(_release_resume, deps.database, ticket_id)
        return [{"text": CLOSED_TEXT}]
    if not said:
        logger.error("web chat: the resumed conversation said nothing")
        return [{"text": CLOSED_TEXT}]
    return said


# --- the data layer, in worker threads -----------------------------------------------------


def _release_resume(database: Database, ticket_id: int) -> None:
    with database.session() as session:
        relay.release_resume(session, ticket_id)


def _person_wrote(database: Database, visitor: str, text: str) -> TicketView | None:
    with database.session() as session:
        return relay.person_wrote(session, visitor, text, datetime.now(UTC))


def _updates(database: Database, visitor: str) -> relay.Updates:
    with database.session() as session:
        return relay.updates_for(session, visitor, datetime.now(UTC))
