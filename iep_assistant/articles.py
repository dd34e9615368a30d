"""The curated knowledge articles in `knowledge/`: loading and checking them.

Each article is a Markdown file with YAML front matter::

    ---
    id: initial_evaluation_timeline        # snake_case, unique; the file is <id>.md
    title: How long the first evaluation can take
    answer: >-                              # the short answer: two or three sentences
      ...
    citation: 34 CFR 300.301(c)
    law: idea                               # idea | idea_part_c | section_504 | ferpa | general
    state_note: >-                          # optional: where a state may set another figure
      ...
    related: [asking_for_evaluation, consent]
    plan_variants: {"504": section_504_evaluation}   # optional: follow-up "and for a 504?"
    questions:                              # realistic phrasings; Rasa training data
      - how long does the school have to test my son
    ---
    The details, in Markdown.

The articles are the one source of truth: Rasa's training data and responses are
generated from them (:mod:`iep_assistant.training_data`) and the answer action
renders them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

LAWS = ("idea", "idea_part_c", "section_504", "ferpa", "general")
PLAN_TYPES = ("iep", "504")
_ID = re.compile(r"^[a-z][a-z0-9_]{2,60}$")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)


class ArticleError(ValueError):
    """An article file is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    answer: str
    citation: str
    law: str
    details: str
    questions: tuple[str, ...]
    related: tuple[str, ...] = ()
    state_note: str = ""
    plan_variants: Mapping[str, str] = field(default_factory=dict)
    path: Path | None = None

    @property
    def short_text(self) -> str:
        """The short answer with its source, as the assistant first shows it."""
        text = f"{self.answer}\n\nSource: {self.citation}"
        if self.state_note:
            text += f"\nState note: {self.state_note}"
        return text


def _text(data: Mapping, key: str, path: Path, *, required: bool = True) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ArticleError(f"{path.name}: field '{key}' must be text")
    value = " ".join(value.split()) if key != "details" else value.strip()
    if required and not value:
        raise ArticleError(f"{path.name}: field '{key}' is missing or empty")
    return value


def _id_list(data: Mapping, key: str, path: Path) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ArticleError(f"{path.name}: field '{key}' must be a list of article ids")
    return tuple(value)


def parse_article(path: Path) -> Article:
    """Read one article file; raise :class:`ArticleError` naming what is wrong."""
    raw = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(raw.replace("\r\n", "\n"))
    if not match:
        raise ArticleError(f"{path.name}: must start with YAML front matter between '---' lines")
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise ArticleError(f"{path.name}: front matter is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ArticleError(f"{path.name}: front matter must be a mapping")
    article_id = _text(data, "id", path)
    if not _ID.match(article_id):
        raise ArticleError(f"{path.name}: id {article_id!r} must be snake_case (a-z, 0-9, _)")
    if path.stem != article_id:
        raise ArticleError(f"{path.name}: file name must be {article_id}.md")
    law = _text(data, "law", path)
    if law not in LAWS:
        raise ArticleError(f"{path.name}: law must be one of {', '.join(LAWS)}, got {law!r}")
    questions = data.get("questions") or []
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        raise ArticleError(f"{path.name}: 'questions' must be a list of strings")
    questions = [" ".join(q.split()) for q in questions if q.strip()]
    for q in questions:
        if set(q) & set("[]{}"):
            # Rasa reads [text](entity) and {..} as annotations in training data.
            raise ArticleError(f"{path.name}: question {q!r} must not contain [ ] {{ }}")
    if len(questions) < 10:
        raise ArticleError(f"{path.name}: needs at least 10 'questions', has {len(questions)}")
    variants = data.get("plan_variants") or {}
    if not isinstance(variants, dict) or not all(
        str(k) in PLAN_TYPES and isinstance(v, str) for k, v in variants.items()
    ):
        raise ArticleError(f"{path.name}: 'plan_variants' must map 'iep' or '504' to an article id")
    return Article(
        id=article_id,
        title=_text(data, "title", path),
        answer=_text(data, "answer", path),
        citation=_text(data, "citation", path),
        law=law,
        details=match.group(2).strip(),
        questions=tuple(dict.fromkeys(questions)),
        related=_id_list(data, "related", path),
        state_note=_text(data, "state_note", path, required=False),
        plan_variants={str(k): v for k, v in variants.items()},
        path=path,
    )


class KnowledgeBase:
    """All articles, by id, with their cross-references checked."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self.articles: dict[str, Article] = {}
        for article in articles:
            if article.id in self.articles:
                raise ArticleError(f"duplicate article id {article.id!r}")
            self.articles[article.id] = article
        for article in self.articles.values():
            for ref in (*article.related, *article.plan_variants.values()):
                if ref not in self.articles:
                    raise ArticleError(f"{article.id}.md: refers to unknown article {ref!r}")
        seen: dict[str, str] = {}
        for article in self.articles.values():
            for question in article.questions:
                key = normalise(question)
                if key in seen and seen[key] != article.id:
                    raise ArticleError(
                        f"question {question!r} appears in both {seen[key]}.md and {article.id}.md"
                    )
                seen[key] = article.id

    def __getitem__(self, article_id: str) -> Article:
        return self.articles[article_id]

    def __contains__(self, article_id: object) -> bool:
        return article_id in self.articles

    def __iter__(self):
        return iter(sorted(self.articles.values(), key=lambda a: a.id))

    def __len__(self) -> int:
        return len(self.articles)

    def get(self, article_id: str | None) -> Article | None:
        return self.articles.get(article_id or "")


def normalise(text: str) -> str:
    """Lower-case, letters and digits only: for comparing phrasings."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def load_knowledge_base(directory: Path) -> KnowledgeBase:
    paths = sorted(directory.glob("*.md"))
    paths = [p for p in paths if p.name.lower() != "readme.md"]
    if not paths:
        raise ArticleError(f"no articles found in {directory}")
    return KnowledgeBase(parse_article(p) for p in paths)


@lru_cache(maxsize=4)
def cached_knowledge_base(directory: str) -> KnowledgeBase:
    """The knowledge base, read once per process (articles change only on deploy)."""
    return load_knowledge_base(Path(directory))
