from iep_assistant.answering import Candidate, Thresholds, Verdict, article_ranking, choose


def parse(ranking, faq_confidence=0.9, intent="faq"):
    return {
        "intent": {"name": intent, "confidence": faq_confidence},
        "intent_ranking": [{"name": "faq", "confidence": faq_confidence}],
        "response_selector": {
            "faq": {
                "ranking": [
                    {"intent_response_key": f"faq/{a}", "confidence": c} for a, c in ranking
                ]
            }
        },
    }


def test_ranking_is_scaled_by_the_faq_intent_confidence():
    ranked = article_ranking(parse([("annual_review", 0.8), ("reevaluation", 0.1)], 0.5))
    assert ranked[0] == Candidate("annual_review", 0.4)
    assert ranked[1].article_id == "reevaluation"


def test_no_faq_in_the_intent_ranking_means_no_confidence():
    data = parse([("annual_review", 0.9)])
    data["intent_ranking"] = [{"name": "greet", "confidence": 0.99}]
    data["intent"] = {"name": "greet", "confidence": 0.99}
    assert article_ranking(data)[0].confidence == 0.0


def test_a_clear_winner_is_answered():
    choice = choose([Candidate("a", 0.9), Candidate("b", 0.05)])
    assert choice.verdict is Verdict.ANSWER
    assert choice.top.article_id == "a"


def test_two_close_answers_are_both_offered():
    choice = choose([Candidate("a", 0.55), Candidate("b", 0.4), Candidate("c", 0.05)])
    assert choice.verdict is Verdict.CHOOSE
    assert [c.article_id for c in choice.candidates] == ["a", "b"]


def test_low_confidence_offers_the_closest_three():
    choice = choose([Candidate(x, 0.2) for x in "abcd"])
    assert choice.verdict is Verdict.UNSURE
    assert len(choice.candidates) == 3


def test_nothing_ranked_is_unsure():
    assert choose([]).verdict is Verdict.UNSURE


def test_thresholds_are_respected():
    strict = Thresholds(confident=0.95, close_ratio=0.5)
    assert choose([Candidate("a", 0.9)], strict).verdict is Verdict.UNSURE
