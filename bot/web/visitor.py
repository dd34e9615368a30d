"""Who a web-chat visitor is: an unguessable id in a cookie, and nothing more."""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import Response

VISITOR_COOKIE = "iep_visitor"
# Web visitors get ids that can never be a Slack user id (those are U… or W…).
VISITOR_PREFIX = "web-"
MAX_AGE = 60 * 60 * 24 * 30


def new_visitor_id() -> str:
    return VISITOR_PREFIX + secrets.token_urlsafe(24)


def valid_visitor(value: str | None) -> bool:
    return bool(value) and value.startswith(VISITOR_PREFIX) and 20 <= len(value) <= 64


def visitor_of(request: Request) -> str | None:
    """The visitor id from the cookie, or None when there is no (valid) cookie."""
    value = request.cookies.get(VISITOR_COOKIE)
    return value if valid_visitor(value) else None


def remember(request: Request, response: Response, visitor: str | None) -> None:
    """Set the cookie when the browser does not have this visitor id yet."""
    if not visitor or request.cookies.get(VISITOR_COOKIE) == visitor:
        return
    response.set_cookie(
        VISITOR_COOKIE,
        visitor,
        max_age=MAX_AGE,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
