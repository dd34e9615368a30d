"""The plain functions behind the Slack app, tested alone (no Slack, no Bolt)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.slack import commands, incoming, places
from bot.slack.blocks import (
    BUTTONS_BLOCK_ID,
    chosen_blocks,
    help_text,
    message_blocks,
    text_sections,
)
from bot.slack.dedupe import delivery_id, retry_number
from bot.slack.images import InlineImage, LinkedImage, parse_image
from bot.slack.markdown import escape, to_mrkdwn
from bot.slack.places import Conversation, Place
from bot.slack.routes import body_problem
from bot.slack.routing import POINTER_TEXT, Post, Upload, plan
from bot.slack.time_zones import TimeZones
from iep_assistant.protocol import BotMessage, Button

# --- Markdown to mrkdwn ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "mrkdwn"),
    [
        ("**No federal definition.** The rest", "*No federal definition.* The rest"),
        ("an *important* word", "an _important_ word"),
        (
            "see [the rule](https://www.ecfr.gov/a?b=1&c=2)",
            "see <https://www.ecfr.gov/a?b=1&amp;c=2|the rule>",
        ),
        ("# Heading", "*Heading*"),
        ("- one\n- two", "• one\n• two"),
        ("<@U123> & <!channel>", "&lt;@U123&gt; &amp; &lt;!channel&gt;"),
        ("5 * 3 * 2 = 30", "5 * 3 * 2 = 30"),
        ("Source: 34 CFR 300.301(c)(1)", "Source: 34 CFR 300.301(c)(1)"),
        ("**bold with [a link](https://x.org)**", "*bold with <https://x.org|a link>*"),
    ],
)
def test_markdown_becomes_slack_mrkdwn(markdown: str, mrkdwn: str) -> None:
    assert to_mrkdwn(markdown) == mrkdwn


def test_long_text_is_split_into_sections_under_the_limit() -> None:
    text = "\n\n".join(f"Paragraph {i}. " + "word " * 150 for i in range(10))
    sections = text_sections(text)
    assert len(sections) > 1
    assert all(len(s["text"]["text"]) <= 3000 for s in sections)
    assert "".join(s["text"]["text"] for s in sections).count("Paragraph") == 10


# --- blocks ---------------------------------------------------------------------------------


def test_buttons_carry_their_rasa_payloads() -> None:
    message = BotMessage(
        text="Answer",
        buttons=(Button("Tell me more", "/tell_more"), Button("x" * 100, '/choose{"a": "b"}')),
    )
    [_, actions] = message_blocks(message)
    assert actions["block_id"] == BUTTONS_BLOCK_ID
    assert [e["value"] for e in actions["elements"]] == ["/tell_more", '/choose{"a": "b"}']
    assert len(actions["elements"][1]["text"]["text"]) <= 75
    assert len({e["action_id"] for e in actions["elements"]}) == 2


def test_button_with_an_oversized_payload_is_left_out() -> None:
    message = BotMessage(text="A", buttons=(Button("Too big", "/x" + "y" * 3000),))
    assert [b["type"] for b in message_blocks(message)] == ["section"]


def test_chosen_blocks_replace_the_buttons_with_a_line() -> None:
    blocks = message_blocks(BotMessage(text="A", buttons=(Button("Yes", "/affirm"),)))
    after = chosen_blocks(blocks, "Yes")
    assert [b["type"] for b in after] == ["section", "context"]
    assert after[1]["elements"][0]["text"] == "You chose: *Yes*"
    assert "<@U1> chose" in chosen_blocks(blocks, "Yes", "U1")[1]["elements"][0]["text"]


# --- the /iep table -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("", commands.Help()),
        ("help", commands.Help()),
        ("HELP", commands.Help()),
        ("meetings", commands.Send("/ask_meetings")),
        ("goals", commands.Send("/ask_goals")),
        ("remind", commands.Send("/list_reminders")),
        (
            "remind me 2 days before Maya's meeting",
            commands.Send("remind me 2 days before Maya's meeting"),
        ),
        ("ask   what is an   IEP?", commands.Send("what is an IEP?")),
        ("ask", commands.Problem(commands.ASK_WHAT)),
        ("what is FAPE?", commands.Send("what is FAPE?")),
        (None, commands.Help()),
    ],
)
def test_subcommands_map_to_rasa_messages(text: Any, parsed: commands.Parsed) -> None:
    assert commands.parse(text) == parsed


def test_help_lists_every_subcommand_of_the_table() -> None:
    text = help_text()
    for sub in commands.SUBCOMMANDS.values():
        assert f"`{escape(sub.usage)}`" in text
    assert "<question>" not in text  # Slack would read it as markup


# --- incoming events ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "answered"),
    [
        ({"user": "U1", "text": "hi"}, True),
        ({"user": "U1", "text": "hi", "subtype": "thread_broadcast"}, True),
        ({"user": "U1", "text": "", "subtype": "file_share", "files": [{}]}, True),
        ({"user": "U1", "text": "hi", "subtype": "message_changed"}, False),
        ({"user": "U1", "text": "hi", "subtype": "channel_join"}, False),
        ({"user": "U1", "text": "hi", "bot_id": "B1"}, False),
        ({"text": "hi", "subtype": "bot_message", "bot_id": "B1"}, False),
        ({"user": "UBOT", "text": "hi"}, False),
        ({"text": "hi"}, False),
    ],
)
def test_only_people_are_answered(event: dict, answered: bool) -> None:
    assert incoming.is_from_person(event, "UBOT") is answered


def test_text_loses_our_mention_and_slack_markup() -> None:
    event = {"text": "<@UBOT> is <https://x.org|this> ok &amp; <@U2> &lt;3"}
    assert incoming.text_of(event, "UBOT") == "is this ok & <@U2> <3"
    assert incoming.text_of({"text": "", "files": [{}]}) is None


# --- where answers go (privacy) -------------------------------------------------------------

PRIVATE = BotMessage(text="Maya's meeting is Monday", custom={"private": True})
GENERAL = BotMessage(text="An IEP is a plan")
CHANNEL = Place("U1", Conversation.CHANNEL, channel="C1", thread_ts="1.1")
DM = Place("U1", Conversation.DM, channel="D1")
COMMAND = Place("U1", Conversation.COMMAND, channel="C1", response_url="https://r")


def vias(deliveries: list) -> list[str]:
    return [d.via.value if isinstance(d, Post) else "upload" for d in deliveries]


def test_private_details_in_a_channel_go_ephemeral_with_one_pointer() -> None:
    out = plan(CHANNEL, [PRIVATE, GENERAL, PRIVATE])
    assert vias(out) == ["ephemeral", "message", "ephemeral", "message"]
    assert out[-1].text == POINTER_TEXT


def test_general_answers_in_a_channel_need_no_pointer() -> None:
    assert vias(plan(CHANNEL, [GENERAL])) == ["message"]


def test_everything_in_a_dm_is_posted_there() -> None:
    assert vias(plan(DM, [PRIVATE, GENERAL])) == ["message", "message"]


def test_commands_answer_through_the_response_url_only() -> None:
    assert vias(plan(COMMAND, [PRIVATE, GENERAL])) == ["response", "response"]


def test_inline_chart_is_an_upload_and_a_link_is_a_block() -> None:
    chart = BotMessage(
        text="Chart", image="data:image/png;base64,iVBORw0KGgo=", custom={"private": True}
    )
    out = plan(CHANNEL, [chart])
    assert vias(out) == ["ephemeral", "upload", "message"]
    assert isinstance(out[1], Upload) and out[1].image.content.startswith(b"\x89PNG")
    linked = plan(DM, [BotMessage(text="x", image="https://e.org/a.png")])
    assert [b["type"] for b in linked[0].blocks] == ["section", "image"]
    assert vias(plan(DM, [chart])) == ["message", "upload"]


def test_parse_image() -> None:
    assert parse_image("https://e.org/a.png") == LinkedImage("https://e.org/a.png")
    assert isinstance(parse_image("data:image/png;base64,iVBORw0KGgo="), InlineImage)
    assert parse_image("data:text/html;base64,PGI+") is None
    assert parse_image("javascript:alert(1)") is None
    assert parse_image("data:image/png;base64,!!!") is None
    assert parse_image(None) is None


# --- places ---------------------------------------------------------------------------------


def test_click_on_a_channel_message_answers_in_its_thread() -> None:
    body = {
        "user": {"id": "U2"},
        "container": {"type": "message", "channel_id": "C1", "message_ts": "5.5"},
        "message": {"ts": "5.5", "thread_ts": "1.1"},
        "response_url": "https://r",
    }
    assert places.of_click(body) == Place("U2", Conversation.CHANNEL, channel="C1", thread_ts="1.1")
    body["message"] = {"ts": "5.5"}
    assert places.of_click(body).thread_ts == "5.5"
    body["container"]["is_ephemeral"] = True
    assert places.of_click(body).response_url == "https://r"


# --- deliveries -----------------------------------------------------------------------------


def test_delivery_ids() -> None:
    assert delivery_id({"event_id": "Ev1", "trigger_id": "t"}) == "event:Ev1"
    assert delivery_id({"trigger_id": "123.456"}) == "trigger:123.456"
    assert delivery_id({"type": "url_verification"}) is None
    assert retry_number({"x-slack-retry-num": ["2"]}) == 2
    assert retry_number({}) == 0
    assert retry_number({"x-slack-retry-num": ["junk"]}) == 0


@pytest.mark.parametrize(
    ("body", "content_type", "problem"),
    [
        (b'{"type": "event_callback"}', "application/json", None),
        (
            b"payload=%7B%22type%22%3A%22block_actions%22%7D",
            "application/x-www-form-urlencoded",
            None,
        ),
        (b"command=%2Fiep&text=help", "application/x-www-form-urlencoded", None),
        (b"\xff\xfe", "application/json", "request body must be UTF-8"),
        (b"[1]", "application/json", "request body must be a JSON object"),
        (b"{not json", "application/json", "request body is not valid JSON"),
        (
            b"payload=%5B1%5D",
            "application/x-www-form-urlencoded",
            "request body must be a JSON object",
        ),
    ],
)
def test_body_problems(body: bytes, content_type: str, problem: str | None) -> None:
    assert body_problem(body, content_type) == problem


# --- time zones -----------------------------------------------------------------------------


class FakeUsersClient:
    def __init__(self) -> None:
        self.calls = 0

    async def users_info(self, user: str) -> dict:
        self.calls += 1
        return {"ok": True, "user": {"id": user, "tz": "Europe/Berlin"}}


def test_time_zones_are_cached_until_the_ttl_runs_out() -> None:
    now = [0.0]
    zones = TimeZones(ttl=60, clock=lambda: now[0])
    client = FakeUsersClient()

    async def look(times: int) -> list[str | None]:
        return [await zones.of(client, "U1") for _ in range(times)]  # type: ignore[arg-type]

    assert asyncio.run(look(3)) == ["Europe/Berlin"] * 3
    assert client.calls == 1
    now[0] = 61
    asyncio.run(look(1))
    assert client.calls == 2
