"""All topics and situation guides, by id and by key, with cross-references checked."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from iep_assistant.knowledge.format import (
    SITUATION,
    KnowledgeError,
    Point,
    Situation,
    Topic,
    parse_situation,
    parse_topic,
)

SITUATIONS_DIR = "situations"


def normalise(text: str) -> str:
    """Lower-case, letters and digits only: for comparing phrasings."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


class KnowledgeBase:
    """Topics (with their points) and situations; every reference between them resolves."""

    def __init__(self, topics: Iterable[Topic], situations: Iterable[Situation] = ()) -> None:
        self.topics: dict[str, Topic] = {}
        for topic in topics:
            if topic.id in self.topics:
                raise KnowledgeError(f"duplicate topic id {topic.id!r}")
            self.topics[topic.id] = topic
        self.situations: dict[str, Situation] = {}
        for situation in situations:
            if situation.id in self.situations:
                raise KnowledgeError(f"duplicate situation id {situation.id!r}")
            self.situations[situation.id] = situation
        self.points: dict[str, Point] = {p.key: p for t in self.topics.values() for p in t.points}
        self._check_references()
        self._check_phrasings()

    def _check_references(self) -> None:
        for topic in self.topics.values():
            for ref in (*topic.related, *(topic.plan_variants or {}).values()):
                if ref not in self.topics:
                    raise KnowledgeError(f"{topic.id}.md: refers to unknown topic {ref!r}")
        for situation in self.situations.values():
            where = f"situations/{situation.id}.md"
            for ref in situation.related:
                if ref not in self.topics:
                    raise KnowledgeError(f"{where}: refers to unknown topic {ref!r}")
            for step in situation.steps:
                if step.point and step.point not in self.points:
                    raise KnowledgeError(f"{where}: refers to unknown point {step.point!r}")

    def _check_phrasings(self) -> None:
        seen: dict[str, str] = {}
        labelled = [(p.key, q) for p in self.points.values() for q in (p.question, *p.phrasings)]
        labelled += [(s.key, q) for s in self.situations.values() for q in s.phrasings]
        for key, text in labelled:
            norm = normalise(text)
            if norm in seen and seen[norm] != key:
                raise KnowledgeError(
                    f"the phrasing {text!r} is taught as both {seen[norm]} and {key}"
                )
            seen[norm] = key

    # --- lookups ---------------------------------------------------------------------

    def __iter__(self) -> Iterator[Topic]:
        return iter(sorted(self.topics.values(), key=lambda t: t.id))

    def __len__(self) -> int:
        return len(self.topics)

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self.topics

    def __getitem__(self, topic_id: str) -> Topic:
        return self.topics[topic_id]

    def get(self, topic_id: str | None) -> Topic | None:
        return self.topics.get(topic_id or "")

    def topic_of(self, key: str) -> Topic | None:
        """The topic a point key ("topic.point") belongs to."""
        return self.topics.get(key.split(".", 1)[0])

    def point(self, key: str | None) -> Point | None:
        return self.points.get(key or "")

    def situation(self, key: str | None) -> Situation | None:
        """A situation by its key ("situation.<id>") or its id."""
        key = key or ""
        if key.startswith(SITUATION + "."):
            key = key.split(".", 1)[1]
        return self.situations.get(key)

    def answer_keys(self) -> frozenset[str]:
        """Every key an answer may carry (for feedback): topics, points and situations."""
        return frozenset([*self.topics, *self.keys()])

    def title_of(self, key: str) -> str:
        """What a person would call the answer with ``key``: a point's question, a title."""
        point = self.point(key)
        if point is not None:
            return point.question
        found = self.situation(key) or self.get(key)
        return found.title if found is not None else ""

    def keys(self) -> list[str]:
        """Every answerable key: the points, then the situations."""
        return [*self.points, *(s.key for s in self.situations.values())]

    def labelled_phrasings(self) -> Iterator[tuple[str, str]]:
        """(key, text) for every phrasing, a point's own question included: the training data."""
        for topic in self:
            for point in topic.points:
                yield point.key, point.question
                for text in point.phrasings:
                    yield point.key, text
        for situation in sorted(self.situations.values(), key=lambda s: s.id):
            for text in situation.phrasings:
                yield situation.key, text


def load_knowledge_base(directory: Path) -> KnowledgeBase:
    paths = [p for p in sorted(directory.glob("*.md")) if p.name.lower() != "readme.md"]
    if not paths:
        raise KnowledgeError(f"no topics found in {directory}")
    situation_paths = sorted((directory / SITUATIONS_DIR).glob("*.md"))
    situation_paths = [p for p in situation_paths if p.name.lower() != "readme.md"]
    return KnowledgeBase(
        (parse_topic(p) for p in paths), (parse_situation(p) for p in situation_paths)
    )


@lru_cache(maxsize=4)
def cached_knowledge_base(directory: str) -> KnowledgeBase:
    """The knowledge base, read once per process (topics change only on deploy)."""
    return load_knowledge_base(Path(directory))
