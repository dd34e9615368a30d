"""Judging knowledge answers by what the first reply says, beside plain searches.

Each held-out question (tests/heldout/knowledge_eval.yml) carries the facts its
reply must hold (``must``, regular expressions that all have to match) and the
wrong figures it must not give (``must_not``). `iep-assistant evaluate-knowledge`
asks every question, each in a new conversation, through the running assistant
(the signed channel the front ends use: Rasa and the action server), and judges
the first reply. The same questions go to three plain searches over the same
points, which answer with the same text as the assistant would for their top
point: TF-IDF over what a reader sees (question and answer), TF-IDF with the
training phrasings too, and the shipped MiniLM encoder over the same.
"""

from __future__ import annotations

import asyncio
import enum
import io
import json
import re
import subprocess
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from iep_assistant.knowledge.base import KnowledgeBase, normalise
from iep_assistant.knowledge.replies import NOT_SURE, points_reply

KINDS = ("short", "situation", "graceful")
GRACEFUL = ("decline", "legal", "diagnosis", "distress")


class Outcome(enum.Enum):
    HELD = "held every needed fact"
    WRONG = "answered, but not right"
    UNSURE = "said it was not sure"


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    kind: str
    text: str
    must: tuple[re.Pattern[str], ...]
    must_not: tuple[re.Pattern[str], ...] = ()
    asker: str = ""
    style: str = ""
    topic: str = ""
    expect: str = ""
    focus: str = ""  # "specific" (a point a topic summary would not hold) or "general"


def _patterns(value: Any, where: str) -> tuple[re.Pattern[str], ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where}: patterns must be a list of strings")
    try:
        return tuple(re.compile(v, re.I) for v in value)
    except re.error as exc:
        raise ValueError(f"{where}: bad pattern: {exc}") from None


def load_questions(path: Path, kb: KnowledgeBase) -> list[EvalQuestion]:
    """The held-out questions; refuses malformed entries and any that is training data."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("questions")
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected 'questions:' with a list of questions")
    training = {normalise(text) for _, text in kb.labelled_phrasings()}
    questions, ids = [], set()
    for i, entry in enumerate(entries):
        where = f"{path.name} entry {i + 1}"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("text"), str):
            raise ValueError(f"{where}: needs 'text'")
        qid = str(entry.get("id") or f"q{i + 1}")
        if qid in ids:
            raise ValueError(f"{where}: duplicate id {qid}")
        ids.add(qid)
        kind = entry.get("kind", "short")
        if kind not in KINDS:
            raise ValueError(f"{where}: kind must be one of {', '.join(KINDS)}")
        if normalise(entry["text"]) in training:
            raise ValueError(f"{where}: {entry['text']!r} is also training data")
        questions.append(
            EvalQuestion(
                id=qid,
                kind=kind,
                text=entry["text"].strip(),
                must=_patterns(entry.get("must"), where),
                must_not=_patterns(entry.get("must_not"), where),
                asker=str(entry.get("asker") or ""),
                style=str(entry.get("style") or ""),
                topic=str(entry.get("topic") or ""),
                expect=str(entry.get("expect") or ""),
                focus=str(entry.get("focus") or ""),
            )
        )
    return questions


def judge(question: EvalQuestion, reply: str) -> Outcome:
    """Held: every needed fact is there and no wrong one. Unsure: it said so."""
    if all(p.search(reply) for p in question.must) and not any(
        p.search(reply) for p in question.must_not
    ):
        return Outcome.HELD
    if reply.startswith(NOT_SURE):
        return Outcome.UNSURE
    return Outcome.WRONG


# --- the systems ---------------------------------------------------------------------


async def ask_assistant(
    rasa_url: str, channel_secret: str, texts: Sequence[str], concurrency: int = 4
) -> list[str]:
    """The first reply to each text, each in a new anonymous web-chat conversation."""
    from iep_assistant.rasa_client import RasaClient

    run = uuid.uuid4().hex[:8]
    limit = asyncio.Semaphore(concurrency)
    client = RasaClient(rasa_url, channel_secret, timeout=120)
    try:

        async def one(i: int, text: str) -> str:
            async with limit:
                messages = await client.send(f"eval-{run}-{i}", text, {"channel": "web"})
            return messages[0].text if messages else ""

        return list(await asyncio.gather(*(one(i, t) for i, t in enumerate(texts))))
    finally:
        await client.aclose()


def _point_documents(kb: KnowledgeBase, *, with_phrasings: bool) -> tuple[list[str], list[str]]:
    """(key, document) per point: what a reader sees, with or without the phrasings."""
    keys, docs = [], []
    for topic in kb:
        for point in topic.points:
            keys.append(point.key)
            words = [topic.title, point.question, point.answer]
            docs.append(" ".join([*words, *(point.phrasings if with_phrasings else ())]))
    return keys, docs


def _answer_with(kb: KnowledgeBase, keys: Sequence[str]) -> list[str]:
    return [points_reply([key], kb).text for key in keys]


def tfidf_search(kb: KnowledgeBase, texts: Sequence[str], *, with_phrasings: bool) -> list[str]:
    """The top point's reply for each text, by TF-IDF cosine over the points."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    keys, docs = _point_documents(kb, with_phrasings=with_phrasings)
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english")
    matrix = vectorizer.fit_transform(docs)
    scores = (vectorizer.transform(texts) @ matrix.T).toarray()
    return _answer_with(kb, [keys[int(i)] for i in scores.argmax(axis=1)])


Embed = Callable[[Sequence[str]], np.ndarray]


def minilm_embedder(rasa_python: Path) -> Embed:
    """Sentence embeddings from the shipped MiniLM encoder, which runs in Rasa's
    environment (rasa_addons/embed.py), one call per batch of texts."""
    from iep_assistant.config import PROJECT_ROOT

    def embed(texts: Sequence[str]) -> np.ndarray:
        done = subprocess.run(
            [str(rasa_python), "-m", "rasa_addons.embed"],
            input=json.dumps(list(texts)).encode(),
            capture_output=True,
            cwd=PROJECT_ROOT,
            env={"PYTHONPATH": str(PROJECT_ROOT), "OMP_NUM_THREADS": "1"},
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"the MiniLM encoder failed: {done.stderr.decode()[-300:]}")
        return np.load(io.BytesIO(done.stdout))

    return embed


def minilm_search(kb: KnowledgeBase, texts: Sequence[str], embed: Embed) -> list[str]:
    """The top point's reply for each text, by MiniLM cosine to the nearest of each point's
    question, answer and phrasings."""
    labels, docs = [], []
    for topic in kb:
        for point in topic.points:
            for doc in (point.question, point.answer, *point.phrasings):
                labels.append(point.key)
                docs.append(doc)
    nearest = (embed(texts) @ embed(docs).T).argmax(axis=1)
    return _answer_with(kb, [labels[int(i)] for i in nearest])


# --- the report ----------------------------------------------------------------------


@dataclass
class Scores:
    name: str
    outcomes: list[Outcome]
    replies: list[str] = field(default_factory=list)

    def share(self, questions: Sequence[EvalQuestion], kind: str | None, outcome: Outcome) -> str:
        picked = [
            o for q, o in zip(questions, self.outcomes, strict=True) if kind in (None, q.kind)
        ]
        if not picked:
            return "-"
        return f"{sum(o is outcome for o in picked) / len(picked):.1%}"


def report(questions: Sequence[EvalQuestion], systems: Sequence[Scores]) -> str:
    """Markdown: per system and kind of question, the share held, wrong and unsure."""
    counts = Counter(q.kind for q in questions)
    lines = [
        f"{len(questions)} held-out questions: "
        + ", ".join(f"{counts[k]} {k}" for k in KINDS if counts[k])
        + ".\n",
        "| system | kind | held every needed fact | answered, not right | said not sure |",
        "|---|---|---|---|---|",
    ]
    for system in systems:
        for kind in (None, *KINDS):
            if kind and not counts[kind]:
                continue
            cells = [system.share(questions, kind, o) for o in Outcome]
            lines.append(f"| {system.name} | {kind or 'all'} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def by_group(questions: Sequence[EvalQuestion], scores: Scores, attribute: str) -> str:
    """How the assistant did per asker, style, topic or expected graceful reply."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for question, outcome in zip(questions, scores.outcomes, strict=True):
        groups[getattr(question, attribute) or "-"].append(outcome)
    lines = [f"| {attribute} | questions | held |", "|---|---|---|"]
    for name, outcomes in sorted(groups.items()):
        held = sum(o is Outcome.HELD for o in outcomes) / len(outcomes)
        lines.append(f"| {name} | {len(outcomes)} | {held:.0%} |")
    return "\n".join(lines) + "\n"


def misses(questions: Sequence[EvalQuestion], scores: Scores) -> str:
    """Every question the assistant did not answer right, with the patterns it missed."""
    out = []
    for question, outcome, reply in zip(questions, scores.outcomes, scores.replies, strict=True):
        if outcome is Outcome.HELD:
            continue
        missing = [p.pattern for p in question.must if not p.search(reply)]
        wrong = [p.pattern for p in question.must_not if p.search(reply)]
        out.append(
            f"### {question.id} ({question.kind}, {question.topic or question.expect}): "
            f"{outcome.value}\n\n> {question.text}\n\n"
            + (f"Missing: `{'`, `'.join(missing)}`\n\n" if missing else "")
            + (f"Wrong: `{'`, `'.join(wrong)}`\n\n" if wrong else "")
            + "Reply:\n\n"
            + "\n".join("    " + line for line in reply.splitlines())
            + "\n"
        )
    return "\n".join(out)
