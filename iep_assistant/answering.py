"""Deciding how to answer a knowledge question from what Rasa understood.

Plain functions over Rasa's parse result. The Rasa pipeline's ArticleGate
(rasa_addons/article_gate.py) calls :func:`choose` and records the decision in
the parse result under ``article_choice``; the answer action and the accuracy
evaluation read it back with :func:`choice_from_parse`. Standard library only and
Python 3.10 compatible: the Rasa environment imports this module too.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

RETRIEVAL_INTENT = "faq"
CHOICE_KEY = "article_choice"


class Verdict(enum.Enum):
    ANSWER = "answer"  # one article is clearly meant
    CHOOSE = "choose"  # two articles are close: offer both
    UNSURE = "unsure"  # low confidence: say so, offer the closest three and a person


@dataclass(frozen=True)
class Candidate:
    article_id: str
    confidence: float


@dataclass(frozen=True)
class Thresholds:
    """Calibrated on the held-out questions (see `iep-assistant evaluate-knowledge`)."""

    confident: float = 0.5  # below this (combined) confidence we say we are unsure
    close_ratio: float = 0.5  # runner-up at least this fraction of the top: offer both


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class AnswerChoice:
    verdict: Verdict
    candidates: tuple[Candidate, ...]

    @property
    def top(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def article_ranking(parse: Mapping[str, Any], *, as_knowledge: bool = False) -> list[Candidate]:
    """Articles ranked by the response selector, best first, with combined confidence.

    The response selector's confidence is conditional on the message being a
    knowledge question, so it is scaled by the intent classifier's confidence in
    the `faq` intent, unless ``as_knowledge`` asks how the message reads taken as a
    knowledge question (for a personal question that cannot be answered personally).
    """
    selectors = parse.get("response_selector") or {}
    # Keyed by the retrieval intent when the selector is configured with one.
    selector = selectors.get(RETRIEVAL_INTENT) or selectors.get("default") or {}
    ranking = selector.get("ranking") or []
    faq_confidence = 1.0
    for intent in [] if as_knowledge else parse.get("intent_ranking") or []:
        if intent.get("name") == RETRIEVAL_INTENT:
            faq_confidence = float(intent.get("confidence") or 0.0)
            break
    else:
        if not as_knowledge and (parse.get("intent") or {}).get("name") not in (
            RETRIEVAL_INTENT,
            None,
        ):
            faq_confidence = 0.0
    candidates = []
    for entry in ranking:
        key = entry.get("intent_response_key") or ""
        if key.startswith(RETRIEVAL_INTENT + "/"):
            article_id = key.split("/", 1)[1]
            candidates.append(
                Candidate(article_id, float(entry.get("confidence") or 0.0) * faq_confidence)
            )
    candidates.sort(key=lambda c: c.confidence, reverse=True)
    return candidates


def choose(
    candidates: Sequence[Candidate], thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> AnswerChoice:
    """Answer, offer the two closest, or admit uncertainty."""
    if not candidates or candidates[0].confidence < thresholds.confident:
        return AnswerChoice(Verdict.UNSURE, tuple(candidates[:3]))
    top = candidates[0]
    if len(candidates) > 1 and candidates[1].confidence >= top.confidence * thresholds.close_ratio:
        return AnswerChoice(Verdict.CHOOSE, tuple(candidates[:2]))
    return AnswerChoice(Verdict.ANSWER, (top,))


def choice_to_dict(choice: AnswerChoice) -> dict[str, Any]:
    return {
        "verdict": choice.verdict.value,
        "candidates": [
            {"article": c.article_id, "confidence": c.confidence} for c in choice.candidates
        ],
    }


def choice_from_parse(
    parse: Mapping[str, Any], thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> AnswerChoice:
    """The gate's recorded decision, or (if absent) the same decision made here."""
    recorded = parse.get(CHOICE_KEY)
    if isinstance(recorded, Mapping):
        try:
            return AnswerChoice(
                Verdict(recorded["verdict"]),
                tuple(
                    Candidate(str(c["article"]), float(c["confidence"]))
                    for c in recorded["candidates"]
                ),
            )
        except (KeyError, TypeError, ValueError):
            pass
    return choose(article_ranking(parse), thresholds)
