"""A small knowledge base written in the tests, so that rules are tested alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from iep_assistant.knowledge import KnowledgeBase, load_knowledge_base


def topic_file(topic_id: str, points: list[tuple[str, str]], *, related: str = "[]") -> str:
    body = "\n".join(
        f"""  - id: {pid}
    question: What about {pid}?
    answer: {answer}
    citation: 34 CFR 300.{100 + i}
    phrasings: [{pid} one, {pid} two, {pid} three, {pid} four]"""
        for i, (pid, answer) in enumerate(points)
    )
    return f"""---
id: {topic_id}
title: {topic_id.replace("_", " ").title()}
summary: The short context of {topic_id}.
summary_citation: 34 CFR 300.1
citation: 34 CFR 300.1; 34 CFR 300.100-300.120
law: idea
related: {related}
points:
{body}
---
**Details** of {topic_id} (300.1).
"""


SITUATION = """---
id: late_evaluation
title: The evaluation is late
opening: That is frustrating.
law: idea
related: [timelines]
phrasings: [the school is late, they keep delaying the testing, still no evaluation,
  nobody has tested my son, months and no evaluation, the psychologist never came,
  they said wait until next year, the testing never happened]
steps:
  - kind: rule
    point: timelines.deadline
  - kind: now
    text: Email the special education director and ask for a date.
    citation: 34 CFR 300.301(c)
  - kind: now
    optional: true
    point: timelines.breaks
  - kind: if_fails
    text: File a state complaint within one year.
    citation: 34 CFR 300.153
---
Dear [name], ...
"""


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    points = [
        ("deadline", "The school has 60 calendar days from consent."),
        ("breaks", "School breaks do not pause the clock."),
        ("exceptions", "The clock stops only for the listed exceptions."),
        ("late", "You can file a state complaint when it is late."),
        ("section_504", "Section 504 sets no number of days."),
    ]
    (tmp_path / "timelines.md").write_text(topic_file("timelines", points, related="[meetings]"))
    meeting_points = [(f"m{i}", f"Meeting rule number {i}.") for i in range(5)]
    (tmp_path / "meetings.md").write_text(topic_file("meetings", meeting_points))
    (tmp_path / "situations").mkdir()
    (tmp_path / "situations" / "late_evaluation.md").write_text(SITUATION)
    return tmp_path


@pytest.fixture
def kb(kb_dir: Path) -> KnowledgeBase:
    return load_knowledge_base(kb_dir)
