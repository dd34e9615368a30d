"""The action server: rasa-sdk's web app with our own guard rails.

- Only Rasa may call it: every call but the health check must carry the
  ``X-Action-Token`` header that Rasa sends (endpoints.yml) when ACTION_TOKEN is set.
- It listens on loopback unless ACTION_HOST says otherwise.
- Errors are logged without the request (which holds the conversation) and the
  reply says nothing about it.

Run with ``python -m actions.server``.
"""

from __future__ import annotations

import hmac
import logging
import os

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.services import configure
from iep_assistant.config import Settings, load_settings
from iep_assistant.logs import setup_logging

TOKEN_HEADER = "X-Action-Token"
logger = logging.getLogger(__name__)


def build_app(settings: Settings) -> Sanic:
    configure(settings)
    executor = ActionExecutor()
    executor.register_package("actions")
    app = create_app(executor, cors_origins=[])
    token = settings.action_token

    @app.on_request
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path == "/health" or not token:
            return None
        given = request.headers.get(TOKEN_HEADER, "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            return response.json({"error": "missing or wrong action token"}, status=401)
        return None

    async def on_error(request: Request, exception: Exception) -> HTTPResponse:
        logger.error("action server error: %s", type(exception).__name__, exc_info=exception)
        return response.json({"error": "the action failed"}, status=500)

    # rasa-sdk registers a catch-all handler that echoes the request body (the
    # conversation) in the reply; Sanic refuses a second one, so replace it.
    app.error_handler.cached_handlers[(Exception, None)] = on_error

    return app


def main() -> None:
    settings = load_settings()
    setup_logging(settings.log_level)
    app = build_app(settings)
    host = os.environ.get("ACTION_HOST", "127.0.0.1")
    app.run(
        host=host,
        port=settings.action_port,
        single_process=True,
        access_log=False,
        motd=False,
    )


if __name__ == "__main__":
    main()
