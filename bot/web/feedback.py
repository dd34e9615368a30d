"""Thumbs up or down on a knowledge answer shown in the web chat.

:func:`read_vote` checks what the page sent (a plain function, no web or database);
:func:`store_vote` keeps it: one vote per visitor and answer, a second click changes it.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from datetime import UTC, datetime

from iep_assistant.records import tickets
from iep_assistant.records.db import Database
from iep_assistant.records.types import Channel

# The page names each answer it shows with a random token; it only has to be unique
# per visitor, so a short, plain one is enough (and nothing else is accepted).
_ANSWER_ID = re.compile(r"[A-Za-z0-9_-]{4,40}")
ANSWER_PREFIX = "web:"
EXAMPLE = '{"article": "<answer key>", "helpful": true, "answer": "<answer id>"}'


class BadVote(ValueError):
    """What the page sent is not a vote; the message says what is wrong."""


@dataclass(frozen=True)
class Vote:
    article: str
    helpful: bool
    answer: str

    @property
    def answer_ref(self) -> str:
        return ANSWER_PREFIX + self.answer


def read_vote(data: object, articles: Container[str]) -> Vote:
    """The vote in ``data`` (decoded JSON), or :class:`BadVote` saying what is wrong."""
    if not isinstance(data, dict):
        raise BadVote(f"send a JSON object like {EXAMPLE}")
    article, helpful, answer = data.get("article"), data.get("helpful"), data.get("answer")
    if not isinstance(article, str) or not article or article not in articles:
        raise BadVote("article must be the key of a knowledge answer the assistant gave")
    if not isinstance(helpful, bool):
        raise BadVote("helpful must be true or false")
    if not isinstance(answer, str) or not _ANSWER_ID.fullmatch(answer):
        raise BadVote("answer must be the answer's id: 4 to 40 letters, digits, '-' or '_'")
    return Vote(article, helpful, answer)


def store_vote(database: Database, visitor: str, vote: Vote) -> None:
    """Blocking (run it in a worker thread): keep the visitor's vote on this answer."""
    with database.session() as session:
        tickets.record_feedback(
            session,
            article_id=vote.article,
            helpful=vote.helpful,
            rater_ref=visitor,
            answer_ref=vote.answer_ref,
            channel=Channel.WEB,
            now=datetime.now(UTC),
        )
