"""The image on a message: a link Slack can show, or a chart sent inline as a data URL."""

from __future__ import annotations

import base64
import binascii
import logging
import re
from dataclasses import dataclass

logger = logging.getLogger(__name__)
MAX_IMAGE_BYTES = 5_000_000
MAX_URL_CHARS = 3000  # Block Kit's limit for image_url
_DATA_URL = re.compile(r"data:image/(png|jpeg|gif);base64,([A-Za-z0-9+/=\s]+)", re.ASCII)


@dataclass(frozen=True)
class LinkedImage:
    url: str


@dataclass(frozen=True)
class InlineImage:
    """Image bytes to upload (progress charts: they go only to the person's DM)."""

    content: bytes
    filename: str


Image = LinkedImage | InlineImage


def parse_image(value: str | None) -> Image | None:
    """The image a message carries, or None when there is none or it is unusable."""
    if not value:
        return None
    if value.startswith(("https://", "http://")):
        if len(value) > MAX_URL_CHARS:
            logger.warning("slack: image link longer than %d characters dropped", MAX_URL_CHARS)
            return None
        return LinkedImage(value)
    match = _DATA_URL.fullmatch(value.strip())
    if match is None:
        logger.warning("slack: image that is neither a link nor a base64 data URL dropped")
        return None
    try:
        content = base64.b64decode(re.sub(r"\s", "", match.group(2)), validate=True)
    except (binascii.Error, ValueError):
        logger.warning("slack: image data URL that is not valid base64 dropped")
        return None
    if not content or len(content) > MAX_IMAGE_BYTES:
        logger.warning("slack: inline image of %d bytes dropped", len(content))
        return None
    extension = "jpg" if match.group(1) == "jpeg" else match.group(1)
    return InlineImage(content, f"chart.{extension}")
