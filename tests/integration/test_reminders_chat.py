"""Reminders through the running Rasa server, in words, as a demo parent in Slack."""

from __future__ import annotations

import asyncio

import pytest

from iep_assistant.protocol import BotMessage
from iep_assistant.rasa_client import RasaClient

pytestmark = pytest.mark.rasa


def chat(running_stack, sender: str, *texts: str, tz: str = "America/Chicago") -> list[str]:
    async def go() -> list[str]:
        client = RasaClient(running_stack.rasa_url, running_stack.settings.channel_secret)
        replies = []
        try:
            for text in texts:
                messages: list[BotMessage] = await client.send(
                    sender, text, {"channel": "slack", "conversation": "dm", "tz": tz}
                )
                replies.append("\n".join(m.text for m in messages))
        finally:
            await client.aclose()
        return replies

    return asyncio.run(go())


def test_set_list_and_cancel_in_words(running_stack):
    made, listed, cancelled, after = chat(
        running_stack,
        "U0DEMOPARENT1",
        "remind me 2 days before Maya's IEP meeting",
        "what reminders do I have?",
        "cancel that reminder",
        "show my reminders",
    )
    assert made.startswith("Okay: I'll remind you 2 days before Maya Alvarez's annual IEP review")
    assert "CST" in made or "CDT" in made
    assert "2 days before Maya Alvarez's annual IEP review" in listed
    assert cancelled.startswith("Cancelled your reminder 2 days before Maya")
    assert "no reminders" in after


def test_the_confirmation_uses_the_slack_time_zone(running_stack):
    (made,) = chat(
        running_stack,
        "U0DEMOPARENT2",
        "remind me the day before Noah's meeting at 8am",
        tz="America/Los_Angeles",
    )
    assert "at 8 am PST" in made


def test_a_standing_reminder_for_each_meeting(running_stack):
    (made,) = chat(
        running_stack, "U0DEMOCASEMGR", "remind me the day before each of my meetings at 7:30am"
    )
    assert made.startswith("Okay: I'll remind you the day before at 7:30 am each of your meetings.")
