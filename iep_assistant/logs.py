"""Logging set-up shared by every process.

At the default level our logs carry no student names, message text or tokens:
code logs ids and outcomes only, and chatty libraries that log request bodies
are held at WARNING unless LOG_LEVEL=DEBUG.
"""

from __future__ import annotations

import logging

_CHATTY = ("slack_bolt", "slack_sdk", "httpx", "httpcore", "sanic.access", "urllib3", "matplotlib")


def setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    if level != "DEBUG":
        for name in _CHATTY:
            logging.getLogger(name).setLevel(logging.WARNING)
