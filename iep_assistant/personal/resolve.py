"""Which student a question is about, chosen only among those the asker may see."""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from iep_assistant.personal import names
from iep_assistant.records.views import StudentView

# A capitalised word before 's ("Zed's goals") names someone even when the NLU
# did not tag it; these are not names.
_NOT_NAMES = frozenset(
    [
        "I",
        "IEP",
        "IEPs",
        "Iep",
        "My",
        "His",
        "Her",
        "Their",
        "Our",
        "The",
        "What",
        "When",
        "Where",
        "Who",
        "How",
        "Is",
        "Are",
        "Can",
        "Does",
        "Do",
        "School",
        "Today",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Mom",
        "Dad",
        "Section",
        "Ms",
        "Mr",
        "Mrs",
        "Dr",
    ]
)
_POSSESSIVE = re.compile(r"\b([A-Z][a-zA-Z\-]+)['’]s\b")
# "my kids", "all my students", "my caseload": a question about every one of them.
_PLURAL = re.compile(
    r"\b(kids|children|sons|daughters|students|caseload|everyone|all of them|each of them)\b",
    re.I,
)


# "and his goals?", "how is she doing": a follow-up about the student just discussed.
_REFERS_BACK = re.compile(
    r"\b(he|him|his|she|her|hers|they|them|their)\b|^\s*(and|what about|how about)\b", re.I
)


def about_all(text: str) -> bool:
    return bool(_PLURAL.search(text))


def refers_back(text: str) -> bool:
    return bool(_REFERS_BACK.search(text))


class Outcome(enum.Enum):
    ONE = "one"
    SEVERAL = "several"  # ask which, with buttons
    NOT_FOUND = "not_found"  # a name or id that is none of theirs (same answer either way)
    ALL = "all"  # no student named, and the question may cover all of them
    NONE_VISIBLE = "none_visible"


@dataclass(frozen=True)
class Resolution:
    outcome: Outcome
    students: Sequence[StudentView] = field(default_factory=tuple)
    name: str | None = None

    @property
    def student(self) -> StudentView:
        return self.students[0]


def _candidate(s: StudentView) -> names.Candidate:
    return names.Candidate(str(s.id), s.first_name, s.last_name, s.nickname or "")


def named_in(text: str) -> list[str]:
    """Capitalised possessives that look like names ("Zed's")."""
    return [w for w in _POSSESSIVE.findall(text) if w not in _NOT_NAMES]


def resolve(
    visible: Sequence[StudentView],
    *,
    text: str,
    name: str | None = None,
    student_id: int | None = None,
    remembered: int | None = None,
    all_allowed: bool = False,
) -> Resolution:
    """Pick the student. Order: a button's id, names in the message, all of them when
    the question says so ("my kids"), the student just discussed when the question
    refers back ("his goals"), the only student; else all (when allowed) or ask which."""
    by_id = {s.id: s for s in visible}
    if not visible:
        return Resolution(Outcome.NONE_VISIBLE, name=name)
    if student_id is not None:
        chosen = by_id.get(student_id)
        return Resolution(Outcome.ONE, (chosen,)) if chosen else Resolution(Outcome.NOT_FOUND)
    candidates = [_candidate(s) for s in visible]
    hits: list[names.Candidate] = []
    if name:
        hits = names.match(name, candidates)
    if not hits:
        hits = names.mentioned(text, candidates)
    if hits:
        found = [by_id[int(c.id)] for c in dict.fromkeys(hits)]
        return Resolution(Outcome.ONE if len(found) == 1 else Outcome.SEVERAL, tuple(found))
    unknown = name or next(iter(named_in(text)), None)
    if unknown:
        return Resolution(Outcome.NOT_FOUND, name=unknown)
    if all_allowed and about_all(text):
        return Resolution(Outcome.ALL, tuple(visible))
    if remembered in by_id and refers_back(text):
        return Resolution(Outcome.ONE, (by_id[remembered],))
    if len(visible) == 1:
        return Resolution(Outcome.ONE, tuple(visible))
    if all_allowed:
        return Resolution(Outcome.ALL, tuple(visible))
    return Resolution(Outcome.SEVERAL, tuple(visible))
