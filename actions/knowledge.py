"""Knowledge answers: a question, a point picked from buttons, "tell me more", and
"and for a 504?". What to say is decided by :mod:`iep_assistant.knowledge.choosing`
from the rankings the Rasa pipeline recorded, and written by
:mod:`iep_assistant.knowledge.replies`; these actions only translate.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.helpdesk import hand_off
from actions.personal import asker_of
from actions.services import services
from iep_assistant.answering import ranking_from_parse
from iep_assistant.helpdesk import handoff
from iep_assistant.knowledge.choosing import Kind, choose
from iep_assistant.knowledge.replies import (
    decision_reply,
    key_reply,
    more_reply,
    plan_variant_reply,
)
from iep_assistant.protocol import ARTICLE, UNSURE, Reply
from iep_assistant.records.types import HandoffReason

# The replies whose rules (stories/helpdesk.yml) also hand the person to someone.
SENSITIVE = frozenset({"legal_action", "safety_concern"})
STILL_UNSURE = (
    "I'm still not able to answer that, sorry. A person at the school's special "
    "education office can help."
)
MORE_ABOUT_WHAT = "More about what? Ask me a question and I'll answer it."


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    dispatcher.utter_message(**reply.as_kwargs())


def last_answer_key(events: Iterable[dict[str, Any]]) -> str | None:
    """The knowledge key (point, guide or topic) of the most recent knowledge answer."""
    for event in reversed(list(events)):
        if event.get("event") == "session_started":
            return None
        if event.get("event") == "bot":
            custom = (event.get("data") or {}).get("custom") or {}
            if isinstance(custom, dict) and isinstance(custom.get(ARTICLE), str):
                return custom[ARTICLE]
    return None


class ActionAnswerQuestion(Action):
    """A knowledge question: the points it asks, a situation guide, or honest
    uncertainty; or, when the ranker finds it is not one (a request we do not serve,
    legal advice, a diagnosis, distress, a safety concern), that intent's reply."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb = services().knowledge
        decision = choose(ranking_from_parse(tracker.latest_message), kb)
        if decision.kind is Kind.REPLY:
            # The same reply the intent's rule gives (domain.yml, utter_<intent>).
            dispatcher.utter_message(response=f"utter_{decision.reply}")
            if decision.reply in SENSITIVE and asker_of(tracker).identified:
                return await hand_off(dispatcher, tracker, HandoffReason.SENSITIVE)
            return []
        reply = decision_reply(decision, kb)
        if reply.custom.get(UNSURE) and handoff.unsure_before(tracker.events):
            # The second answer in a row we are not sure of: a person should take it.
            if asker_of(tracker).identified:
                return await hand_off(dispatcher, tracker, HandoffReason.NOT_UNDERSTOOD)
            send(dispatcher, handoff.offer_person(STILL_UNSURE))
            return []
        send(dispatcher, reply)
        return []


class ActionShowArticle(Action):
    """A point, guide or topic picked from a button."""

    def name(self) -> str:
        return "action_show_article"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb = services().knowledge
        send(dispatcher, key_reply(tracker.get_slot("article_id"), kb))
        return [SlotSet("article_id", None)]


class ActionTellMore(Action):
    def name(self) -> str:
        return "action_tell_more"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb = services().knowledge
        reply = more_reply(last_answer_key(tracker.events), kb)
        if reply is None:
            dispatcher.utter_message(text=MORE_ABOUT_WHAT)
        else:
            send(dispatcher, reply)
        return []


class ActionFollowupPlanType(Action):
    def name(self) -> str:
        return "action_followup_plan_type"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb = services().knowledge
        key = last_answer_key(tracker.events)
        last = kb.topic_of(key) if key else None
        send(dispatcher, plan_variant_reply(last, tracker.get_slot("plan_type"), kb))
        return []
