"""Hand-off to a person: open a ticket, tell the person what happens next, step back.

The rules live in :mod:`iep_assistant.helpdesk`; the ticket in the data layer. The
front end posts the ticket to the help-desk channel (the reply carries its id) and
relays messages while it is open; closing it resumes this conversation.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.personal import REMEMBERED, asker_of, int_or_none
from actions.services import Services, services
from iep_assistant.helpdesk import handoff, office_hours
from iep_assistant.personal.asker import Asker
from iep_assistant.records import tickets
from iep_assistant.records.store import NotVisible, StudentRecords, find_person
from iep_assistant.records.types import Channel, HandoffReason

CONTACT = "contact"
NO_CONTACT = "none"
SKIP_WORDS = frozenset({"skip", "no", "none", "no thanks", "nope", "n/a", "anonymous"})
ASK_CONTACT = (
    "I can pass this to a person at the school's special education office. If you'd like "
    'them to reply to you, type an email address or a phone number. Or type "skip", '
    "and keep this page open to see their reply here."
)
ANONYMOUS = (
    "I can't pass a message on from here, because this chat cannot be answered. "
    "Please contact your school's special education office directly."
)


def _open(
    svc: Services,
    asker: Asker,
    reason: HandoffReason,
    events: list[dict[str, Any]],
    remembered: int | None,
    contact: str | None,
) -> tuple[tickets.TicketView, bool]:
    """Runs in a worker thread: one transaction opens (or finds) the ticket."""
    assert asker.channel is not None
    lines = handoff.transcript(events)
    with svc.database.session() as session:
        person = find_person(session, asker.sender) if asker.identified else None
        student_id = None
        if person is not None and remembered is not None:
            try:  # only a student they may see; checked and audited
                student_id = (
                    StudentRecords(session, person, channel=asker.channel).student(remembered).id
                )
            except NotVisible:
                student_id = None
        return tickets.open_ticket(
            session,
            requester_ref=asker.sender,
            requester=person,
            channel=asker.channel,
            reason=reason,
            summary=handoff.summary(lines),
            transcript=lines,
            now=datetime.now(UTC),
            student_id=student_id,
            contact=contact if contact and contact != NO_CONTACT else None,
        )


async def hand_off(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    reason: HandoffReason,
    contact: str | None = None,
) -> list[EventType]:
    """Open a ticket for the person and step back; or say why that cannot be done."""
    asker = asker_of(tracker)
    if asker.channel is None or (asker.channel is Channel.TERMINAL and not asker.identified):
        dispatcher.utter_message(text=ANONYMOUS)
        return []
    svc = services()
    ticket, created = await svc.database.run(
        _open,
        svc,
        asker,
        reason,
        tracker.events,
        int_or_none(tracker.get_slot(REMEMBERED)),
        contact,
    )
    tz = ZoneInfo(svc.settings.district_time_zone)
    hours = office_hours.parse(svc.settings.office_hours)
    expectation = office_hours.expectation(hours, datetime.now(UTC), tz)
    reply = handoff.handed_off(
        ticket, expectation, created=created, web=asker.channel is Channel.WEB
    )
    dispatcher.utter_message(**reply.as_kwargs())
    return [SlotSet(CONTACT, None), ConversationPaused()]


class ActionHandOff(Action):
    """The person asked for a human (after the contact form, for web visitors)."""

    def name(self) -> str:
        return "action_hand_off"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await hand_off(dispatcher, tracker, HandoffReason.ASKED, tracker.get_slot(CONTACT))


class ActionSensitiveTopic(Action):
    """After the answer we can give on a complaint, their own dispute or a safety
    concern: a person. In Slack the office can reply, so a ticket is opened; elsewhere
    the answer's "Talk to a person" button is the way."""

    def name(self) -> str:
        return "action_sensitive_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not asker_of(tracker).identified:
            return []
        return await hand_off(dispatcher, tracker, HandoffReason.SENSITIVE)


class ActionAskContact(Action):
    """The contact form's question (worded here rather than as a domain response)."""

    def name(self) -> str:
        return "action_ask_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=ASK_CONTACT)
        return []


class ValidateHandoffForm(FormValidationAction):
    """Asks a web visitor how the office may reply (an email or phone number, or none).

    The domain declares ``handoff_form`` with the ``contact`` slot (from text, while
    the form is active) and ``utter_ask_contact``. People in Slack are asked nothing:
    the office replies to them in Slack.
    """

    def name(self) -> str:
        return "validate_handoff_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return [] if asker_of(tracker).identified else domain_slots

    def validate_contact(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        text = str(slot_value or "").strip()
        if text.lower().strip(".! ") in SKIP_WORDS:
            return {CONTACT: NO_CONTACT}
        found = handoff.contact_given(text)
        if found:
            return {CONTACT: found}
        dispatcher.utter_message(
            text="That doesn't look like an email address or a phone number. Please type "
            'one (for example name@example.com or 555-123-4567), or "skip".'
        )
        return {CONTACT: None}


class ActionHandoffFeedback(Action):
    """After a ticket is closed: did the person get what they needed? Kept as feedback
    beside the articles' (the rules say the words)."""

    def name(self) -> str:
        return "action_handoff_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        helpful = (tracker.latest_message.get("intent") or {}).get("name") == "affirm"
        asker = asker_of(tracker)
        svc = services()
        if asker.channel is not None:
            await svc.database.run(_record, svc, asker, helpful)
        return []


def _record(svc: Services, asker: Asker, helpful: bool) -> None:
    assert asker.channel is not None
    with svc.database.session() as session:
        last = tickets.last_closed(session, asker.sender)
        tickets.record_feedback(
            session,
            article_id=tickets.HANDOFF_ARTICLE,
            helpful=helpful,
            rater_ref=asker.sender,
            answer_ref=f"ticket:{last.id if last else 0}",
            channel=asker.channel,
            now=datetime.now(UTC),
        )
