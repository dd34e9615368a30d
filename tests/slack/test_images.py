"""Images on Rasa's messages: links become image blocks; inline charts (data URLs)
are uploaded into the person's DM and never into a shared channel."""

from __future__ import annotations

import base64
import io
import json
import time

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot

from iep_assistant.protocol import BotMessage

from .fake_slack import FakeSlack
from .harness import SlackSender, StubAssistant, dm, mention

PARENT = "U0DEMOPARENT1"


def chart_png() -> bytes:
    figure, axes = pyplot.subplots(figsize=(2, 1))
    axes.plot([1, 2, 3], [40, 55, 61])
    out = io.BytesIO()
    figure.savefig(out, format="png")
    pyplot.close(figure)
    return out.getvalue()


def chart_reply(png: bytes, private: bool = True) -> list[BotMessage]:
    data_url = "data:image/png;base64," + base64.b64encode(png).decode()
    return [
        BotMessage(
            text="Maya's reading goal: 61 of 90 words per minute.",
            image=data_url,
            custom={"private": private},
        )
    ]


def test_chart_in_a_dm_is_uploaded_to_the_dm(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    png = chart_png()
    assistant.replies = lambda s, t: chart_reply(png)
    slack.event(dm(PARENT, "how is Maya doing in reading?"))
    [complete] = fake_slack.wait_for_calls("files.completeUploadExternal")
    assert complete.args["channel_id"] == "D0DEMOPARENT1"
    [upload] = fake_slack.calls_to("upload")
    assert upload.raw == png  # the chart itself, byte for byte
    [url_call] = fake_slack.calls_to("files.getUploadURLExternal")
    assert int(url_call.args["length"]) == len(png)
    [post] = fake_slack.calls_to("chat.postMessage")
    assert "61 of 90" in post.all_text()
    assert "data:image" not in post.all_text()  # no data URL in the message itself
    assert not fake_slack.calls_to("conversations.open")  # already in the DM


def test_chart_asked_for_in_a_channel_goes_to_the_dm_only(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    png = chart_png()
    assistant.replies = lambda s, t: chart_reply(png)
    slack.event(mention(PARENT, "how is Maya doing in reading?"))
    [complete] = fake_slack.wait_for_calls("files.completeUploadExternal")
    assert fake_slack.calls_to("conversations.open")[0].args["users"] == PARENT
    assert complete.args["channel_id"] == "D0DEMOPARENT1"
    assert "C0GENERAL" not in json.dumps(complete.args)
    [public] = fake_slack.wait_for_calls("chat.postMessage")
    assert public.args["channel"] == "C0GENERAL"
    assert public.args["text"] == "I've sent you the details privately."
    [private] = fake_slack.calls_to("chat.postEphemeral")
    assert "61 of 90" in private.all_text()


def test_linked_image_becomes_an_image_block(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    assistant.replies = lambda s, t: [
        BotMessage(text="The IEP process", image="https://example.org/iep-process.png")
    ]
    slack.event(dm(PARENT, "show me the IEP process"))
    [post] = fake_slack.wait_for_calls("chat.postMessage")
    [image] = [b for b in post.blocks() if b["type"] == "image"]
    assert image["image_url"] == "https://example.org/iep-process.png"
    assert image["alt_text"]
    time.sleep(0.3)
    assert not fake_slack.calls_to("files.getUploadURLExternal")


def test_broken_data_url_is_dropped_but_the_text_arrives(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    assistant.replies = lambda s, t: [
        BotMessage(text="Here is the chart.", image="data:image/png;base64,@@not base64@@")
    ]
    slack.event(dm(PARENT, "chart please"))
    [post] = fake_slack.wait_for_calls("chat.postMessage")
    assert "Here is the chart." in post.args["text"]
    time.sleep(0.3)
    assert not fake_slack.calls_to("files.getUploadURLExternal")


def test_failed_upload_does_not_lose_the_text(
    slack: SlackSender, fake_slack: FakeSlack, assistant: StubAssistant
) -> None:
    png = chart_png()
    assistant.replies = lambda s, t: chart_reply(png)
    fake_slack.fail_next("files.completeUploadExternal", "invalid_channel")
    slack.event(dm(PARENT, "how is Maya doing in reading?"))
    [post] = fake_slack.wait_for_calls("chat.postMessage")
    assert "61 of 90" in post.all_text()
