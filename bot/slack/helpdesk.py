"""The help desk in Slack: tickets in the help-desk channel, relayed both ways.

- A new ticket is posted to the help-desk channel (who, which student, why, a
  summary, Take and Close buttons) with the recent conversation in its thread.
- While it is open, what the person writes is stored, then posted in the thread;
  what staff write in the thread is stored, then sent to the person's DM (a web
  visitor's page fetches it instead).
- Closing it resumes the assistant, which asks whether they got what they needed.

Every line is stored before it is passed on and marked once passed on, so nothing is
lost when Slack or a process fails: :meth:`HelpDesk.catch_up` retries what is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.slack import helpdesk_blocks as layout
from iep_assistant.helpdesk import relay
from iep_assistant.protocol import BotMessage
from iep_assistant.rasa_client import Assistant, AssistantUnavailable
from iep_assistant.records import tickets
from iep_assistant.records.db import Database
from iep_assistant.records.store import find_person
from iep_assistant.records.tickets import TicketView
from iep_assistant.records.types import Channel, Speaker

logger = logging.getLogger(__name__)


class HelpDesk:
    def __init__(
        self, client: AsyncWebClient, database: Database, assistant: Assistant, channel: str
    ) -> None:
        self.client = client
        self.database = database
        self.assistant = assistant
        self.channel = channel

    # --- new tickets ----------------------------------------------------------------------

    async def post(self, ticket_id: int) -> bool:
        """Post a ticket to the help-desk channel, once; the transcript goes in its thread."""
        found = await self.database.run(self._ticket, ticket_id)
        if found is None or found.slack_ts is not None or not found.open:
            return False
        lines = await self.database.run(self._transcript, ticket_id)
        try:
            posted = await self.client.chat_postMessage(
                channel=self.channel,
                text=layout.ticket_text(found),
                blocks=layout.ticket_blocks(found),
                unfurl_links=False,
            )
            ts = str(posted["ts"])
            await self.database.run(self._mark_posted, ticket_id, str(posted["channel"]), ts)
            if lines:
                await self.client.chat_postMessage(
                    channel=self.channel, thread_ts=ts, text=layout.transcript_text(lines)
                )
        except (SlackApiError, SlackClientError) as exc:
            logger.error("helpdesk: ticket %d not posted (%s)", ticket_id, type(exc).__name__)
            return False
        await self.relay_person(ticket_id)  # anything written before it was posted
        return True

    # --- relaying -------------------------------------------------------------------------

    async def person_wrote(self, user: str, text: str) -> TicketView | None:
        """If ``user`` has an open ticket: store what they wrote and pass it to the thread."""
        found = await self.database.run(self._person_wrote, user, text)
        if found is not None:
            if found.slack_ts is None:
                await self.post(found.id)
            else:
                await self.relay_person(found.id)
        return found

    async def relay_person(self, ticket_id: int) -> None:
        found = await self.database.run(self._ticket, ticket_id)
        if found is None or found.slack_ts is None:
            return
        lines = await self.database.run(self._unrelayed, ticket_id, Speaker.PERSON)
        for line in lines:
            try:
                await self.client.chat_postMessage(
                    channel=found.slack_channel or self.channel,
                    thread_ts=found.slack_ts,
                    text=layout.person_line(found, line.text),
                    unfurl_links=False,
                )
            except (SlackApiError, SlackClientError) as exc:
                logger.error("helpdesk: line not relayed (%s); will retry", type(exc).__name__)
                return
            await self.database.run(self._mark_relayed, [line.id])

    async def staff_replied(self, channel: str, thread_ts: str, user: str, text: str) -> bool:
        """A reply in a ticket's thread: stored, then sent to a person in Slack (a web
        visitor's page fetches it). False when the thread is no ticket's."""
        found = await self.database.run(self._staff_wrote, channel, thread_ts, user, text)
        if found is None:
            return False
        if found.channel is Channel.SLACK and found.open:
            await self.relay_staff(found)
        return True

    async def relay_staff(self, found: TicketView) -> None:
        lines = await self.database.run(self._unrelayed, found.id, Speaker.STAFF)
        for line in lines:
            try:
                dm = await self._dm(found.requester_ref)
                await self.client.chat_postMessage(
                    channel=dm, text=layout.staff_line(line.author, line.text)
                )
            except (SlackApiError, SlackClientError) as exc:
                logger.error("helpdesk: reply not relayed (%s); will retry", type(exc).__name__)
                return
            await self.database.run(self._mark_relayed, [line.id])

    # --- staff actions --------------------------------------------------------------------

    async def take(self, ticket_id: int, staff_user: str) -> TicketView | None:
        found = await self.database.run(self._take, ticket_id, staff_user)
        if found is not None:
            await self._refresh(found)
        return found

    async def close(self, ticket_id: int, staff_user: str) -> TicketView | None:
        """Close the ticket (once) and give the conversation back to the assistant."""
        found = await self.database.run(self._close, ticket_id, staff_user)
        if found is None:
            return None
        await self._refresh(found)
        if found.channel is Channel.SLACK:
            await self.resume_in_slack(found)
        return found

    async def resume_in_slack(self, found: TicketView) -> None:
        """Ask the person in their DM whether they got what they needed."""
        if not await self.database.run(self._claim_resume, found.id):
            return
        try:
            messages = await self.assistant.resume(found.requester_ref)
        except AssistantUnavailable as exc:
            logger.error("helpdesk: could not resume the conversation (%s)", exc)
            await self.database.run(self._release_resume, found.id)
            messages = [BotMessage(text=layout.CLOSED_TEXT)]
        from bot.slack.delivery import deliver  # a cycle at import time otherwise
        from bot.slack.places import Conversation, Place
        from bot.slack.routing import plan

        place = Place(user=found.requester_ref, conversation=Conversation.DM)
        await deliver(self.client, place, plan(place, messages))

    async def _refresh(self, found: TicketView) -> None:
        """Show the ticket's new state on its message in the channel."""
        if found.slack_ts is None:
            return
        try:
            await self.client.chat_update(
                channel=found.slack_channel or self.channel,
                ts=found.slack_ts,
                text=layout.ticket_text(found),
                blocks=layout.ticket_blocks(found),
            )
        except (SlackApiError, SlackClientError) as exc:
            logger.warning("helpdesk: ticket message not updated (%s)", type(exc).__name__)

    async def _dm(self, user: str) -> str:
        opened = await self.client.conversations_open(users=user)
        return str(opened["channel"]["id"])

    async def catch_up(self) -> None:
        """Post tickets left over by a failure, and lines not yet passed on."""
        for ticket_id in await self.database.run(self._unposted):
            await self.post(ticket_id)
        for found in await self.database.run(self._live):
            if found.slack_ts is not None:
                await self.relay_person(found.id)
            if found.channel is Channel.SLACK:
                await self.relay_staff(found)
        for found in await self.database.run(self._closed_not_resumed):
            if found.channel is Channel.SLACK:
                await self.resume_in_slack(found)  # Rasa was down when it was closed

    async def keep_up(self, stop: asyncio.Event, every: float) -> None:
        """Run :meth:`catch_up` every ``every`` seconds until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self.catch_up()
            except (SQLAlchemyError, SlackClientError) as exc:
                logger.error("helpdesk: catching up failed (%s)", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)

    # --- the data layer, in worker threads -------------------------------------------------

    def _ticket(self, ticket_id: int) -> TicketView | None:
        with self.database.session() as session:
            return tickets.ticket(session, ticket_id)

    def _transcript(self, ticket_id: int) -> list[tickets.LineView]:
        with self.database.session() as session:
            return tickets.transcript(session, ticket_id)

    def _mark_posted(self, ticket_id: int, channel: str, ts: str) -> None:
        with self.database.session() as session:
            tickets.mark_posted(session, ticket_id, channel, ts)

    def _person_wrote(self, user: str, text: str) -> TicketView | None:
        with self.database.session() as session:
            return relay.person_wrote(session, user, text, datetime.now(UTC))

    def _unrelayed(self, ticket_id: int, speaker: Speaker) -> list[tickets.LineView]:
        with self.database.session() as session:
            return tickets.unrelayed(session, ticket_id, speaker)

    def _mark_relayed(self, line_ids: list[int]) -> None:
        with self.database.session() as session:
            tickets.mark_relayed(session, line_ids, datetime.now(UTC))

    def _staff_wrote(self, channel: str, ts: str, user: str, text: str) -> TicketView | None:
        with self.database.session() as session:
            found = tickets.by_thread(session, channel, ts)
            if found is None or not found.open:
                return None
            author = find_person(session, user)
            tickets.add_line(
                session, found.id, Speaker.STAFF, text, datetime.now(UTC), author=author
            )
            return found

    def _take(self, ticket_id: int, staff_user: str) -> TicketView | None:
        with self.database.session() as session:
            staff = tickets.staff_member(session, staff_user)
            return tickets.take(session, ticket_id, staff, datetime.now(UTC)) if staff else None

    def _close(self, ticket_id: int, staff_user: str) -> TicketView | None:
        with self.database.session() as session:
            staff = tickets.staff_member(session, staff_user)
            return tickets.close(session, ticket_id, staff, datetime.now(UTC)) if staff else None

    def _claim_resume(self, ticket_id: int) -> bool:
        with self.database.session() as session:
            return relay.claim_resume(
                session, tickets.ticket(session, ticket_id), datetime.now(UTC)
            )

    def _release_resume(self, ticket_id: int) -> None:
        with self.database.session() as session:
            relay.release_resume(session, ticket_id)

    def _closed_not_resumed(self) -> list[TicketView]:
        with self.database.session() as session:
            since = datetime.now(UTC) - timedelta(days=1)
            return tickets.closed_not_resumed(session, since)

    def _live(self) -> list[TicketView]:
        with self.database.session() as session:
            return tickets.live_tickets(session, limit=200)

    def _unposted(self) -> list[int]:
        with self.database.session() as session:
            return tickets.unposted(session)
