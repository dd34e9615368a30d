"""The knowledge base itself: its format and sources hold, and the faults a read of
every topic against the regulation found stay fixed, each with its section on the
answer's Source line (issue 16)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from iep_assistant.config import PROJECT_ROOT
from iep_assistant.knowledge import KnowledgeBase, Point, load_knowledge_base
from iep_assistant.knowledge.checks import problems


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base(PROJECT_ROOT / "knowledge")


def test_every_topic_passes_the_reviewers_checks(kb) -> None:
    assert list(problems(kb)) == []


def test_every_topic_has_points_enough_to_answer_what_is_asked(kb) -> None:
    assert len(kb) >= 64
    assert all(len(topic.points) >= 8 for topic in kb), [t.id for t in kb if len(t.points) < 8]


def _point(kb: KnowledgeBase, topic: str, answer: str, citation: str) -> Point:
    """The topic's point whose answer matches ``answer`` and whose citation ``citation``."""
    for point in kb[topic].points:
        if re.search(answer, point.answer, re.I) and re.search(citation, point.citation):
            return point
    raise AssertionError(f"no point of {topic} says /{answer}/ citing /{citation}/")


FIXED = [
    # A pocket knife under 2½ inches is not a "dangerous weapon".
    ("special_circumstances", r"(2½|2 1/2|two and a half) inch", r"930\(g\)\(2\)"),
    # "Serious bodily injury" is the criminal code's, not "seriously injures someone".
    ("special_circumstances", r"substantial risk of death", r"1365\(h\)\(3\)"),
    # The drug rule covers selling and soliciting a sale.
    ("special_circumstances", r"solicit", r"300\.530\(g\)\(2\)"),
    # The transfer exception needs sufficient progress and an agreed date.
    ("initial_evaluation_timeline", r"sufficient progress.*agree", r"300\.301\(d\)"),
    # Consent is needed for more than the start of services.
    ("iep_meeting_what_happens", r"reevaluation", r"300\.300\((a\)-\()?c\)"),
    ("iep_meeting_what_happens", r"excuse", r"300\.321.*\(e\)\(2\)"),
    ("iep_meeting_what_happens", r"agenc", r"300\.321\(b\)\(3\)"),
    ("iep_meeting_what_happens", r"insurance|public benefits|medicaid", r"300\.154"),
    # Ages 3 through 21 are not universal.
    ("what_is_idea", r"state law", r"300\.102\(a\)\(1\)"),
    # OCR's 180 days come from 100.7(b) through 104.61.
    ("ocr_complaints", r"180 (calendar )?days", r"100\.7\(b\)"),
    ("ocr_complaints", r"180 (calendar )?days", r"104\.61"),
    # The transfer-of-rights notice, and the correctional-facility option.
    ("age_of_majority", r"notif|tell", r"300\.520\(a\)\(3\)"),
    ("age_of_majority", r"correctional|prison|jail", r"300\.520\(a\)\(2\)"),
    # Other ways to take part are required when no parent can come.
    (
        "scheduling_and_remote_participation",
        r"must use other (ways|methods)|phone",
        r"300\.322\(c\)",
    ),
    # Records before any meeting or hearing, and in any case within 45 days.
    ("parent_and_student_rights", r"before any", r"300\.613\(a\)"),
    # Services from the 11th school day.
    ("discipline_and_suspension", r"11th school day", r"300\.530\(b\)\(2\)"),
    # Endrew F. rejected "merely more than de minimis" and built on Rowley.
    ("fape", r"de minimis", r"Endrew"),
    # The public district where the private school is writes the services plan.
    ("moving_to_a_new_district", r"district where the private school is", r"300\.13[78]"),
    # The attorney-fee exception for IEP meetings.
    ("who_can_attend_and_advocates", r"administrative proceeding", r"300\.517.*\(c\)\(2\)\(ii\)"),
    # Questions that ask the opposite way round get the rule, not a bare yes or no.
    ("interpreters_and_native_language", r"native language", r"300\.304\(c\)\(1\)\(ii\)"),
    ("who_can_attend_and_advocates", r"no limit|not limit|sets no", r"300\.321"),
    ("medication_cannot_be_required", r"without taking", r"300\.174"),
]


@pytest.mark.parametrize(("topic", "answer", "citation"), FIXED)
def test_the_fault_found_by_the_review_stays_fixed(kb, topic, answer, citation) -> None:
    _point(kb, topic, answer, citation)


def _texts(kb: KnowledgeBase) -> Iterator[tuple[str, str]]:
    """Every paragraph a person reads, with where it is."""
    for topic in kb:
        for point in topic.points:
            yield point.key, point.answer
            yield point.key, point.state_note
        yield topic.id, topic.state_note
        for n, paragraph in enumerate(topic.details.split("\n\n")):
            yield f"{topic.id} details {n + 1}", " ".join(paragraph.split())
    for situation in kb.situations.values():
        for n, step in enumerate(situation.steps):
            yield f"{situation.key} step {n + 1}", step.text


STATE_RULES = {"California": r"Cal\. Ed\. Code", "Arizona": r"A\.A\.C\.|Ariz\. Rev\. Stat"}


@pytest.mark.parametrize("state", STATE_RULES)
def test_a_state_figure_names_its_state_rule(kb, state) -> None:
    unnamed = [
        where
        for where, text in _texts(kb)
        if state in text and not re.search(STATE_RULES[state], text)
    ]
    assert unnamed == []
