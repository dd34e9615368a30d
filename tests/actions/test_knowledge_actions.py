"""The knowledge actions called directly, as Rasa's reference assistants test theirs:
a tracker whose latest message carries the ranker's record, a CollectingDispatcher,
and what the action said."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge as actions
from actions.services import configure
from iep_assistant.answering import RANKING_KEY, KnowledgeRanking, Ranked, ranking_to_dict
from iep_assistant.config import load_settings
from iep_assistant.protocol import ARTICLE, UNSURE


@pytest.fixture(autouse=True)
def services(tmp_path):
    settings = dataclasses.replace(
        load_settings(env={}, dotenv=False), database_url=f"sqlite:///{tmp_path / 'r.db'}"
    )
    return configure(settings)


def tracker(
    ranking: KnowledgeRanking | None, events: list[dict[str, Any]] = (), **slots
) -> Tracker:
    message = {"text": "a question", "intent": {"name": "faq", "confidence": 0.9}}
    if ranking is not None:
        message[RANKING_KEY] = ranking_to_dict(ranking)
    return Tracker("web-visitor", dict(slots), message, list(events), False, None, {}, None)


def run(action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def ranked(*pairs) -> KnowledgeRanking:
    return KnowledgeRanking(tuple(Ranked(k, c) for k, c in pairs), words=8)


def test_a_clear_question_is_answered_with_its_point() -> None:
    messages, _ = run(
        actions.ActionAnswerQuestion(),
        tracker(ranked(("initial_evaluation_timeline.breaks", 0.8))),
    )
    assert messages[0]["text"].startswith("Under the federal 60-day rule a school break does not")
    assert messages[0]["custom"][ARTICLE] == "initial_evaluation_timeline.breaks"


def test_a_message_that_is_not_a_knowledge_question_gets_its_intents_reply() -> None:
    messages, events = run(actions.ActionAnswerQuestion(), tracker(ranked(("reply.distress", 0.9))))
    assert [m["response"] for m in messages] == ["utter_distress"]
    assert events == []


def test_no_ranking_at_all_is_an_honest_not_sure() -> None:
    messages, _ = run(actions.ActionAnswerQuestion(), tracker(None))
    assert messages[0]["custom"][UNSURE] is True


def test_tell_me_more_follows_the_last_answer() -> None:
    answered = {"event": "bot", "data": {"custom": {ARTICLE: "situation.bullying"}}}
    messages, _ = run(actions.ActionTellMore(), tracker(None, [answered]))
    assert "a letter you can send" in messages[0]["text"]
    messages, _ = run(actions.ActionTellMore(), tracker(None))
    assert messages[0]["text"] == actions.MORE_ABOUT_WHAT


def test_a_button_shows_the_point_it_names() -> None:
    messages, events = run(
        actions.ActionShowArticle(), tracker(None, article_id="consent.refuse_evaluation")
    )
    assert messages[0]["custom"][ARTICLE] == "consent.refuse_evaluation"
    assert events[0]["name"] == "article_id" and events[0]["value"] is None
