"""Deciding what to say for a knowledge question, from the ranker's rankings.

Plain functions: the answer action and the evaluation call :func:`choose` with the
ranking the Rasa pipeline recorded (:mod:`iep_assistant.answering`) and the
knowledge base. The result names the points to say, in order, or a situation
guide and the steps of it that fit the message, or that the message really is
unclear, with the closest points to offer.
"""

from __future__ import annotations

import dataclasses
import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from iep_assistant.answering import REPLY, KnowledgeRanking, Ranked, group_of
from iep_assistant.knowledge.base import KnowledgeBase
from iep_assistant.knowledge.format import Situation


class Kind(enum.Enum):
    POINTS = "points"  # answer with these points
    SITUATION = "situation"  # answer with a situation guide
    REPLY = "reply"  # not a question for the knowledge base: the reply of that intent
    UNSURE = "unsure"  # say so, and offer the closest points


@dataclass(frozen=True)
class Thresholds:
    """Chosen on the development questions (tests/heldout/knowledge_dev.yml)."""

    # The whole message: answer when its topic (all that topic's points together) or
    # its best point is at least this likely.
    topic: float = 0.35
    point: float = 0.2
    # A second point of the whole message's ranking is added when this close to the first.
    second: float = 0.5
    # A question inside a longer message is answered when its best point is this likely;
    # a sentence that only tells what happened, when it is this likely.
    segment: float = 0.35
    statement: float = 0.7
    # A situation guide is chosen when it is this likely for the whole message or for
    # one of its sentences (lower for a long message, which tells a story).
    situation: float = 0.3
    situation_long: float = 0.35
    # An optional step of a guide is kept when its point is this likely anywhere in the
    # message; at most this many.
    optional_step: float = 0.15
    optional_steps: int = 2
    # A message this long, or with this many questions beside what happened, is a
    # story: it also gets what to do if the school does not put things right.
    long_words: int = 35
    long_questions: int = 2
    most_points: int = 3
    # A reply that is not an answer (reply.<intent>) is given when it is the likeliest
    # key of the whole message and at least this likely, when the intent classifier
    # also gives that intent some weight (agree); alone, at least reply_alone (a
    # vague message spreads itself over the replies too). Distress this likely
    # beside a clear answer opens the answer with a word of sympathy.
    reply: float = 0.3
    reply_alone: float = 0.8
    agree: float = 0.05
    sympathy: float = 0.2


DEFAULT_THRESHOLDS = Thresholds()
# For a personal question that cannot be answered personally (an anonymous web
# visitor): the general answer its words also ask, only when one point plainly is
# ("when is the annual review due?"), not merely its topic ("when is his meeting?").
GENERAL_INSTEAD = Thresholds(topic=float("inf"), point=0.5)

# Where to go when the school does not put things right, by the law of the topic
# answered (a situation guide names its own).
NEXT_STEPS = {
    "idea": "disagreeing_with_the_school.options",
    "idea_part_c": "disagreeing_with_the_school.options",
    "general": "disagreeing_with_the_school.options",
    "section_504": "section_504_rights_and_disputes.ocr",
}


@dataclass(frozen=True)
class Decision:
    kind: Kind
    points: tuple[str, ...] = ()  # point keys to say, in order
    situation: str = ""  # the guide's key
    steps: tuple[int, ...] = ()  # the guide's steps to show, by index
    alternatives: tuple[str, ...] = ()  # point keys to offer as buttons
    next_steps: str = ""  # a point on where to go if the school does not put it right
    reply: str = ""  # the intent whose reply to give (Kind.REPLY)
    sympathy: bool = False  # the message also tells of distress


def group_mass(ranking: Iterable[Ranked]) -> dict[str, float]:
    """Probability per topic (its points summed); a situation is a group of its own."""
    mass: dict[str, float] = defaultdict(float)
    for entry in ranking:
        mass[group_of(entry.key)] += entry.confidence
    return dict(mass)


def _points_only(ranking: Sequence[Ranked], kb: KnowledgeBase) -> list[Ranked]:
    return [r for r in ranking if r.key in kb.points]


def _alternatives(
    ranking: Sequence[Ranked], kb: KnowledgeBase, skip: Iterable[str]
) -> tuple[str, ...]:
    """The closest points of other topics than those said, one per topic, for buttons."""
    said_topics = {group_of(k) for k in skip}
    out: list[str] = []
    for entry in _points_only(ranking, kb):
        topic = group_of(entry.key)
        if topic in said_topics or entry.key in out:
            continue
        said_topics.add(topic)
        out.append(entry.key)
        if len(out) == 2:
            break
    return tuple(out)


def _likeliest(ranking: KnowledgeRanking) -> dict[str, float]:
    """Each key's highest probability over the whole message and its sentences."""
    likely: dict[str, float] = defaultdict(float)
    for entries in (ranking.whole, *(s.ranking for s in ranking.segments)):
        for entry in entries:
            likely[entry.key] = max(likely[entry.key], entry.confidence)
    return likely


def _situation_steps(
    situation: Situation, likely: dict[str, float], thresholds: Thresholds
) -> tuple[int, ...]:
    optional = sorted(
        (
            (likely.get(step.point, 0.0), i)
            for i, step in enumerate(situation.steps)
            if step.optional and likely.get(step.point, 0.0) >= thresholds.optional_step
        ),
        reverse=True,
    )[: thresholds.optional_steps]
    kept = {i for _, i in optional}
    return tuple(i for i, step in enumerate(situation.steps) if not step.optional or i in kept)


def _segment_points(
    ranking: KnowledgeRanking, kb: KnowledgeBase, thresholds: Thresholds
) -> list[str]:
    """The best point of each sentence that clearly asks (or clearly tells) it, in order."""
    keys: list[str] = []
    for segment in ranking.segments:
        points = _points_only(segment.ranking, kb)
        bar = thresholds.segment if segment.question else thresholds.statement
        if points and points[0].confidence >= bar and points[0].key not in keys:
            keys.append(points[0].key)
    return keys


def _is_story(ranking: KnowledgeRanking, thresholds: Thresholds) -> bool:
    """A long message, or several questions beside what happened: a story."""
    questions = sum(s.question for s in ranking.segments)
    tells = any(not s.question for s in ranking.segments)
    return ranking.words >= thresholds.long_words or (
        tells and questions >= thresholds.long_questions
    )


def _next_steps(keys: Sequence[str], kb: KnowledgeBase) -> str:
    topic = kb.topic_of(keys[0]) if keys else None
    key = NEXT_STEPS.get(topic.law, "") if topic else ""
    return key if key in kb.points and key not in keys else ""


def reply_intent(key: str) -> str | None:
    """The intent of a reply key ("reply.distress" -> "distress")."""
    prefix = REPLY + "."
    return key[len(prefix) :] if key.startswith(prefix) else None


def choose(
    ranking: KnowledgeRanking, kb: KnowledgeBase, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Decision:
    known = [
        r for r in ranking.whole if r.key in kb.points or kb.situation(r.key) or reply_intent(r.key)
    ]
    if not known:
        return Decision(Kind.UNSURE)
    answer = _answer(ranking, kb, thresholds)
    intent = reply_intent(known[0].key)
    if intent:
        agreed = ranking.intents.get(intent, 0.0) >= thresholds.agree
        if known[0].confidence >= (thresholds.reply if agreed else thresholds.reply_alone):
            # Distress told beside a clear question gets the answer, kindly; the rest
            # (out of scope, legal advice, a diagnosis, a safety concern) their reply.
            if intent != "distress" or not ranking.asks or answer.kind is Kind.UNSURE:
                return Decision(Kind.REPLY, reply=intent)
            return dataclasses.replace(answer, sympathy=True)
    distress = next((r.confidence for r in known if reply_intent(r.key) == "distress"), 0.0)
    if distress >= thresholds.sympathy and answer.kind is not Kind.UNSURE:
        return dataclasses.replace(answer, sympathy=True)
    return answer


def _answer(ranking: KnowledgeRanking, kb: KnowledgeBase, thresholds: Thresholds) -> Decision:
    """The answer from the knowledge base: points, a guide, or unsure."""
    whole = [r for r in ranking.whole if r.key in kb.points or kb.situation(r.key)]
    if not whole:
        return Decision(Kind.UNSURE)
    long = _is_story(ranking, thresholds)
    likely = _likeliest(ranking)
    situations = sorted(
        ((p, k) for k, p in likely.items() if kb.situation(k) is not None), reverse=True
    )
    if situations:
        score, key = situations[0]
        if score >= (thresholds.situation_long if long else thresholds.situation):
            guide = kb.situation(key)
            assert guide is not None
            steps = _situation_steps(guide, likely, thresholds)
            shown = {guide.steps[i].point for i in steps}
            extra = [k for k in _segment_points(ranking, kb, thresholds) if k not in shown]
            return Decision(
                Kind.SITUATION,
                points=tuple(extra[:2]),
                situation=guide.key,
                steps=steps,
                alternatives=_alternatives(whole, kb, ()),
            )
    points = _points_only(whole, kb)
    if not points:
        return Decision(Kind.UNSURE)
    mass = group_mass(whole)
    top = points[0]
    clear = (
        mass.get(group_of(top.key), 0.0) >= thresholds.topic or top.confidence >= thresholds.point
    )
    keys = _segment_points(ranking, kb, thresholds)
    if clear and top.key not in keys:
        keys.insert(0, top.key)
    if not keys:
        if not clear and not long:
            return Decision(Kind.UNSURE, alternatives=tuple(p.key for p in points[:3]))
        keys = [top.key]
    if (
        len(keys) == 1
        and len(points) > 1
        and points[1].confidence >= thresholds.second * top.confidence
    ):
        keys.append(points[1].key)
    keys = keys[: thresholds.most_points]
    return Decision(
        Kind.POINTS,
        points=tuple(keys),
        alternatives=_alternatives(whole, kb, keys),
        next_steps=_next_steps(keys, kb) if long else "",
    )
