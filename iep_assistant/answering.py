"""What the Rasa pipeline hands the answer action about a knowledge question.

The KnowledgeRanker (rasa_addons/knowledge_ranker.py) ranks every answer point and
situation guide for the whole message and, when the message asks several things,
for each question in it (:func:`split_questions`), and records the rankings in the
parse result under ``knowledge_ranking``. The answer action reads them back with
:func:`ranking_from_parse` and decides what to say
(:mod:`iep_assistant.knowledge.choosing`). Standard library only and Python 3.10
compatible: the Rasa environment imports this module too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

KNOWLEDGE_INTENT = "faq"
RANKING_KEY = "knowledge_ranking"
FALLBACK_INTENT = "nlu_fallback"
SITUATION = "situation"  # the key prefix of situation guides ("situation.<id>")
# The key prefix of the replies that are not answers from the knowledge base: a
# request we do not serve, legal advice, a diagnosis, distress, a safety concern
# ("reply.out_of_scope"), ranked beside the points so one model weighs them all.
REPLY = "reply"

# A question inside a longer message: a sentence, or a clause joined by "and"/"also"
# that starts like a question ("... and how long do they have?").
_SENTENCE_END = re.compile(r"(?<=[?!.])\s+|\n+|(?<=\?)(?=\S)")
_QUESTION_WORDS = (
    "what|whats|how|when|who|where|why|which|can|could|do|does|did|is|are|should|will|"
    "would|may|must"
)
_JOINED_QUESTION = re.compile(
    rf"(?:,\s*|\s+)(?:and|also|plus|or)\s+(?:also\s+)?(?=(?:{_QUESTION_WORDS})\b)", re.I
)
MIN_SEGMENT_WORDS = 3
MAX_SEGMENTS = 8
_ASKS = re.compile(
    rf"\?\s*$|^\W*(?:so\s+|but\s+|and\s+|also\s+|then\s+|please\s+)?(?:{_QUESTION_WORDS}|"
    r"whats|hows|wat|tell me|explain|help|i (?:want|need) to know|i.m wondering|wondering)\b",
    re.I,
)


@dataclass(frozen=True)
class Ranked:
    key: str  # "topic.point" or "situation.<id>"
    confidence: float


@dataclass(frozen=True)
class Segment:
    """One sentence or question inside the message: its span and its own ranking."""

    start: int
    end: int
    ranking: tuple[Ranked, ...]
    question: bool = True  # it asks something (else it tells what happened)


@dataclass(frozen=True)
class KnowledgeRanking:
    whole: tuple[Ranked, ...]  # the whole message, best first
    segments: tuple[Segment, ...] = ()  # each question, when there are two or more
    knowledge_confidence: float = 1.0  # the intent classifier's, that it is a knowledge question
    words: int = 0  # how long the message is
    asks: bool = True  # whether it asks anything (or only tells)
    # The intent classifier's confidence in each intent (from the parse result).
    intents: Mapping[str, float] = field(default_factory=dict)


def group_of(key: str) -> str:
    """The topic id of a point key ("topic.point"); a guide's or reply's key itself."""
    return key if key.startswith((SITUATION + ".", REPLY + ".")) else key.split(".", 1)[0]


def split_questions(text: str) -> list[tuple[int, int]]:
    """Spans of the separate sentences and questions in ``text`` (at most six).

    "My son is 9. Can they suspend him, and how long do I have to appeal?" gives
    three: the context and the two questions; the ranker judges which say something.
    """
    spans: list[tuple[int, int]] = []
    for start, end in _split(text, _SENTENCE_END, 0, len(text)):
        spans.extend(_split(text, _JOINED_QUESTION, start, end))
    spans = [(s, e) for s, e in spans if len(text[s:e].split()) >= MIN_SEGMENT_WORDS]
    return spans[:MAX_SEGMENTS]


def asks(text: str) -> bool:
    """Whether a sentence asks something ("can they do that", "what now?") rather than
    telling what happened ("He was sent home three times.")."""
    return bool(_ASKS.search(text))


def _split(text: str, pattern: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
    spans, last = [], start
    for match in pattern.finditer(text, start, end):
        spans.append((last, match.start()))
        last = match.end()
    spans.append((last, end))
    return [_strip(text, s, e) for s, e in spans if text[s:e].strip()]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- the record in the parse result ------------------------------------------------------


def _ranked_to_list(ranking: Sequence[Ranked]) -> list[list[Any]]:
    return [[r.key, round(r.confidence, 6)] for r in ranking]


def ranking_to_dict(ranking: KnowledgeRanking) -> dict[str, Any]:
    return {
        "whole": _ranked_to_list(ranking.whole),
        "segments": [
            {
                "start": s.start,
                "end": s.end,
                "question": s.question,
                "ranking": _ranked_to_list(s.ranking),
            }
            for s in ranking.segments
        ],
        "words": ranking.words,
        "asks": ranking.asks,
    }


def _ranked_from(value: Any) -> tuple[Ranked, ...]:
    if not isinstance(value, list):
        return ()
    out = []
    for entry in value:
        if isinstance(entry, (list, tuple)) and len(entry) == 2 and isinstance(entry[0], str):
            try:
                out.append(Ranked(entry[0], float(entry[1])))
            except (TypeError, ValueError):
                continue
    return tuple(out)


def intent_confidences(parse: Mapping[str, Any]) -> dict[str, float]:
    """The intent classifier's confidence in each intent it ranked."""
    out: dict[str, float] = {}
    for intent in parse.get("intent_ranking") or []:
        if isinstance(intent, Mapping) and isinstance(intent.get("name"), str):
            try:
                out[intent["name"]] = float(intent.get("confidence") or 0.0)
            except (TypeError, ValueError):
                continue
    return out


def knowledge_confidence(parse: Mapping[str, Any]) -> float:
    """The intent classifier's confidence that the message is a knowledge question."""
    ranked = intent_confidences(parse)
    if KNOWLEDGE_INTENT in ranked:
        return ranked[KNOWLEDGE_INTENT]
    name = (parse.get("intent") or {}).get("name")
    return 1.0 if name in (KNOWLEDGE_INTENT, None) else 0.0


def ranking_from_parse(parse: Mapping[str, Any]) -> KnowledgeRanking:
    """The ranker's record in a parse result (empty rankings when there is none)."""
    recorded = parse.get(RANKING_KEY)
    if not isinstance(recorded, Mapping):
        return KnowledgeRanking(
            (), (), knowledge_confidence(parse), intents=intent_confidences(parse)
        )
    segments = []
    for entry in recorded.get("segments") or []:
        if not isinstance(entry, Mapping):
            continue
        try:
            start, end = int(entry["start"]), int(entry["end"])
        except (KeyError, TypeError, ValueError):
            continue
        question = entry.get("question", True) is not False
        segments.append(Segment(start, end, _ranked_from(entry.get("ranking")), question))
    words = recorded.get("words")
    text = str(parse.get("text") or "")
    return KnowledgeRanking(
        _ranked_from(recorded.get("whole")),
        tuple(segments),
        knowledge_confidence(parse),
        words if isinstance(words, int) else len(text.split()),
        recorded.get("asks", True) is not False,
        intent_confidences(parse),
    )
