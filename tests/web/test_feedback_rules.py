"""What the page may send as feedback: the rule alone, without web or database."""

from __future__ import annotations

import pytest

from bot.web.feedback import BadVote, Vote, read_vote

ARTICLES = frozenset({"what_is_a_504_plan", "iep_vs_504"})


def test_a_vote_is_read() -> None:
    vote = read_vote({"article": "iep_vs_504", "helpful": False, "answer": "a1b2c3d4"}, ARTICLES)
    assert vote == Vote("iep_vs_504", False, "a1b2c3d4")
    assert vote.answer_ref == "web:a1b2c3d4"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (["iep_vs_504", True], "JSON object"),
        ({"helpful": True, "answer": "a1b2c3d4"}, "article"),
        ({"article": "no_such_article", "helpful": True, "answer": "a1b2c3d4"}, "article"),
        ({"article": "(hand-off to a person)", "helpful": True, "answer": "a1b2"}, "article"),
        ({"article": "iep_vs_504", "helpful": "yes", "answer": "a1b2c3d4"}, "true or false"),
        ({"article": "iep_vs_504", "helpful": 1, "answer": "a1b2c3d4"}, "true or false"),
        ({"article": "iep_vs_504", "helpful": True}, "answer"),
        ({"article": "iep_vs_504", "helpful": True, "answer": "abc"}, "answer"),
        ({"article": "iep_vs_504", "helpful": True, "answer": "x" * 41}, "answer"),
        ({"article": "iep_vs_504", "helpful": True, "answer": "a b/c<d>"}, "answer"),
    ],
)
def test_anything_else_is_refused_saying_why(data: object, problem: str) -> None:
    with pytest.raises(BadVote, match=problem):
        read_vote(data, ARTICLES)
