"""Choosing what to say from the ranker's rankings: one point, one per question asked,
a situation guide with the steps that fit, or an honest "not sure"."""

from __future__ import annotations

import dataclasses

from iep_assistant.answering import KnowledgeRanking, Ranked, Segment
from iep_assistant.knowledge.choosing import Decision, Kind, Thresholds, choose, group_mass


def ranking(*pairs, segments=()) -> KnowledgeRanking:
    return KnowledgeRanking(tuple(Ranked(k, c) for k, c in pairs), tuple(segments))


def segment(*pairs) -> Segment:
    return Segment(0, 1, tuple(Ranked(k, c) for k, c in pairs))


def test_a_clear_point_is_answered(kb) -> None:
    decision = choose(ranking(("timelines.breaks", 0.8), ("meetings.m1", 0.05)), kb)
    assert decision.kind is Kind.POINTS
    assert decision.points == ("timelines.breaks",)
    assert decision.alternatives == ("meetings.m1",)


def test_a_clear_topic_answers_its_best_point_even_when_the_points_are_close(kb) -> None:
    decision = choose(
        ranking(("timelines.breaks", 0.16), ("timelines.deadline", 0.15), ("timelines.late", 0.14)),
        kb,
        Thresholds(second=0.99),
    )
    assert decision.kind is Kind.POINTS
    assert decision.points == ("timelines.breaks",)


def test_a_close_second_point_is_said_too(kb) -> None:
    decision = choose(ranking(("timelines.breaks", 0.4), ("meetings.m2", 0.3)), kb)
    assert decision.points == ("timelines.breaks", "meetings.m2")


def test_two_questions_get_two_points_in_the_order_asked(kb) -> None:
    decision = choose(
        ranking(
            ("meetings.m3", 0.3),
            ("timelines.deadline", 0.2),
            segments=[
                segment(("timelines.deadline", 0.7)),
                segment(("meetings.m3", 0.6)),
                segment(("meetings.m1", 0.1)),  # context, not a clear question
            ],
        ),
        kb,
    )
    assert decision.kind is Kind.POINTS
    assert decision.points == ("timelines.deadline", "meetings.m3")


def test_a_situation_keeps_its_steps_and_the_optional_one_the_message_speaks_of(kb) -> None:
    told = choose(ranking(("situation.late_evaluation", 0.6), ("timelines.breaks", 0.2)), kb)
    assert told.kind is Kind.SITUATION
    assert told.steps == (0, 1, 2, 3)
    not_told = choose(ranking(("situation.late_evaluation", 0.6), ("meetings.m1", 0.2)), kb)
    assert not_told.steps == (0, 1, 3)


def test_an_unclear_message_is_unsure_and_offers_the_closest(kb) -> None:
    decision = choose(
        ranking(("timelines.breaks", 0.1), ("meetings.m1", 0.1), ("meetings.m2", 0.05)), kb
    )
    assert decision.kind is Kind.UNSURE
    assert decision.alternatives[0] == "timelines.breaks"


def test_nothing_ranked_or_unknown_keys_are_unsure(kb) -> None:
    assert choose(ranking(), kb).kind is Kind.UNSURE
    assert choose(ranking(("gone.away", 0.99)), kb).kind is Kind.UNSURE


def test_a_topic_mass_sums_its_points() -> None:
    mass = group_mass([Ranked("a.x", 0.2), Ranked("a.y", 0.3), Ranked("situation.s", 0.1)])
    assert mass == {"a": 0.5, "situation.s": 0.1}


def test_a_message_that_is_not_a_knowledge_question_gets_its_intents_reply(kb) -> None:
    legal = KnowledgeRanking(
        (Ranked("reply.legal_action", 0.4), Ranked("timelines.late", 0.3)),
        intents={"faq": 0.8, "legal_action": 0.1},
    )
    assert choose(legal, kb) == Decision(Kind.REPLY, reply="legal_action")


def test_a_vague_message_needs_a_clear_reply_when_the_classifier_does_not_agree(kb) -> None:
    vague = KnowledgeRanking(
        (Ranked("reply.distress", 0.5), Ranked("timelines.late", 0.02)), intents={"faq": 0.9}
    )
    assert choose(vague, kb).kind is Kind.UNSURE
    strong = KnowledgeRanking((Ranked("reply.distress", 0.9),), intents={"faq": 0.9})
    assert choose(strong, kb).reply == "distress"


def test_distress_beside_a_clear_question_gets_the_answer_kindly(kb) -> None:
    told = KnowledgeRanking(
        (Ranked("reply.distress", 0.45), Ranked("timelines.breaks", 0.4)),
        intents={"distress": 0.2},
        asks=True,
    )
    decision = choose(told, kb)
    assert decision.kind is Kind.POINTS and decision.sympathy
    assert decision.points[0] == "timelines.breaks"
    only_told = dataclasses.replace(told, asks=False)
    assert choose(only_told, kb) == Decision(Kind.REPLY, reply="distress")


def test_the_general_answer_to_a_personal_question_must_be_plain(kb) -> None:
    from iep_assistant.knowledge.choosing import GENERAL_INSTEAD

    likely = ranking(("timelines.breaks", 0.3), ("meetings.m1", 0.05))
    assert choose(likely, kb).kind is Kind.POINTS
    assert choose(likely, kb, GENERAL_INSTEAD).kind is Kind.UNSURE


def test_several_questions_are_a_story_only_beside_what_happened(kb, monkeypatch) -> None:
    from iep_assistant.knowledge import choosing

    monkeypatch.setitem(choosing.NEXT_STEPS, "idea", "meetings.m4")
    two = [segment(("timelines.breaks", 0.6)), segment(("meetings.m3", 0.6))]
    asked = choose(ranking(("timelines.breaks", 0.5), segments=two), kb)
    assert asked.points == ("timelines.breaks", "meetings.m3") and asked.next_steps == ""
    told = Segment(0, 1, (Ranked("meetings.m1", 0.1),), question=False)
    story = choose(ranking(("timelines.breaks", 0.5), segments=[told, *two]), kb)
    assert story.points == ("timelines.breaks", "meetings.m3")
    assert story.next_steps == "meetings.m4"
