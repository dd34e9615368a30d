"""Editorial checks on the knowledge base beyond its format: the ones a reviewer of an
answer would make (every rule the details rely on is on a "Source:" line; an answer
is short enough for a phone). Plain functions; tests and `iep-assistant
check-knowledge` run them."""

from __future__ import annotations

import re
from collections.abc import Iterator

from iep_assistant.knowledge.base import KnowledgeBase
from iep_assistant.knowledge.format import Topic

# "300.301", "104.7", "99.10", "303.209": a section of 34 CFR Parts 99, 100, 104, 300, 303.
_SECTION = re.compile(r"(?<![\d.])((?:99|100|104|300|303)\.\d{1,3})(?![\d])")
_RANGE = re.compile(
    r"(?<![\d.])((?:99|100|104|300|303))\.(\d{1,3})\s*(?:-|–|through|to)\s*(?:\1\.)?(\d{1,3})(?!\d)"
)
MAX_ANSWER_WORDS = 80
MAX_ANSWER_SENTENCES = 3


def sections(text: str) -> set[str]:
    """The regulation sections a text names, with ranges ("300.151-300.153") spelled out."""
    found = set(_SECTION.findall(text))
    for part, start, end in _RANGE.findall(text):
        if int(start) < int(end) <= int(start) + 30:
            found.update(f"{part}.{n}" for n in range(int(start), int(end) + 1))
    return found


def cited_sections(topic: Topic) -> set[str]:
    """Every section on the topic's Source lines (its own, its summary's, its points')."""
    texts = [topic.citation, topic.summary_citation, *(p.citation for p in topic.points)]
    return set().union(*(sections(t) for t in texts))


def uncited_sections(topic: Topic) -> set[str]:
    """Sections the details or answers rely on that no Source line of the topic names."""
    used = sections(topic.details) | sections(topic.state_note)
    for point in topic.points:
        used |= sections(point.answer) | sections(point.state_note)
    return used - cited_sections(topic)


def _sentences(text: str) -> int:
    # A full stop after a section number ("300.301(c).") or an abbreviation is not an end.
    cleaned = re.sub(r"\b(e\.g|i\.e|U\.S\.C|U\.S|C\.F\.R|Ed|Cal|No|vs|Dept|Pub|L)\.", "", text)
    return len(re.findall(r"[.!?](?:\s|$)", cleaned)) or 1


def topic_problems(topic: Topic) -> Iterator[str]:
    """What a reviewer would send back for one topic, one line each."""
    missing = uncited_sections(topic)
    if missing:
        yield f"{topic.id}.md: cites {', '.join(sorted(missing))} but no Source line names it"
    for point in topic.points:
        words = len(point.answer.split())
        if words > MAX_ANSWER_WORDS:
            yield f"{point.key}: the answer has {words} words (at most {MAX_ANSWER_WORDS})"
        if _sentences(point.answer) > MAX_ANSWER_SENTENCES:
            yield f"{point.key}: the answer has more than {MAX_ANSWER_SENTENCES} sentences"


def problems(kb: KnowledgeBase) -> Iterator[str]:
    """What a reviewer would send back for the whole knowledge base."""
    for topic in kb:
        yield from topic_problems(topic)
