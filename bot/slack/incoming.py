"""Which Slack events the assistant answers, and the text they carry (plain rules)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Message subtypes that still carry something a person wrote to us. Every other
# subtype (edits, deletions, joins, bot messages ...) is not a question.
ANSWERED_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")


def is_from_person(event: Mapping[str, Any], bot_user_id: str | None = None) -> bool:
    """A message a person wrote: not from a bot (ours or another), not an edit or a join."""
    if event.get("subtype") not in ANSWERED_SUBTYPES:
        return False
    if event.get("bot_id") or event.get("bot_profile"):
        return False
    user = event.get("user")
    return isinstance(user, str) and bool(user) and user != bot_user_id


def text_of(event: Mapping[str, Any], bot_user_id: str | None = None) -> str | None:
    """What the person wrote, in plain text: our own @mention removed, Slack's escaping
    and link markup undone. None when there is no text to read (only files)."""
    text = event.get("text")
    if not isinstance(text, str) or (not text.strip() and event.get("files")):
        return None
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()
