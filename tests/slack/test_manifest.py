"""The Slack app manifest matches what the app listens to and calls."""

from __future__ import annotations

import yaml

from bot.slack.commands import COMMAND
from bot.slack.routes import EVENTS_PATH
from iep_assistant.config import PROJECT_ROOT

MANIFEST = yaml.safe_load((PROJECT_ROOT / "slack" / "manifest.yml").read_text())


def test_every_request_url_is_the_events_endpoint() -> None:
    settings = MANIFEST["settings"]
    urls = [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        *(c["url"] for c in MANIFEST["features"]["slash_commands"]),
    ]
    assert urls and all(u == f"https://YOUR-HOST{EVENTS_PATH}" for u in urls)
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is False


def test_events_command_and_home_are_declared() -> None:
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert events == {
        "message.im",
        "app_mention",
        "app_home_opened",
        "message.channels",  # the help-desk channel's ticket threads
        "message.groups",
    }
    assert [c["command"] for c in MANIFEST["features"]["slash_commands"]] == [COMMAND]
    home = MANIFEST["features"]["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"]
    assert not home["messages_tab_read_only_enabled"]


def test_scopes_cover_every_api_method_the_app_calls() -> None:
    needed = {
        "chat.postMessage": "chat:write",
        "chat.postEphemeral": "chat:write",
        "users.info": "users:read",
        "conversations.open": "im:write",
        "files.getUploadURLExternal": "files:write",
        "message.im": "im:history",
        "app_mention": "app_mentions:read",
        "/iep": "commands",
        "chat.update": "chat:write",
        "conversations.history": "im:history",  # has a reminder gone out already?
        "message.channels": "channels:history",
        "message.groups": "groups:history",
    }
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert set(needed.values()) <= scopes
