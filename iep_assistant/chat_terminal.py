"""A terminal chat with the running assistant, through the same signed channel."""

from __future__ import annotations

import asyncio
import base64
import binascii
import secrets
import time
from datetime import date
from pathlib import Path

from iep_assistant.config import PROJECT_ROOT, Settings
from iep_assistant.message_input import check_message
from iep_assistant.personal.chart import DATA_URL_PREFIX, chart_for
from iep_assistant.protocol import TROUBLE_TEXT, BotMessage, Button
from iep_assistant.rasa_client import AssistantUnavailable, RasaClient
from iep_assistant.records.db import Database
from iep_assistant.records.types import Channel

CHART_DIR = PROJECT_ROOT / "var" / "charts"


def save_image(image: str, folder: Path = CHART_DIR) -> Path | None:
    """Write a data-URL image (a progress chart) to a file the person can open."""
    if not image.startswith(DATA_URL_PREFIX):
        return None
    try:
        data = base64.b64decode(image[len(DATA_URL_PREFIX) :], validate=True)
    except binascii.Error:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"chart-{int(time.time() * 1000)}.png"
    path.write_bytes(data)
    return path


def _chart_image(settings: Settings, sender: str, message: BotMessage) -> str | None:
    """The progress chart a message refers to, drawn from the records as this person."""
    if message.chart is None:
        return None
    database = Database.from_url(settings.database_url)
    try:
        with database.session() as session:
            png = chart_for(session, sender, *message.chart, date.today(), Channel.TERMINAL)
    finally:
        database.dispose()
    return DATA_URL_PREFIX + base64.b64encode(png).decode() if png else None


def _show(text: str, buttons: tuple[Button, ...], image: str | None = None) -> None:
    print(f"bot> {text}")
    if image:
        saved = save_image(image)
        print(f"     (chart: {saved})" if saved else f"     (image: {image[:200]})")
    for number, button in enumerate(buttons, 1):
        print(f"     [{number}] {button.title}")


async def chat(settings: Settings, as_user: str | None = None) -> int:
    """Read questions from the terminal until end of input; number picks a button."""
    client = RasaClient(settings.rasa_url, settings.channel_secret)
    sender = as_user or "terminal-" + secrets.token_urlsafe(16)
    metadata = {"channel": "slack", "conversation": "dm"} if as_user else {"channel": "terminal"}
    who = f" as {as_user}" if as_user else ""
    print(f"Chatting with IEP Assistant{who}. Type a question; Ctrl-D to leave.")
    buttons: tuple[Button, ...] = ()
    try:
        while True:
            try:
                line = await asyncio.to_thread(input, "you> ")
            except EOFError:
                print()
                return 0
            if line.strip().isdigit() and 0 < int(line) <= len(buttons):
                line = buttons[int(line) - 1].payload
            checked = check_message(line)
            if not checked.ok:
                print(f"bot> {checked.problem}")
                continue
            try:
                messages = await client.send(sender, checked.text, metadata)
            except AssistantUnavailable:
                print(f"bot> {TROUBLE_TEXT}")
                continue
            buttons = ()
            for message in messages:
                image = message.image or await asyncio.to_thread(
                    _chart_image, settings, sender, message
                )
                _show(message.text, message.buttons, image)
                buttons = message.buttons or buttons
    finally:
        await client.aclose()
