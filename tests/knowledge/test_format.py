"""The knowledge files' format: what the loader accepts, and the clear message for
what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from iep_assistant.knowledge import KnowledgeError, load_knowledge_base
from iep_assistant.knowledge.format import StepKind
from tests.knowledge.conftest import topic_file


def test_topics_points_and_situations_are_read(kb) -> None:
    assert sorted(kb.topics) == ["meetings", "timelines"]
    assert kb["timelines"].overview.key == "timelines.deadline"
    assert kb.point("timelines.breaks").citation == "34 CFR 300.101"
    guide = kb.situation("situation.late_evaluation")
    assert [s.kind for s in guide.steps] == [
        StepKind.RULE,
        StepKind.NOW,
        StepKind.NOW,
        StepKind.IF_FAILS,
    ]
    assert guide.steps[2].optional


def test_every_phrasing_and_question_is_training_data(kb) -> None:
    pairs = list(kb.labelled_phrasings())
    assert ("timelines.deadline", "What about deadline?") in pairs
    assert ("timelines.deadline", "deadline four") in pairs
    assert ("situation.late_evaluation", "still no evaluation") in pairs


def _write(folder: Path, text: str, name: str = "timelines.md") -> None:
    (folder / name).write_text(text)


def _points(answer: str = "The rule.") -> list[tuple[str, str]]:
    return [(f"p{i}", answer if i == 0 else f"Rule {i}.") for i in range(5)]


@pytest.mark.parametrize("opener", ["Yes.", "No, they may not.", "yes, if you agree"])
def test_an_answer_may_not_open_with_a_bare_yes_or_no(tmp_path, opener) -> None:
    _write(tmp_path, topic_file("timelines", _points(f"{opener} The school must act.")))
    with pytest.raises(KnowledgeError, match="bare yes or no"):
        load_knowledge_base(tmp_path)


def test_a_topic_needs_five_points(tmp_path) -> None:
    _write(tmp_path, topic_file("timelines", _points()[:4]))
    with pytest.raises(KnowledgeError, match="at least 5 points"):
        load_knowledge_base(tmp_path)


def test_a_phrasing_taught_as_two_points_is_refused(tmp_path) -> None:
    text = topic_file("timelines", _points()).replace("p1 one", "p0 one")
    _write(tmp_path, text)
    with pytest.raises(KnowledgeError, match="taught as both"):
        load_knowledge_base(tmp_path)


def test_rasa_annotation_characters_are_refused(tmp_path) -> None:
    _write(tmp_path, topic_file("timelines", _points()).replace("p1 one", "'p1 {one}'"))
    with pytest.raises(KnowledgeError, match=r"must not contain"):
        load_knowledge_base(tmp_path)


def test_unknown_references_are_named(tmp_path) -> None:
    _write(tmp_path, topic_file("timelines", _points(), related="[nowhere]"))
    with pytest.raises(KnowledgeError, match="unknown topic 'nowhere'"):
        load_knowledge_base(tmp_path)


def test_a_situation_needs_the_rule_what_to_do_and_what_next(kb_dir) -> None:
    path = kb_dir / "situations" / "late_evaluation.md"
    text = path.read_text().replace("  - kind: if_fails\n", "  - kind: deadline\n")
    path.write_text(text)
    with pytest.raises(KnowledgeError, match="missing if_fails"):
        load_knowledge_base(kb_dir)


def test_a_situation_step_must_name_a_known_point(kb_dir) -> None:
    path = kb_dir / "situations" / "late_evaluation.md"
    path.write_text(path.read_text().replace("timelines.breaks", "timelines.nothing"))
    with pytest.raises(KnowledgeError, match=r"unknown point 'timelines\.nothing'"):
        load_knowledge_base(kb_dir)


def test_a_step_with_its_own_words_needs_a_citation(kb_dir) -> None:
    path = kb_dir / "situations" / "late_evaluation.md"
    path.write_text(path.read_text().replace("    citation: 34 CFR 300.153\n", ""))
    with pytest.raises(KnowledgeError, match="needs its 'citation'"):
        load_knowledge_base(kb_dir)
