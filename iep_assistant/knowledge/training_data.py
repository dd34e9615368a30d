"""Derive Rasa's training data for knowledge answers from `knowledge/`.

Every answer point and situation guide is a block of the `faq` intent whose
metadata names its key ("initial_evaluation_timeline.deadline",
"situation.<id>"); its question and phrasings are the examples. The intent
classifier learns that these are knowledge questions; the KnowledgeRanker
(rasa_addons/knowledge_ranker.py) learns the keys from the metadata. The reply is
written by the answer action from the knowledge base, so Rasa holds no copy of the
answers (a retrieval intent would need one response per key, each a second copy).

The generated file is committed so that `rasa data validate` and `rasa train` see
it, and :func:`stale_files` lets a test fail when it no longer matches the
knowledge base. Nobody edits it by hand.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from iep_assistant.answering import KNOWLEDGE_INTENT
from iep_assistant.config import PROJECT_ROOT
from iep_assistant.knowledge.base import KnowledgeBase
from iep_assistant.knowledge.replies import point_text, situation_reply

NLU_FILE = Path("nlu") / "knowledge.yml"
HEADER = "# Generated from knowledge/ by `iep-assistant build-training-data`. Do not edit.\n"
KEY = "key"  # the intent block's metadata field naming the point or guide


class _Literal(str):
    """A string dumped as a YAML block literal (Rasa's `examples: |` form)."""


def _literal(dumper: yaml.SafeDumper, value: _Literal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Literal, _literal)


def _dump(data: object) -> str:
    return HEADER + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)


def response_texts(kb: KnowledgeBase) -> dict[str, str]:
    """What each key says on its own: a point's answer with its source, a guide's steps
    (for a stock retrieval-intent assistant over the same knowledge, in the benchmarks)."""
    texts = {point.key: point_text(point) for topic in kb for point in topic.points}
    for situation in sorted(kb.situations.values(), key=lambda s: s.id):
        texts[situation.key] = situation_reply(situation, (), kb).text
    return texts


def examples_by_key(kb: KnowledgeBase) -> dict[str, list[str]]:
    examples: dict[str, list[str]] = {}
    for key, text in kb.labelled_phrasings():
        examples.setdefault(key, []).append(text)
    return examples


def render(kb: KnowledgeBase) -> dict[Path, str]:
    """The generated files' contents, keyed by path relative to the project root."""
    data = {
        "version": "3.1",
        "nlu": [
            {
                "intent": KNOWLEDGE_INTENT,
                "metadata": {KEY: key},
                "examples": _Literal("".join(f"- {q}\n" for q in texts)),
            }
            for key, texts in examples_by_key(kb).items()
        ],
    }
    return {NLU_FILE: _dump(data)}


def _escape_braces(text: str) -> str:
    """Protect literal braces from Rasa's response templating (it fills ``{slot}``);
    doubled braces come out of Rasa's interpolator as single ones."""
    return text.replace("{", "{{").replace("}", "}}")


def stale_files(kb: KnowledgeBase, root: Path = PROJECT_ROOT) -> list[Path]:
    """Generated files whose committed content differs from what the knowledge base gives."""
    return [
        path
        for path, content in render(kb).items()
        if not (root / path).exists() or (root / path).read_text(encoding="utf-8") != content
    ]


def write(kb: KnowledgeBase, root: Path = PROJECT_ROOT) -> list[Path]:
    """Write the generated files that changed (unchanged files keep their timestamps)."""
    changed = stale_files(kb, root)
    contents = render(kb)
    for path in changed:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(contents[path], encoding="utf-8")
    return changed
