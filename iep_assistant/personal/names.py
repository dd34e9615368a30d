"""Which student does the person mean? Resolved only among those they may see.

The caller passes the students the asker is allowed to see; nothing here can
find, and so nothing can confirm, a student outside that list.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

MIN_PREFIX = 3  # "Mat" finds Mateo; "Ma" is too vague to guess from
# Names that are also everyday words count in free text only when capitalised
# ("may I see" is not about May).
EVERYDAY_WORDS = frozenset(
    [
        "will",
        "may",
        "grace",
        "hope",
        "joy",
        "faith",
        "mark",
        "bill",
        "art",
        "june",
        "april",
        "august",
        "rose",
        "summer",
        "dawn",
        "sky",
        "rich",
        "max",
        "jack",
        "hunter",
        "chase",
        "page",
        "miles",
        "don",
        "ray",
        "pat",
        "sunny",
        "story",
        "reed",
        "wade",
        "young",
    ]
)


@dataclass(frozen=True)
class Candidate:
    """A student as the resolver needs them."""

    id: str
    first_name: str
    last_name: str = ""
    nickname: str = ""

    @property
    def display(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def fold(text: str) -> str:
    """Lower case without accents: 'Zoë' and 'zoe' are the same name."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text).replace("'s", ""))


def _names(student: Candidate) -> set[str]:
    names = {fold(student.first_name), fold(student.last_name), fold(student.nickname)}
    return {n for n in names if n}


def match(query: str, students: Sequence[Candidate]) -> list[Candidate]:
    """Students whose first name, last name or nickname is, or starts with, a word of
    ``query`` (whole names win over prefixes)."""
    words = [w for w in _words(query) if w]
    exact = [s for s in students if any(w in _names(s) for w in words)]
    if exact:
        full = [s for s in exact if {fold(s.first_name), fold(s.last_name)} <= set(words)]
        return full or exact
    return [
        s
        for s in students
        if any(len(w) >= MIN_PREFIX and any(n.startswith(w) for n in _names(s)) for w in words)
    ]


def mentioned(text: str, students: Sequence[Candidate]) -> list[Candidate]:
    """Students named anywhere in a free-text message (whole names only, so that
    ordinary words are not taken for name prefixes)."""
    words = set(_words(text))
    capitalised = {fold(w) for w in re.findall(r"\b[A-Z][\w]*", text)}
    found = []
    for student in students:
        hits = _names(student) & words
        if any(n not in EVERYDAY_WORDS or n in capitalised for n in hits):
            found.append(student)
    return found
