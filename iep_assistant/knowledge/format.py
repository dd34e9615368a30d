"""The files in `knowledge/`: topics with their answer points, and situation guides.

A topic is a Markdown file ``knowledge/<id>.md`` with YAML front matter::

    ---
    id: initial_evaluation_timeline       # snake_case, unique; the file is <id>.md
    title: How long the first evaluation can take
    summary: >-                            # one line of context shown under a point
      The school has 60 calendar days from your written consent to finish ...
    summary_citation: 34 CFR 300.301(c)
    citation: 34 CFR 300.301(c)-(e); ...  # every rule the topic and its details rest on
    law: idea                              # idea | idea_part_c | section_504 | ferpa | general
    state_note: >-                         # optional: where states differ (shown with the details)
      ...
    related: [asking_for_an_evaluation, consent]
    plan_variants: {"504": section_504_evaluation_and_reviews}   # optional
    points:                                # 5 or more; the first is the topic's overview
      - id: deadline                       # snake_case, unique within the topic
        question: How long does the school have to finish the first evaluation?
        answer: >-                         # 1 to 3 sentences that answer `question` in
          The school must finish ...       # their first words; never a bare "Yes."/"No."
        citation: 34 CFR 300.301(c)(1)
        state_note: >-                     # optional: where a state may differ on this point
          ...
        phrasings:                         # 4 or more: how people ask it (training data)
          - how long does the school have to test my son
    ---
    The details, in Markdown ("Tell me more").

A situation guide is ``knowledge/situations/<id>.md``: what happened in a parent's
words (its phrasings), and ordered steps: the rule, what to do now, the school's
deadline, and where to go if that fails. A step either reuses a point (``point:
topic.point``) or says its own words with their citation; the body is a letter or
email the parent can send.

Every text a person reads is one field, so a second language can come as a parallel
set of files with the same ids.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from iep_assistant.answering import SITUATION  # the key prefix of situation guides

LAWS = ("idea", "idea_part_c", "section_504", "ferpa", "general")
PLAN_TYPES = ("iep", "504")
MIN_POINTS = 5
MIN_PHRASINGS = 4
MIN_SITUATION_PHRASINGS = 8
_ID = re.compile(r"^[a-z][a-z0-9_]{1,60}$")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n?(.*)\Z", re.S)
# An answer that opens with a bare yes or no reads the wrong way round for a phrasing
# that asks the opposite ("can they refuse?" / "do they have to?").
_BARE_YES_NO = re.compile(r"^\s*(yes|no|yeah|nope)\b", re.I)
# Rasa reads [text](entity) and {..} as annotations in training data.
_ANNOTATION = set("[]{}")


class KnowledgeError(ValueError):
    """A knowledge file is malformed; the message names the file and the field."""


class StepKind(enum.Enum):
    RULE = "rule"  # what the law says
    NOW = "now"  # what to do now: the letter or email, and to whom
    DEADLINE = "deadline"  # how long the school has
    IF_FAILS = "if_fails"  # where to go if that does not work


@dataclass(frozen=True)
class Point:
    """One specific question a topic answers, with its self-contained answer."""

    topic: str
    id: str
    question: str
    answer: str
    citation: str
    phrasings: tuple[str, ...]
    state_note: str = ""

    @property
    def key(self) -> str:
        return f"{self.topic}.{self.id}"


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    summary: str
    summary_citation: str
    citation: str
    law: str
    details: str
    points: tuple[Point, ...]
    related: tuple[str, ...] = ()
    state_note: str = ""
    plan_variants: Mapping[str, str] | None = None
    path: Path | None = None

    @property
    def overview(self) -> Point:
        return self.points[0]

    def point(self, point_id: str) -> Point | None:
        return next((p for p in self.points if p.id == point_id), None)


@dataclass(frozen=True)
class Step:
    kind: StepKind
    point: str = ""  # "topic.point" whose answer the step reuses, or
    text: str = ""  # the step's own words,
    citation: str = ""  # with their citation
    optional: bool = False  # shown only when the message speaks of it


@dataclass(frozen=True)
class Situation:
    """A curated guide for something that happened: ordered steps over topics' points."""

    id: str
    title: str
    opening: str
    law: str
    phrasings: tuple[str, ...]
    steps: tuple[Step, ...]
    letter: str
    related: tuple[str, ...] = ()
    path: Path | None = None

    @property
    def key(self) -> str:
        return f"{SITUATION}.{self.id}"


# --- reading ---------------------------------------------------------------------------


def _front_matter(path: Path) -> tuple[dict[str, Any], str]:
    raw = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    match = _FRONT_MATTER.match(raw)
    if not match:
        raise KnowledgeError(f"{path.name}: must start with YAML front matter between '---' lines")
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path.name}: front matter is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path.name}: front matter must be a mapping")
    return data, match.group(2).strip()


def _text(data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise KnowledgeError(f"{where}: field '{key}' must be text")
    value = " ".join(value.split())
    if required and not value:
        raise KnowledgeError(f"{where}: field '{key}' is missing or empty")
    return value


def _ident(data: Mapping[str, Any], where: str) -> str:
    value = _text(data, "id", where)
    if not _ID.match(value):
        raise KnowledgeError(f"{where}: id {value!r} must be snake_case (a-z, 0-9, _)")
    return value


def _id_list(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise KnowledgeError(f"{where}: field '{key}' must be a list of topic ids")
    return tuple(value)


def _phrasings(data: Mapping[str, Any], where: str, minimum: int) -> tuple[str, ...]:
    value = data.get("phrasings") or []
    if not isinstance(value, list) or not all(isinstance(q, str) for q in value):
        raise KnowledgeError(f"{where}: 'phrasings' must be a list of strings")
    phrasings = [" ".join(q.split()) for q in value if q.strip()]
    for q in phrasings:
        if set(q) & _ANNOTATION:
            raise KnowledgeError(f"{where}: phrasing {q!r} must not contain [ ] {{ }}")
    phrasings = list(dict.fromkeys(phrasings))
    if len(phrasings) < minimum:
        raise KnowledgeError(f"{where}: needs at least {minimum} phrasings, has {len(phrasings)}")
    return tuple(phrasings)


def _answer(data: Mapping[str, Any], key: str, where: str) -> str:
    answer = _text(data, key, where)
    if _BARE_YES_NO.match(answer):
        raise KnowledgeError(
            f"{where}: '{key}' must not open with a bare yes or no (a phrasing may ask "
            "the opposite question); open with the rule itself"
        )
    return answer


def _point(topic_id: str, data: object, where: str) -> Point:
    if not isinstance(data, dict):
        raise KnowledgeError(f"{where}: each point must be a mapping")
    point_id = _ident(data, where)
    where = f"{where} '{point_id}'"
    return Point(
        topic=topic_id,
        id=point_id,
        question=_text(data, "question", where),
        answer=_answer(data, "answer", where),
        citation=_text(data, "citation", where),
        phrasings=_phrasings(data, where, MIN_PHRASINGS),
        state_note=_text(data, "state_note", where, required=False),
    )


def parse_topic(path: Path) -> Topic:
    """Read one topic file; raise :class:`KnowledgeError` naming what is wrong."""
    data, details = _front_matter(path)
    where = path.name
    topic_id = _ident(data, where)
    if path.stem != topic_id:
        raise KnowledgeError(f"{where}: file name must be {topic_id}.md")
    if topic_id == SITUATION:
        raise KnowledgeError(f"{where}: the id {SITUATION!r} is kept for situation guides")
    law = _text(data, "law", where)
    if law not in LAWS:
        raise KnowledgeError(f"{where}: law must be one of {', '.join(LAWS)}, got {law!r}")
    raw_points = data.get("points") or []
    if not isinstance(raw_points, list):
        raise KnowledgeError(f"{where}: 'points' must be a list")
    points = tuple(_point(topic_id, p, f"{where} point") for p in raw_points)
    if len(points) < MIN_POINTS:
        raise KnowledgeError(f"{where}: needs at least {MIN_POINTS} points, has {len(points)}")
    ids = [p.id for p in points]
    if len(set(ids)) != len(ids):
        raise KnowledgeError(f"{where}: two points share an id")
    variants = data.get("plan_variants") or {}
    if not isinstance(variants, dict) or not all(
        str(k) in PLAN_TYPES and isinstance(v, str) for k, v in variants.items()
    ):
        raise KnowledgeError(f"{where}: 'plan_variants' must map 'iep' or '504' to a topic id")
    if not details:
        raise KnowledgeError(
            f"{where}: the details (the Markdown after the front matter) are empty"
        )
    return Topic(
        id=topic_id,
        title=_text(data, "title", where),
        summary=_answer(data, "summary", where),
        summary_citation=_text(data, "summary_citation", where),
        citation=_text(data, "citation", where),
        law=law,
        details=details,
        points=points,
        related=_id_list(data, "related", where),
        state_note=_text(data, "state_note", where, required=False),
        plan_variants={str(k): v for k, v in variants.items()},
        path=path,
    )


def _step(data: object, where: str) -> Step:
    if not isinstance(data, dict):
        raise KnowledgeError(f"{where}: each step must be a mapping")
    try:
        kind = StepKind(data.get("kind"))
    except ValueError:
        kinds = ", ".join(k.value for k in StepKind)
        raise KnowledgeError(f"{where}: 'kind' must be one of {kinds}") from None
    point = _text(data, "point", where, required=False)
    text = _answer(data, "text", where) if data.get("text") else ""
    citation = _text(data, "citation", where, required=False)
    if bool(point) == bool(text):
        raise KnowledgeError(f"{where}: a step has either 'point' or 'text'")
    if text and not citation:
        raise KnowledgeError(f"{where}: a step with its own text needs its 'citation'")
    optional = data.get("optional", False)
    if not isinstance(optional, bool):
        raise KnowledgeError(f"{where}: 'optional' must be true or false")
    return Step(kind=kind, point=point, text=text, citation=citation, optional=optional)


def parse_situation(path: Path) -> Situation:
    data, letter = _front_matter(path)
    where = f"situations/{path.name}"
    situation_id = _ident(data, where)
    if path.stem != situation_id:
        raise KnowledgeError(f"{where}: file name must be {situation_id}.md")
    law = _text(data, "law", where)
    if law not in LAWS:
        raise KnowledgeError(f"{where}: law must be one of {', '.join(LAWS)}, got {law!r}")
    raw_steps = data.get("steps") or []
    if not isinstance(raw_steps, list) or not raw_steps:
        raise KnowledgeError(f"{where}: 'steps' must be a non-empty list")
    steps = tuple(_step(s, f"{where} step {i + 1}") for i, s in enumerate(raw_steps))
    kinds = {s.kind for s in steps if not s.optional}
    missing = [k.value for k in (StepKind.RULE, StepKind.NOW, StepKind.IF_FAILS) if k not in kinds]
    if missing:
        raise KnowledgeError(f"{where}: needs a step of each kind: missing {', '.join(missing)}")
    if not letter:
        raise KnowledgeError(f"{where}: the body must hold the letter or email to send")
    return Situation(
        id=situation_id,
        title=_text(data, "title", where),
        opening=_text(data, "opening", where, required=False),
        law=law,
        phrasings=_phrasings(data, where, MIN_SITUATION_PHRASINGS),
        steps=steps,
        letter=letter,
        related=_id_list(data, "related", where),
        path=path,
    )
