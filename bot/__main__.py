"""Run the front end: ``python -m bot``."""

from __future__ import annotations

import uvicorn

from bot.app import create_app
from iep_assistant.config import load_settings
from iep_assistant.logs import setup_logging


def main() -> None:
    settings = load_settings()
    setup_logging(settings.log_level)
    uvicorn.run(
        create_app(settings),
        host=settings.web_host,
        port=settings.web_port,
        log_level="warning",
        access_log=False,
        # A failing start (e.g. the Slack app) must stop the process, not be skipped
        # as "lifespan unsupported", which uvicorn's default "auto" would do.
        lifespan="on",
    )


if __name__ == "__main__":
    main()
