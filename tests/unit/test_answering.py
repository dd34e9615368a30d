"""The record the Rasa pipeline hands the answer action: the questions found in a
message, and the rankings, read back whatever shape they arrive in."""

from iep_assistant.answering import (
    RANKING_KEY,
    KnowledgeRanking,
    Ranked,
    Segment,
    asks,
    group_of,
    knowledge_confidence,
    ranking_from_parse,
    ranking_to_dict,
    split_questions,
)


def parts(text: str) -> list[str]:
    return [text[start:end] for start, end in split_questions(text)]


def test_sentences_and_joined_questions_are_split() -> None:
    assert parts("My son is 9 and has autism. Can they suspend him, and how long do I have?") == [
        "My son is 9 and has autism.",
        "Can they suspend him",
        "how long do I have?",
    ]
    assert parts("what is an IEE and how long does the school have to answer") == [
        "what is an IEE",
        "how long does the school have to answer",
    ]


def test_a_plain_question_is_one_part_and_tiny_fragments_are_dropped() -> None:
    assert parts("how long is the evaluation") == ["how long is the evaluation"]
    assert parts("Hi. ok. is the 60 days calendar days?") == ["is the 60 days calendar days?"]


def test_a_question_is_told_from_a_sentence_that_tells_what_happened() -> None:
    assert asks("Can a teacher just decide not to follow the IEP?")
    assert asks("so what should i do now")
    assert asks("Is that OK?")
    assert not asks("He was sent home three times this week.")
    assert not asks("Assistant principal here.")


def test_group_of_a_point_is_its_topic_and_a_guide_is_its_own() -> None:
    assert group_of("initial_evaluation_timeline.deadline") == "initial_evaluation_timeline"
    assert group_of("situation.bullying") == "situation.bullying"


def test_the_ranking_survives_the_parse_result() -> None:
    ranking = KnowledgeRanking(
        (Ranked("a.x", 0.7), Ranked("b.y", 0.2)),
        (Segment(0, 5, (Ranked("a.x", 0.9),), question=False),),
        words=12,
    )
    parse = {"intent": {"name": "faq"}, RANKING_KEY: ranking_to_dict(ranking)}
    assert ranking_from_parse(parse) == ranking


def test_a_missing_or_malformed_record_is_an_empty_ranking() -> None:
    assert ranking_from_parse({"text": "hello there"}).whole == ()
    broken = {RANKING_KEY: {"whole": [["a.x"], ["b.y", "not a number"], 7], "segments": [{}]}}
    assert ranking_from_parse(broken) == KnowledgeRanking((), (), 1.0, 0)


def test_knowledge_confidence_is_the_classifiers() -> None:
    parse = {
        "intent": {"name": "ask_plan", "confidence": 0.6},
        "intent_ranking": [
            {"name": "ask_plan", "confidence": 0.6},
            {"name": "faq", "confidence": 0.3},
        ],
    }
    assert knowledge_confidence(parse) == 0.3
    assert knowledge_confidence({"intent": {"name": "greet"}, "intent_ranking": []}) == 0.0
