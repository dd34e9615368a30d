"""The App Home tab, built from the demo district's records."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from iep_assistant.protocol import TROUBLE_TEXT
from iep_assistant.records.db import Database
from iep_assistant.records.models import AuditEntry
from iep_assistant.records.types import Channel

from .fake_slack import FakeSlack
from .harness import SlackSender, StubAssistant, buttons_of, click_payload

PARENT = "U0DEMOPARENT1"  # Rosa Alvarez: Maya and Leo
CASE_MANAGER = "U0DEMOCASEMGR"


def home_opened(user: str, tab: str = "home") -> dict:
    return {"type": "app_home_opened", "user": user, "channel": "D" + user[1:], "tab": tab}


def published_view(fake_slack: FakeSlack) -> dict:
    [call] = fake_slack.wait_for_calls("views.publish")
    view = call.args["view"]
    return json.loads(view) if isinstance(view, str) else view


def section_lines(view: dict) -> list[str]:
    texts = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    return "\n".join(texts).splitlines()


def view_text(view: dict) -> str:
    return json.dumps(view["blocks"])


def test_known_parent_sees_their_children_and_meetings(
    start_front_end, settings, demo_database: Database, fake_slack: FakeSlack
) -> None:
    fake_slack.time_zones[PARENT] = "America/New_York"
    sender = SlackSender(
        start_front_end(settings, assistant=StubAssistant(), database=demo_database).url
    )
    sender.event(home_opened(PARENT))
    [call] = fake_slack.wait_for_calls("views.publish")
    assert call.args["user_id"] == PARENT
    view = published_view(fake_slack)
    assert view["type"] == "home"
    text = view_text(view)
    assert "Hi Rosa" in text
    assert "Your children" in text
    assert "Maya Alvarez" in text and "Leo Alvarez" in text
    meetings = text[text.index("Upcoming meetings") :]
    assert "annual IEP review" in meetings
    # Dates in words, in the person's Slack time zone.
    assert re.search(
        r"(Monday|Tuesday|Wednesday|Thursday|Friday), \w+ \d+ at \d+(:\d\d)? [ap]m", meetings
    )
    assert "America/New_York" in text
    assert "Deadlines" not in text  # parents see no compliance deadlines
    # Reading the records was audited, through Slack.
    with demo_database.session() as session:
        channels = set(
            session.scalars(select(AuditEntry.channel).where(AuditEntry.actor_ref == PARENT))
        )
    assert channels == {Channel.SLACK}
    sender.close()


def test_other_childrens_names_are_not_shown_to_a_parent(
    start_front_end, settings, demo_database: Database, fake_slack: FakeSlack
) -> None:
    sender = SlackSender(
        start_front_end(settings, assistant=StubAssistant(), database=demo_database).url
    )
    sender.event(home_opened("U0DEMOPARENT2"))  # David Kim: Noah only
    text = view_text(published_view(fake_slack))
    assert "Noah Kim" in text
    assert "Maya" not in text and "Leo" not in text
    sender.close()


def test_case_manager_sees_deadlines_overdue_first(
    start_front_end, settings, demo_database: Database, fake_slack: FakeSlack
) -> None:
    sender = SlackSender(
        start_front_end(settings, assistant=StubAssistant(), database=demo_database).url
    )
    sender.event(home_opened(CASE_MANAGER))
    view = published_view(fake_slack)
    assert "Your students" in view_text(view)
    lines = section_lines(view)
    deadlines = lines[lines.index("*Deadlines in the next 30 days*") + 1 :]
    deadlines = [line for line in deadlines if line.startswith("• ")]
    assert deadlines and all("34 CFR" in line for line in deadlines)
    overdue = ["Overdue" in line for line in deadlines]
    assert any(overdue)  # the demo district has some
    assert overdue == sorted(overdue, reverse=True)  # overdue first
    sender.close()


def test_unknown_person_learns_how_to_get_linked(
    start_front_end, settings, demo_database: Database, fake_slack: FakeSlack
) -> None:
    sender = SlackSender(
        start_front_end(settings, assistant=StubAssistant(), database=demo_database).url
    )
    sender.event(home_opened("U0STRANGER"))
    text = view_text(published_view(fake_slack))
    assert "special education office" in text
    assert "add your Slack account" in text
    assert "ask me anything general" in text.lower()
    assert "Alvarez" not in text
    sender.close()


def test_messages_tab_does_not_publish_a_view(slack: SlackSender, fake_slack: FakeSlack) -> None:
    slack.event(home_opened(PARENT, tab="messages"))
    slack.event(home_opened("U0STRANGER"))  # then one that does, to know we're done
    fake_slack.wait_for_calls("views.publish")
    assert [c.args["user_id"] for c in fake_slack.calls_to("views.publish")] == ["U0STRANGER"]


def test_database_down_publishes_the_trouble_text(
    start_front_end, settings, tmp_path, fake_slack: FakeSlack, caplog
) -> None:
    broken = Database.from_url(f"sqlite:///{tmp_path / 'no-tables.db'}")
    sender = SlackSender(start_front_end(settings, assistant=StubAssistant(), database=broken).url)
    with caplog.at_level("ERROR", logger="bot.slack"):
        sender.event(home_opened(PARENT))
        text = view_text(published_view(fake_slack))
    assert TROUBLE_TEXT in text
    assert any("App Home" in r.getMessage() for r in caplog.records)
    sender.close()
    broken.dispose()


def test_home_button_is_answered_in_the_dm(
    start_front_end, settings, demo_database: Database, fake_slack: FakeSlack
) -> None:
    assistant = StubAssistant()
    sender = SlackSender(start_front_end(settings, assistant=assistant, database=demo_database).url)
    sender.event(home_opened(PARENT))
    view = published_view(fake_slack)
    button = next(b for b in buttons_of(view["blocks"]) if b["value"] == "/ask_meetings")
    payload = click_payload(user=PARENT, channel="", message={}, button=button, response_url="")
    payload["container"] = {"type": "view", "view_id": "V1"}
    payload.pop("message"), payload.pop("response_url"), payload.pop("channel")
    sender.click(payload)
    [post] = fake_slack.wait_for_calls("chat.postMessage")
    assert post.args["channel"] == "D0DEMOPARENT1"  # opened with conversations.open
    assert assistant.calls[0].text == "/ask_meetings"
    assert assistant.calls[0].metadata["conversation"] == "home"
    sender.close()
