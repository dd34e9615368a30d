"""The reply a person reads: the point that answers first, with its source; a line of
context; the guide's steps, each cited; buttons for more and for the closest points."""

from __future__ import annotations

from iep_assistant.knowledge.choosing import Decision, Kind
from iep_assistant.knowledge.replies import (
    MORE_PAYLOAD,
    NOT_SURE,
    decision_reply,
    key_reply,
    more_reply,
    plan_variant_reply,
)
from iep_assistant.protocol import ARTICLE, HUMAN_PAYLOAD, UNSURE


def test_a_point_leads_with_its_answer_then_its_source_then_context(kb) -> None:
    reply = decision_reply(Decision(Kind.POINTS, points=("timelines.breaks",)), kb)
    lines = reply.text.split("\n")
    assert lines[0] == "School breaks do not pause the clock."
    assert lines[1] == "Source: 34 CFR 300.101"
    assert "The short context of timelines. (34 CFR 300.1)" in reply.text
    assert reply.custom[ARTICLE] == "timelines.breaks"
    assert reply.buttons[0].payload == MORE_PAYLOAD


def test_the_overview_point_needs_no_context_line(kb) -> None:
    reply = decision_reply(Decision(Kind.POINTS, points=("timelines.deadline",)), kb)
    assert "short context" not in reply.text


def test_two_points_each_open_with_their_rule_and_source(kb) -> None:
    reply = decision_reply(
        Decision(
            Kind.POINTS, points=("timelines.late", "meetings.m2"), alternatives=("meetings.m4",)
        ),
        kb,
    )
    first, second = reply.text.split("\n\n")
    assert first == "You can file a state complaint when it is late.\nSource: 34 CFR 300.103"
    assert second.startswith("Meeting rule number 2.\nSource: 34 CFR 300.102")
    assert [b.title for b in reply.buttons] == ["Tell me more", "What about m4?"]


def test_a_guide_numbers_its_steps_with_their_sources(kb) -> None:
    reply = decision_reply(
        Decision(Kind.SITUATION, situation="situation.late_evaluation", steps=(0, 1, 3)), kb
    )
    assert reply.text.startswith("That is frustrating.")
    assert "1. **The rule.** The school has 60 calendar days from consent. (34 CFR 300.100)" in (
        reply.text
    )
    assert "3. **If that does not work.** File a state complaint within one year." in reply.text
    assert "School breaks" not in reply.text  # the optional step the message did not need
    assert reply.buttons[0].title == "A letter you can send"
    assert reply.buttons[-1].payload == HUMAN_PAYLOAD


def test_tell_me_more_gives_the_letter_after_a_guide_and_the_details_after_a_point(kb) -> None:
    assert more_reply("situation.late_evaluation", kb).text.startswith(
        "The evaluation is late: a letter you can send"
    )
    details = more_reply("timelines.breaks", kb)
    assert "**Details** of timelines" in details.text
    assert "Source: 34 CFR 300.1; 34 CFR 300.100-300.120" in details.text
    assert more_reply(None, kb) is None


def test_unsure_says_so_and_offers_the_closest_points_and_a_person(kb) -> None:
    reply = decision_reply(Decision(Kind.UNSURE, alternatives=("meetings.m1",)), kb)
    assert reply.text.startswith(NOT_SURE)
    assert reply.custom[UNSURE] is True
    assert [b.payload for b in reply.buttons][-1] == HUMAN_PAYLOAD


def test_a_button_shows_a_point_a_guide_or_a_topic(kb) -> None:
    assert key_reply("meetings.m3", kb).text.startswith("Meeting rule number 3.")
    assert key_reply("situation.late_evaluation", kb).custom[ARTICLE] == "situation.late_evaluation"
    assert key_reply("timelines", kb).custom[ARTICLE] == "timelines.deadline"
    assert key_reply("nothing", kb).custom[UNSURE]


def test_the_other_plan_falls_back_to_the_general_topic_when_there_is_none(kb) -> None:
    reply = plan_variant_reply(kb["timelines"], "504", kb)
    assert reply.text.startswith(NOT_SURE)  # the small knowledge base has no 504 topic


def test_a_personal_question_without_records_gets_the_plain_general_answer(kb) -> None:
    from iep_assistant.knowledge.replies import general_instead

    answered = general_instead(
        "I can't look up records here.", Decision(Kind.POINTS, points=("timelines.breaks",)), kb
    )
    assert answered.text.startswith("I can't look up records here. In general:\n\nSchool breaks")
    offered = general_instead(
        "I can't look up records here.", Decision(Kind.UNSURE, alternatives=("meetings.m1",)), kb
    )
    assert offered.text == "I can't look up records here."
    assert [b.title for b in offered.buttons] == ["What about m1?"]
