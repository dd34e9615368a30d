"""Fuzzing what comes from outside: messages, Slack payloads and district exports.

Whatever arrives, each gets a clear answer or error, never a crash, and a broken
import changes nothing (hypothesis generates the inputs; failures shrink to a minimal
example).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import shutil
import time
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.slack import commands, incoming, places
from iep_assistant.message_input import MAX_CHARS, check_message
from iep_assistant.records.db import Database
from iep_assistant.records.importer import ImportRejected, import_path
from tests.slack.harness import SIGNING_SECRET, StubAssistant, sign, slack_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "district-export"
text = st.text(alphabet=st.characters(), max_size=300)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)


@given(st.one_of(text, st.binary(max_size=300), json_values))
def test_any_message_gets_either_clean_text_or_a_plain_problem(raw):
    checked = check_message(raw)
    if checked.ok:
        assert checked.text and len(checked.text) <= MAX_CHARS
        assert all(ch.isprintable() or ch in "\n\t" for ch in checked.text)
    else:
        assert checked.problem and not checked.text


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "\x00\x01\x02", "🙂🙂🙂", "a" * 40_000, "¿Cuándo es la reunión de mi hijo?", "/"],
)
def test_the_named_hard_cases(raw):
    checked = check_message(raw)
    assert checked.ok or checked.problem
    if raw == "a" * 40_000:
        assert "40,000 characters" in checked.problem


@given(st.dictionaries(text, json_values, max_size=8), st.one_of(st.none(), text))
def test_slack_event_parsing_never_crashes(event, bot_user):
    incoming.is_from_person(event, bot_user)
    incoming.text_of(event, bot_user)
    places.is_dm_channel(event.get("channel") if isinstance(event.get("channel"), str) else None)
    commands.parse(event.get("text"))


@pytest.fixture(scope="module")
def slack_app(tmp_path_factory):
    """The real front end with Slack on, driven in-process (no Slack, no Rasa)."""
    from bot.app import create_app
    from tests.slack.fake_slack import FakeSlack

    tmp = tmp_path_factory.mktemp("fuzz")
    database = Database.from_url(f"sqlite:///{tmp / 'records.db'}")
    database.upgrade()
    fake = FakeSlack().start()
    app = create_app(slack_settings(fake, str(database.engine.url)), StubAssistant(), database)
    yield app
    fake.stop()
    database.dispose()


def _post(app, body: bytes, content_type: str) -> int:
    async def go() -> int:
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": sign(SIGNING_SECRET, timestamp, body),
        }
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.post("/slack/events", content=body, headers=headers)
            return response.status_code

    return asyncio.run(go())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.one_of(json_values.map(lambda v: json.dumps(v).encode()), st.binary(max_size=500)))
def test_signed_garbage_to_the_slack_endpoint_is_refused_cleanly(slack_app, body):
    for content_type in ("application/json", "application/x-www-form-urlencoded"):
        assert _post(slack_app, body, content_type) < 500


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(
            st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20), max_size=9
        ),
        max_size=6,
    )
)
def test_any_students_file_is_imported_or_refused_and_a_refusal_changes_nothing(
    tmp_path_factory, rows
):
    folder = tmp_path_factory.mktemp("export")
    for name in ("schools.csv", "people.csv"):
        shutil.copy(EXAMPLE / name, folder / name)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["id", "first_name", "last_name", "nickname", "birth_date", "grade", "school_id"]
    )
    writer.writerows(rows)
    (folder / "students.csv").write_text(out.getvalue(), encoding="utf-8")
    database = Database.from_url(f"sqlite:///{folder / 'records.db'}")
    database.upgrade()
    try:
        try:
            import_path(database, folder, district_time_zone="America/Chicago")
        except ImportRejected as rejected:
            assert rejected.problems and all(str(p) for p in rejected.problems)
            with database.engine.connect() as conn:
                from sqlalchemy import text as sql

                assert conn.execute(sql("select count(*) from schools")).scalar() == 0
    finally:
        database.dispose()
