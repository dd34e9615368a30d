"""Personal answers: a student's meetings, plan, goals and progress, for the people
linked to that student. The flows live in :mod:`iep_assistant.personal.lookups`;
these actions only turn the tracker into a question and the answer into events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import Services, services
from iep_assistant.answering import ranking_from_parse
from iep_assistant.knowledge.choosing import GENERAL_INSTEAD, choose
from iep_assistant.knowledge.replies import general_instead
from iep_assistant.personal import answers
from iep_assistant.personal.asker import Asker, asker_from
from iep_assistant.personal.lookups import HANDLERS, Answer, Handler, Question, answer_for
from iep_assistant.personal.wording import zone
from iep_assistant.reminders.conversation import HANDLERS as reminder_handlers

REMEMBERED = "remembered_student"
LAST_REMINDER = "last_reminder"
PENDING = "pending_progress"
PROGRESS_TEXT = "progress_text"


def int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _entity(tracker: Tracker, name: str) -> str | None:
    return next(tracker.get_latest_entity_values(name), None)


def question_from(tracker: Tracker, intent: str, tz: ZoneInfo) -> Question:
    text = tracker.latest_message.get("text") or ""
    return Question(
        intent=intent,
        # A button payload ("/ask_goals{...}") is not something the person wrote.
        text="" if text.startswith("/") else text,
        student_name=_entity(tracker, "student"),
        student_id=int_or_none(_entity(tracker, "student_id")),
        goal_area=_entity(tracker, "goal_area"),
        goal_id=int_or_none(_entity(tracker, "goal_id")),
        remembered_student=int_or_none(tracker.get_slot(REMEMBERED)),
        pending=tracker.get_slot(PENDING),
        progress_text=tracker.get_slot(PROGRESS_TEXT),
        reminder_id=int_or_none(_entity(tracker, "reminder_id")),
        last_reminder=int_or_none(tracker.get_slot(LAST_REMINDER)),
        tz=tz,
    )


def asker_of(tracker: Tracker) -> Asker:
    return asker_from(
        tracker.get_latest_input_channel(),
        tracker.sender_id,
        tracker.latest_message.get("metadata"),
    )


class PersonalAction(Action):
    """Answers one kind of personal question (``intent``) for the person asking."""

    intent: str = ""
    handlers: Mapping[str, Handler] = HANDLERS

    def name(self) -> str:
        return f"action_{self.intent}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        asker = asker_of(tracker)
        svc = services()
        if not asker.identified or asker.channel is None:
            # No records without an identity; but the words may also ask a general
            # question ("when is the annual review due?"), which we can answer.
            ranking = ranking_from_parse(tracker.latest_message)
            decision = choose(ranking, svc.knowledge, GENERAL_INSTEAD)
            reply = general_instead(answers.NO_IDENTITY, decision, svc.knowledge)
            dispatcher.utter_message(**reply.as_kwargs())
            return []
        tz = zone(asker.time_zone, svc.settings.district_time_zone)
        question = question_from(tracker, self.intent, tz)
        found = await svc.database.run(_answer_in_session, asker, question, svc, self.handlers)
        dispatcher.utter_message(**found.reply.as_kwargs())
        return self.events(found)

    def events(self, found: Answer) -> list[EventType]:
        events: list[EventType] = []
        if found.remember is not None:
            events.append(SlotSet(REMEMBERED, str(found.remember)))
        return events


def _answer_in_session(
    asker: Asker, question: Question, svc: Services, handlers: Mapping[str, Handler]
) -> Answer:
    """Runs in a worker thread: one session, one transaction, per question."""
    assert asker.channel is not None
    with svc.database.session() as session:
        return answer_for(session, asker.sender, asker.channel, question, svc.rules, handlers)


class ActionListStudents(PersonalAction):
    intent = "list_students"


class ActionAskMeetings(PersonalAction):
    intent = "ask_meetings"


class ActionAskPlan(PersonalAction):
    intent = "ask_plan"


class ActionAskCaseManager(PersonalAction):
    intent = "ask_case_manager"


class ActionAskGoals(PersonalAction):
    intent = "ask_goals"


class ActionAskProgress(PersonalAction):
    intent = "ask_progress"


class ActionAskDeadlines(PersonalAction):
    intent = "ask_deadlines"


class ActionRecordProgress(PersonalAction):
    """Reads a measurement and asks to confirm it; nothing is saved yet."""

    intent = "record_progress"

    def events(self, found: Answer) -> list[EventType]:
        return [
            *super().events(found),
            SlotSet(PENDING, found.pending),
            SlotSet(PROGRESS_TEXT, found.progress_text),
        ]


class ActionConfirmProgress(PersonalAction):
    intent = "confirm_progress"

    def events(self, found: Answer) -> list[EventType]:
        return [*super().events(found), SlotSet(PENDING, None), SlotSet(PROGRESS_TEXT, None)]


class ActionCancelProgress(ActionConfirmProgress):
    intent = "cancel_progress"


class ActionSetReminder(PersonalAction):
    intent = "set_reminder"
    handlers = reminder_handlers

    def events(self, found: Answer) -> list[EventType]:
        events = super().events(found)
        if found.last_reminder is not None:  # "cancel that reminder" means this one
            events.append(SlotSet(LAST_REMINDER, str(found.last_reminder)))
        return events


class ActionListReminders(PersonalAction):
    intent = "list_reminders"
    handlers = reminder_handlers


class ActionCancelReminder(PersonalAction):
    intent = "cancel_reminder"
    handlers = reminder_handlers

    def events(self, found: Answer) -> list[EventType]:
        return [*super().events(found), SlotSet(LAST_REMINDER, None)]
