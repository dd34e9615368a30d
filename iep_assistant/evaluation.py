"""Measuring knowledge answers on held-out questions, beside a plain TF-IDF search.

`iep-assistant evaluate-knowledge` parses every held-out question with the
trained Rasa model (through its HTTP API) and reports top-1 accuracy, per-article
precision and recall and the most common confusions, for the assistant and for a
TF-IDF search over the same articles.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from iep_assistant.answering import RETRIEVAL_INTENT, Verdict, choice_from_parse
from iep_assistant.articles import KnowledgeBase, normalise

FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class Question:
    text: str
    article_id: str


def load_heldout(path: Path, kb: KnowledgeBase) -> list[Question]:
    """Held-out questions; refuses unknown ids and questions that are also training data."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    groups = data.get("questions")
    if not isinstance(groups, dict):
        raise ValueError(f"{path}: expected a mapping 'questions: {{article_id: [questions]}}'")
    training = {normalise(q) for a in kb for q in a.questions}
    questions = []
    for article_id, texts in groups.items():
        if article_id not in kb:
            raise ValueError(f"{path}: unknown article id {article_id!r}")
        for text in texts or []:
            if normalise(text) in training:
                raise ValueError(f"{path}: {text!r} is also in the training data")
            questions.append(Question(str(text), article_id))
    return questions


@dataclass
class Prediction:
    """What a system did with one question: its first article, and what it offered."""

    first: str | None
    offered: tuple[str, ...] = ()
    verdict: str = ""


@dataclass
class Scores:
    name: str
    total: int
    top1: float
    per_article: dict[str, tuple[float, float, int]]  # precision, recall, support
    confusions: list[tuple[str, str, int]]
    extra: dict[str, float] = field(default_factory=dict)


def assistant_prediction(parse: Mapping[str, Any]) -> Prediction:
    """The article the assistant would show first (None if it would not answer from the KB)."""
    intent = (parse.get("intent") or {}).get("name")
    if intent not in (RETRIEVAL_INTENT, FALLBACK_INTENT):
        return Prediction(None, (), f"intent:{intent}")
    choice = choice_from_parse(parse)
    offered = tuple(c.article_id for c in choice.candidates)
    return Prediction(offered[0] if offered else None, offered, choice.verdict.value)


class TfidfSearch:
    """The baseline: cosine similarity of TF-IDF vectors over each article.

    By default an article is what a reader sees (title, answer, details); with
    ``with_phrasings`` its training phrasings are indexed too, a stronger baseline.
    """

    def __init__(self, kb: KnowledgeBase, *, with_phrasings: bool = False) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.ids = [a.id for a in kb]
        docs = [
            " ".join([a.title, a.answer, a.details, *(a.questions if with_phrasings else ())])
            for a in kb
        ]
        self.vectorizer = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, stop_words="english"
        )
        self.matrix = self.vectorizer.fit_transform(docs)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        scores = (self.vectorizer.transform(texts) @ self.matrix.T).toarray()
        out = []
        for row in scores:
            order = row.argsort()[::-1][:3]
            out.append(Prediction(self.ids[order[0]], tuple(self.ids[i] for i in order), "answer"))
        return out


def score(name: str, questions: Sequence[Question], predictions: Sequence[Prediction]) -> Scores:
    from sklearn.metrics import precision_recall_fscore_support

    expected = [q.article_id for q in questions]
    got = [p.first or "(none)" for p in predictions]
    labels = sorted(set(expected))
    precision, recall, _, support = precision_recall_fscore_support(
        expected, got, labels=labels, zero_division=0
    )
    per_article = {
        label: (float(p), float(r), int(s))
        for label, p, r, s in zip(labels, precision, recall, support, strict=True)
    }
    confusions = Counter((e, g) for e, g in zip(expected, got, strict=True) if e != g)
    correct = sum(e == g for e, g in zip(expected, got, strict=True))
    return Scores(
        name=name,
        total=len(questions),
        top1=correct / len(questions) if questions else 0.0,
        per_article=per_article,
        confusions=[(e, g, n) for (e, g), n in confusions.most_common()],
    )


def assistant_extras(
    questions: Sequence[Question], predictions: Sequence[Prediction]
) -> dict[str, float]:
    """How the answers reached people: answered outright, offered among buttons, wrong."""
    n = len(questions) or 1
    answered_right = sum(
        p.verdict == Verdict.ANSWER.value and p.first == q.article_id
        for q, p in zip(questions, predictions, strict=True)
    )
    answered_wrong = sum(
        p.verdict == Verdict.ANSWER.value and p.first != q.article_id
        for q, p in zip(questions, predictions, strict=True)
    )
    offered = sum(q.article_id in p.offered for q, p in zip(questions, predictions, strict=True))
    return {
        "answered outright and right": answered_right / n,
        "answered outright but wrong": answered_wrong / n,
        "right article answered or among the buttons": offered / n,
    }


async def parse_all(
    rasa_url: str, token: str, texts: Sequence[str], concurrency: int = 8
) -> list[dict[str, Any]]:
    """Rasa's NLU parse of each text, through its HTTP API (`/model/parse`)."""
    limit = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=rasa_url, timeout=60) as client:

        async def one(text: str) -> dict[str, Any]:
            async with limit:
                response = await client.post(
                    "/model/parse", params={"token": token}, json={"text": text}
                )
                response.raise_for_status()
                return response.json()

        return await asyncio.gather(*(one(t) for t in texts))


def misses(questions: Sequence[Question], predictions: Sequence[Prediction]) -> str:
    """Every question answered with the wrong article: for whoever edits the articles."""
    lines = ["| expected | chosen | verdict | question |", "|---|---|---|---|"]
    for q, p in zip(questions, predictions, strict=True):
        if p.first != q.article_id:
            lines.append(f"| {q.article_id} | {p.first or '(none)'} | {p.verdict} | {q.text} |")
    return "\n".join(lines) + "\n"


def report(results: Sequence[Scores], kb: KnowledgeBase, worst: int = 12) -> str:
    """A Markdown report: the summary side by side, then per-article figures and confusions."""
    lines = ["| system | questions | top-1 accuracy |", "|---|---|---|"]
    for r in results:
        lines.append(f"| {r.name} | {r.total} | {r.top1:.1%} |")
    for r in results:
        for label, value in r.extra.items():
            lines.append(f"\n{r.name}, {label}: {value:.1%}")
    lines.append("\n| article | " + " | ".join(f"{r.name} P / R" for r in results) + " |")
    lines.append("|---|" + "---|" * len(results))
    for article in sorted(results[0].per_article):
        cells = []
        for r in results:
            p, rec, _ = r.per_article[article]
            cells.append(f"{p:.2f} / {rec:.2f}")
        lines.append(f"| {article} | " + " | ".join(cells) + " |")
    for r in results:
        lines.append(f"\nMost common confusions, {r.name} (expected → chosen, count):")
        for expected, got, n in r.confusions[:worst]:
            lines.append(f"- {expected} → {got}: {n}")
    return "\n".join(lines) + "\n"
