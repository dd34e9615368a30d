"""The personal questions against the demo district, without Rasa (SQLite and PostgreSQL).

Each test asks as one of the demo personas; what a person may see is decided by
the data layer, and these check the answers built on it.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from iep_assistant.config import load_settings
from iep_assistant.personal.lookups import Answer, Pending, Question, answer_for
from iep_assistant.protocol import PRIVATE
from iep_assistant.records import demo
from iep_assistant.records.models import AuditEntry, ProgressEntry, Student
from iep_assistant.records.types import AuditAction, Channel

TODAY = date(2026, 11, 30)  # a Monday
NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # 9 am in Chicago
TZ = ZoneInfo("America/Chicago")


@pytest.fixture
def district(database):
    demo.load(database, load_settings(env={}, dotenv=False), today=TODAY)
    return database


def ask(database, who: str, intent: str, text: str = "", **kwargs) -> Answer:
    question = Question(intent=intent, text=text, now=NOW, tz=TZ, **kwargs)
    with database.session() as session:
        return answer_for(session, who, Channel.SLACK, question)


def student_id(database, first: str) -> int:
    with database.session() as session:
        return session.scalar(select(Student.id).where(Student.first_name == first))


def titles(found: Answer) -> list[str]:
    return [b.title for b in found.reply.buttons]


PARENT, OTHER_PARENT = "U0DEMOPARENT1", "U0DEMOPARENT2"
TEACHER, MANAGER, NOBODY = "U0DEMOTEACHER", "U0DEMOCASEMGR", "U0DEMONOBODY"


def test_a_named_childs_next_meeting_in_plain_words(district):
    found = ask(
        district, PARENT, "ask_meetings", "when is Maya's next IEP meeting?", student_name="Maya"
    )
    text = found.reply.text
    assert text.startswith("Maya's meetings")
    assert "annual IEP review: Monday, December 7 at 2:30 pm, in 7 days" in text
    assert found.reply.custom == {PRIVATE: True}
    assert found.remember == student_id(district, "Maya")


def test_a_parent_of_two_is_asked_which_child(district):
    found = ask(district, PARENT, "ask_goals", "what are the goals?")
    assert "Which student" in found.reply.text
    assert sorted(titles(found)) == ["Leo Alvarez", "Maya Alvarez"]
    payloads = [b.payload for b in found.reply.buttons]
    assert all(p.startswith('/ask_goals{"student_id": "') for p in payloads)


def test_a_parent_of_one_need_not_name_the_child(district):
    found = ask(district, OTHER_PARENT, "ask_plan", "what's in the plan?")
    assert found.reply.text.startswith("**Noah Kim: 504 plan**")
    assert "Extended time" in found.reply.text


def test_another_familys_child_is_answered_like_a_child_who_does_not_exist(district):
    other = ask(district, PARENT, "ask_plan", "show me Noah's plan", student_name="Noah")
    missing = ask(district, PARENT, "ask_plan", "show me Quentin's plan", student_name="Quentin")
    assert other.reply.text.replace("Noah", "X") == missing.reply.text.replace("Quentin", "X")
    assert other.reply.buttons == missing.reply.buttons
    assert "Kim" not in other.reply.text and "504" not in other.reply.text


def test_a_crafted_student_id_is_refused_like_a_missing_one(district):
    noah = student_id(district, "Noah")
    other = ask(district, PARENT, "ask_progress", "", student_id=noah)
    missing = ask(district, PARENT, "ask_progress", "", student_id=10_000_000)
    assert other.reply == missing.reply
    assert "can't find that student" in other.reply.text


def test_a_follow_up_is_about_the_student_just_discussed(district):
    leo = student_id(district, "Leo")
    found = ask(district, PARENT, "ask_goals", "and his goals?", remembered_student=leo)
    assert found.reply.text.startswith("Leo's annual goals")


def test_how_are_my_kids_doing_covers_each_child(district):
    found = ask(district, PARENT, "ask_progress", "how are my kids doing?")
    assert "How Leo is doing" in found.reply.text and "How Maya is doing" in found.reply.text


def test_progress_on_one_goal_has_the_trend_the_next_report_and_a_chart(district):
    found = ask(
        district, PARENT, "ask_progress", "how is Leo doing on his reading goal?",
        student_name="Leo", goal_area="reading",
    )  # fmt: skip
    text = found.reply.text
    assert text.startswith("**Leo's reading goal**")
    assert "behind where the plan expects" in text  # the demo's Leo is behind in reading
    assert "Next progress report due around" in text
    # The chart is drawn by the front end from the records; Rasa only carries which one.
    assert found.reply.image is None
    assert found.reply.custom["chart"] == {
        "student_id": student_id(district, "Leo"),
        "goal_id": found.reply.custom["chart"]["goal_id"],
    }
    assert "If a child isn't making progress" in titles(found)


def test_an_ambiguous_name_offers_buttons(district):
    found = ask(district, MANAGER, "ask_plan", "Alvarez plan", student_name="Alvarez")
    assert sorted(titles(found)) == ["Leo Alvarez", "Maya Alvarez"]


def test_a_nickname_finds_the_student(district):
    found = ask(district, MANAGER, "ask_case_manager", "who manages Ben's plan", student_name="Ben")
    assert found.reply.text.startswith("Benjamin's case manager is Daniel Okafor")


def test_meetings_this_week_only(district):
    week = ask(district, MANAGER, "ask_meetings", "any meetings this week?")
    month = ask(district, MANAGER, "ask_meetings", "upcoming meetings")
    assert week.reply.text.startswith("Meetings this week:")
    assert week.reply.text.count("•") < month.reply.text.count("•")
    assert "Monday, December 7" not in week.reply.text  # next week


def test_caseload_deadlines_overdue_first_with_the_initial_evaluation_clock(district):
    text = ask(district, MANAGER, "ask_deadlines", "what's due?").reply.text
    assert text.startswith("**Overdue")
    assert "Sofia Castillo: initial evaluation" in text
    assert text.index("Overdue") < text.index("Due in the next 60 days")


def test_a_teacher_records_a_measurement_after_confirming(district):
    prepared = ask(
        district, TEACHER, "record_progress", "Leo read 48 words per minute today",
        student_name="Leo",
    )  # fmt: skip
    assert "Record **48 words correct per minute** for Leo's reading goal" in prepared.reply.text
    assert titles(prepared) == ["Save it", "Cancel"]
    pending = Pending.loads(prepared.pending)
    assert pending is not None and pending.value == "48" and pending.on == TODAY.isoformat()
    with district.session() as s:
        before = s.scalar(select(func.count()).select_from(ProgressEntry))
    saved = ask(district, TEACHER, "confirm_progress", "yes", pending=prepared.pending)
    assert saved.reply.text.startswith("Saved: 48 words correct per minute for Leo's reading goal")
    with district.session() as s:
        assert s.scalar(select(func.count()).select_from(ProgressEntry)) == before + 1
        writes = s.scalar(
            select(func.count()).where(
                AuditEntry.action == AuditAction.WRITE, AuditEntry.what == "progress"
            )
        )
    assert writes == 1


def test_cancelling_saves_nothing(district):
    prepared = ask(district, TEACHER, "record_progress", "Leo 52 wcpm", student_name="Leo")
    with district.session() as s:
        before = s.scalar(select(func.count()).select_from(ProgressEntry))
    ask(district, TEACHER, "cancel_progress", "cancel", pending=prepared.pending)
    with district.session() as s:
        assert s.scalar(select(func.count()).select_from(ProgressEntry)) == before


def test_a_parent_cannot_record_progress(district):
    found = ask(district, PARENT, "record_progress", "Leo read 95 wcpm", student_name="Leo")
    assert "Only school staff" in found.reply.text and found.pending is None


def test_a_forged_pending_measurement_for_another_student_is_refused(district):
    noah = student_id(district, "Noah")
    forged = Pending(noah, 1, "99", TODAY.isoformat()).dumps()
    found = ask(district, TEACHER, "confirm_progress", "yes", pending=forged)
    assert "can't find that student" in found.reply.text


def test_which_goal_when_the_sentence_does_not_say(district):
    found = ask(district, MANAGER, "record_progress", "Leo got 7 today", student_name="Leo")
    assert "Which of Leo's goals" in found.reply.text
    assert found.progress_text == "Leo got 7 today"
    goal_button = found.reply.buttons[0].payload
    assert goal_button.startswith('/record_progress{"student_id": ')


def test_unknown_and_unlinked_people(district):
    assert (
        "don't have your account linked"
        in ask(district, "UNOBODY99", "ask_plan", "Maya's plan").reply.text
    )
    assert (
        "not linked to any students"
        in ask(district, NOBODY, "ask_plan", "my son's plan").reply.text
    )


def test_every_lookup_lands_in_the_audit_log_with_its_channel(district):
    ask(district, PARENT, "ask_goals", "Maya's goals", student_name="Maya")
    with district.session() as s:
        rows = s.execute(
            select(AuditEntry.what, AuditEntry.channel).where(
                AuditEntry.student_id == student_id(district, "Maya")
            )
        ).all()
    assert ("goals", Channel.SLACK) in rows


def test_dates_follow_the_askers_time_zone(district):
    question = dataclasses.replace(
        Question(intent="ask_meetings", text="Maya's meeting", student_name="Maya", now=NOW),
        tz=ZoneInfo("America/New_York"),
    )
    with district.session() as session:
        found = answer_for(session, PARENT, Channel.SLACK, question)
    assert "Monday, December 7 at 3:30 pm" in found.reply.text
    assert "(Times in EST.)" in found.reply.text


def test_the_chart_is_drawn_only_for_someone_who_may_see_the_goal(district):
    from iep_assistant.personal.chart import chart_for

    found = ask(
        district, PARENT, "ask_progress", "Leo's reading", student_name="Leo", goal_area="reading"
    )
    student, goal = (
        found.reply.custom["chart"]["student_id"],
        found.reply.custom["chart"]["goal_id"],
    )
    with district.session() as s:
        png = chart_for(s, PARENT, student, goal, TODAY)
        other = chart_for(s, OTHER_PARENT, student, goal, TODAY)
        stranger = chart_for(s, "UNOBODY99", student, goal, TODAY)
    assert png is not None and png.startswith(b"\x89PNG")
    assert other is None and stranger is None
