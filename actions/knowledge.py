"""Knowledge answers the rules do not give directly.

A clear question is answered by Rasa's own `utter_faq` (responses generated from
the articles). These actions handle the rest: an uncertain question, an article
picked from buttons, "tell me more", and "and for a 504?".
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
from iep_assistant.answering import choice_from_parse
from iep_assistant.helpdesk import handoff
from iep_assistant.knowledge_replies import (
    article_reply,
    choice_reply,
    details_reply,
    plan_variant_reply,
    unsure_reply,
)
from iep_assistant.protocol import ARTICLE, UNSURE, Reply
from iep_assistant.records.types import HandoffReason

STILL_UNSURE = (
    "I'm still not able to answer that, sorry. A person at the school's special "
    "education office can help."
)


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    dispatcher.utter_message(**reply.as_kwargs())


def last_article_id(events: Iterable[dict[str, Any]]) -> str | None:
    """The article of the assistant's most recent knowledge answer in this conversation."""
    for event in reversed(list(events)):
        if event.get("event") == "session_started":
            return None
        if event.get("event") == "bot":
            custom = (event.get("data") or {}).get("custom") or {}
            if isinstance(custom, dict) and isinstance(custom.get(ARTICLE), str):
                return custom[ARTICLE]
    return None


class ActionAnswerQuestion(Action):
    """A question the gate was unsure of: offer two close articles, or three and a person."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb = services().knowledge
        reply = choice_reply(choice_from_parse(tracker.latest_message), kb)
        if reply.custom.get(UNSURE) and handoff.unsure_before(tracker.events):
            # The second answer in a row we are not sure of: a person should take it.
            if asker_of(tracker).identified:
                return await hand_off(dispatcher, tracker, HandoffReason.NOT_UNDERSTOOD)
            send(dispatcher, handoff.offer_person(STILL_UNSURE))
            return []
        send(dispatcher, reply)
        return []


class ActionShowArticle(Action):
    def name(self) -> str:
        return "action_show_article"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb = services().knowledge
        article = kb.get(tracker.get_slot("article_id"))
        send(dispatcher, article_reply(article, kb) if article else unsure_reply([]))
        return [SlotSet("article_id", None)]


class ActionTellMore(Action):
    def name(self) -> str:
        return "action_tell_more"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb = services().knowledge
        article = kb.get(last_article_id(tracker.events))
        if article is None:
            dispatcher.utter_message(text="More about what? Ask me a question and I'll answer it.")
        else:
            send(dispatcher, details_reply(article, kb))
        return []


class ActionFollowupPlanType(Action):
    def name(self) -> str:
        return "action_followup_plan_type"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        kb = services().knowledge
        last = kb.get(last_article_id(tracker.events))
        send(dispatcher, plan_variant_reply(last, tracker.get_slot("plan_type"), kb))
        return []
