"""Derive Rasa's training data and responses for knowledge answers from `knowledge/`.

The generated files are committed so that `rasa data validate` and `rasa train`
see them, and :func:`stale_files` lets a test fail when they no longer match the
articles. Nobody edits them by hand.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from iep_assistant.answering import RETRIEVAL_INTENT
from iep_assistant.articles import Article, KnowledgeBase
from iep_assistant.config import PROJECT_ROOT
from iep_assistant.knowledge_replies import article_reply

NLU_FILE = Path("nlu") / "knowledge.yml"
HEADER = "# Generated from knowledge/ by `iep-assistant build-training-data`. Do not edit.\n"


class _Literal(str):
    """A string dumped as a YAML block literal (Rasa's `examples: |` form)."""


def _literal(dumper: yaml.SafeDumper, value: _Literal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Literal, _literal)


def _dump(data: object) -> str:
    return HEADER + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)


def intent_name(article_id: str) -> str:
    return f"{RETRIEVAL_INTENT}/{article_id}"


def render(kb: KnowledgeBase) -> dict[Path, str]:
    """The generated files' contents, keyed by path relative to the project root."""
    # Rasa merges `responses` in training data files into the domain; it is the
    # documented home of retrieval-intent responses.
    data = {
        "version": "3.1",
        "nlu": [
            {
                "intent": intent_name(article.id),
                "examples": _Literal("".join(f"- {q}\n" for q in article.questions)),
            }
            for article in kb
        ],
        "responses": {
            f"utter_{intent_name(article.id)}": [_response(article, kb)] for article in kb
        },
    }
    return {NLU_FILE: _dump(data)}


def _response(article: Article, kb: KnowledgeBase) -> dict:
    """The article's first answer as a Rasa response: the same message the actions send."""
    reply = article_reply(article, kb)
    response = {"text": _escape_braces(reply.text)}
    if reply.buttons:
        response["buttons"] = [
            {"title": b.title, "payload": _escape_braces(b.payload)} for b in reply.buttons
        ]
    if reply.custom:
        response["custom"] = dict(reply.custom)
    return response


def _escape_braces(text: str) -> str:
    """Protect literal braces from Rasa's response templating.

    Rasa fills ``{slot}`` placeholders in responses; a payload such as
    ``/choose_article{"article_id": "x"}`` would be taken for one (and logged as an
    error). Doubled braces come out of Rasa's interpolator as single ones.
    """
    return text.replace("{", "{{").replace("}", "}}")


def stale_files(kb: KnowledgeBase, root: Path = PROJECT_ROOT) -> list[Path]:
    """Generated files whose committed content differs from what the articles give."""
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
