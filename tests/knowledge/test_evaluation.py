"""The content-based evaluation: how a reply is judged, and which questions it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from iep_assistant.knowledge import evaluation as ev
from iep_assistant.knowledge.replies import NOT_SURE


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "questions.yml"
    path.write_text("questions:\n" + body)
    return path


QUESTION = """  - id: q1
    kind: short
    text: does winter break stop the clock?
    must: ['(does not|doesn.t) (pause|stop)', 'calendar']
    must_not: ['school days only']
"""


def test_a_reply_holds_every_needed_fact_and_no_wrong_one(tmp_path, kb) -> None:
    [question] = ev.load_questions(write(tmp_path, QUESTION), kb)
    assert ev.judge(question, "A break does not pause it: calendar days count.") is ev.Outcome.HELD
    assert ev.judge(question, "A break does not pause it.") is ev.Outcome.WRONG
    wrong = "It does not stop; calendar days, but school days only in summer."
    assert ev.judge(question, wrong) is ev.Outcome.WRONG
    assert ev.judge(question, NOT_SURE + " Is it one of these?") is ev.Outcome.UNSURE


def test_a_question_that_is_training_data_is_refused(tmp_path, kb) -> None:
    body = QUESTION.replace("does winter break stop the clock?", "breaks one")
    with pytest.raises(ValueError, match="also training data"):
        ev.load_questions(write(tmp_path, body), kb)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (QUESTION.replace("kind: short", "kind: poem"), "kind must be one of"),
        (QUESTION.replace("'calendar'", "'(unclosed'"), "bad pattern"),
        (QUESTION + QUESTION, "duplicate id"),
    ],
)
def test_a_malformed_question_is_named(tmp_path, kb, body, message) -> None:
    with pytest.raises(ValueError, match=message):
        ev.load_questions(write(tmp_path, body), kb)


def test_the_searches_answer_with_the_text_the_assistant_would_show(kb) -> None:
    [reply] = ev.tfidf_search(kb, ["do school breaks pause the clock"], with_phrasings=False)
    assert reply.startswith("School breaks do not pause the clock.")


def test_the_report_gives_each_system_and_kind(tmp_path, kb) -> None:
    questions = ev.load_questions(write(tmp_path, QUESTION), kb)
    report = ev.report(questions, [ev.Scores("x", [ev.Outcome.HELD], ["r"])])
    assert "| x | all | 100.0% | 0.0% | 0.0% |" in report
    assert "| x | short | 100.0% | 0.0% | 0.0% |" in report


def test_the_minilm_search_uses_the_shipped_encoder(kb) -> None:
    from iep_assistant.config import PROJECT_ROOT

    python = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
    if not python.exists():
        pytest.skip(f"the Rasa environment is not installed ({python}); run `make test`")
    [reply] = ev.minilm_search(kb, ["is the meeting rule number one"], ev.minilm_embedder(python))
    assert reply.startswith("Meeting rule number")
