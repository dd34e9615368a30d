"""The Markdown the assistant writes, as Slack's mrkdwn.

The knowledge articles use ``**bold**``, ``*italic*``, ``[text](url)`` links,
``#`` headings and ``-`` bullets; Slack writes these ``*bold*``, ``_italic_``,
``<url|text>``, and has neither headings nor list syntax. ``&``, ``<`` and ``>``
are escaped, as Slack requires, so text can never form a mention or a link.
"""

from __future__ import annotations

import re

_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_BULLET = re.compile(r"^([ \t]*)[-*+][ \t]+", re.MULTILINE)
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![*\w])")
# Stand-ins while converting: control characters never survive escape() below.
_BOLD_MARK = "\x01"
_LINK_MARK = "\x02"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape(text: str) -> str:
    """Plain text made safe for mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(markdown: str) -> str:
    text = _CONTROL.sub("", markdown)
    links: list[str] = []

    def keep_link(match: re.Match[str]) -> str:
        label = escape(match.group(1).replace("*", "").replace("|", "/"))
        url = escape(match.group(2)).replace("|", "%7C")
        links.append(f"<{url}|{label}>")
        return f"{_LINK_MARK}{len(links) - 1}{_LINK_MARK}"

    text = _LINK.sub(keep_link, text)
    text = escape(text)
    text = _HEADING.sub(lambda m: f"{_BOLD_MARK}{m.group(1)}{_BOLD_MARK}", text)
    text = _BULLET.sub(lambda m: f"{m.group(1)}• ", text)
    text = _BOLD.sub(lambda m: f"{_BOLD_MARK}{m.group(2)}{_BOLD_MARK}", text)
    text = _ITALIC.sub(lambda m: f"_{m.group(1)}_", text)
    text = text.replace(_BOLD_MARK, "*")
    return re.sub(f"{_LINK_MARK}(\\d+){_LINK_MARK}", lambda m: links[int(m.group(1))], text)
