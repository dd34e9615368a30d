"""The district CSV import (docs/district-export.md), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from iep_assistant.records import models
from iep_assistant.records.db import Database
from iep_assistant.records.importer import (
    Export,
    ImportRejected,
    Problem,
    fields,
    import_export,
    import_path,
)
from iep_assistant.records.types import AccommodationKind, AuditAction, Channel, MeetingStatus

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "district-export"
ZONE = "America/Chicago"

# File name -> table, for the files that are one table each.
TABLE_OF = {
    "schools": models.School,
    "people": models.Person,
    "students": models.Student,
    "guardians": models.GuardianLink,
    "staff_assignments": models.StaffAssignment,
    "plans": models.Plan,
    "goals": models.Goal,
    "progress": models.ProgressEntry,
    "services": models.Service,
    "accommodations": models.Accommodation,
    "evaluations": models.Evaluation,
    "meetings": models.Meeting,
}


# --- helpers ------------------------------------------------------------------------------


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        return list(reader.fieldnames or []), list(reader)


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, header)
        writer.writeheader()
        writer.writerows(rows)


def edit(folder: Path, name: str, change: Callable[[list[dict[str, str]]], None]) -> None:
    """Change the rows of one file of an export in place."""
    header, rows = read_csv(folder / f"{name}.csv")
    change(rows)
    write_csv(folder / f"{name}.csv", header, rows)


def row(rows: list[dict[str, str]], **match: str) -> dict[str, str]:
    (found,) = [r for r in rows if all(r[k] == v for k, v in match.items())]
    return found


def example_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    shutil.copytree(EXAMPLE, folder)
    return folder


def example_counts() -> dict[str, int]:
    return {name: len(read_csv(EXAMPLE / f"{name}.csv")[1]) for name in TABLE_OF}


def example_invitees() -> int:
    _, meetings = read_csv(EXAMPLE / "meetings.csv")
    return sum(len(m["invitee_ids"].split(";")) for m in meetings if m["invitee_ids"])


def import_folder(database: Database, folder: Path = EXAMPLE, **options: Any):
    return import_path(database, folder, district_time_zone=ZONE, **options)


# Every table an import writes.
TABLES = [
    *(model.__table__ for model in TABLE_OF.values()),
    models.MeetingInvitee.__table__,
    models.AuditEntry.__table__,
]


def counts(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) for table in TABLES
        }


def dump(database: Database) -> dict[str, list[tuple]]:
    """Every row of every table an import writes, to compare a database before and after."""
    with database.session() as session:
        return {
            table.name: [tuple(r) for r in session.execute(select(table).order_by(table.c.id))]
            for table in TABLES
        }


def audit_rows(database: Database) -> list[models.AuditEntry]:
    with database.session() as session:
        return list(session.scalars(select(models.AuditEntry).order_by(models.AuditEntry.id)))


def external_ids_of_audited(database: Database, entries: list[models.AuditEntry]) -> list[str]:
    with database.session() as session:
        return sorted(session.get(models.Student, e.student_id).external_id for e in entries)


def one(database: Database, model: type, external_id: str) -> Any:
    with database.session() as session:
        return session.scalars(select(model).where(model.external_id == external_id)).one()


# --- the example --------------------------------------------------------------------------


def test_the_example_imports_with_the_right_counts(database: Database) -> None:
    report = import_folder(database)

    expected = example_counts()
    assert {name: report.added[name] for name in expected} == expected
    assert report.added["meeting_invitees"] == example_invitees()
    assert sum(report.changed.values()) == 0
    assert report.students_touched == expected["students"]
    stored = counts(database)
    for name, model in TABLE_OF.items():
        assert stored[model.__tablename__] == expected[name], name
    assert stored["meeting_invitees"] == example_invitees()
    assert "students: 5 added, 0 changed, 0 unchanged" in report.summary()
    # One audit entry per student whose records the import wrote.
    _, students = read_csv(EXAMPLE / "students.csv")
    assert external_ids_of_audited(database, audit_rows(database)) == sorted(
        s["id"] for s in students
    )

    # Values as the format defines them.
    meeting = one(database, models.Meeting, "MT-1001-27")
    assert meeting.starts_at == datetime(2027, 1, 26, 21, 30, tzinfo=UTC)  # 15:30 CST
    assert meeting.time_zone == ZONE  # from the school: the file leaves it empty
    later = one(database, models.Meeting, "MT-1003-27")
    assert (later.duration_minutes, later.status) == (60, MeetingStatus.SCHEDULED)  # defaults
    assert later.starts_at == datetime(2027, 5, 18, 19, 0, tzinfo=UTC)  # 14:00 CDT
    plan = one(database, models.Plan, "PLN-1002-26")
    assert plan.last_review_date == plan.start_date == date(2026, 4, 20)
    assert one(database, models.Accommodation, "AC-1003-1").kind is AccommodationKind.ACCOMMODATION
    assert one(database, models.ProgressEntry, "PR-0005").value == Decimal("72.5")
    assert one(database, models.Person, "STF-103").name == "Tomás Herrera"
    assert one(database, models.Goal, "G-1002-2").baseline == Decimal("1.5")


def test_importing_again_changes_nothing(database: Database) -> None:
    import_folder(database)
    before = dump(database)

    report = import_folder(database)

    assert report.changes == 0
    assert report.students_touched == 0
    assert {name: report.unchanged[name] for name in TABLE_OF} == example_counts()
    assert report.unchanged["meeting_invitees"] == example_invitees()
    assert dump(database) == before  # not even the audit log grew


def test_a_changed_value_is_one_change_and_one_audit_entry(
    database: Database, tmp_path: Path
) -> None:
    import_folder(database)
    first_audit = len(audit_rows(database))
    folder = example_copy(tmp_path)
    edit(folder, "goals", lambda rows: row(rows, id="G-1002-1").update(target="95"))

    report = import_folder(database, folder, actor="import:test")

    assert report.changes == 1
    assert report.changed["goals"] == 1
    assert report.unchanged["goals"] == example_counts()["goals"] - 1
    assert report.students_touched == 1
    assert one(database, models.Goal, "G-1002-1").target == Decimal("95")
    new = audit_rows(database)[first_audit:]
    assert external_ids_of_audited(database, new) == ["S-1002"]
    (entry,) = new
    assert (entry.actor_ref, entry.actor_id, entry.action, entry.what, entry.channel) == (
        "import:test",
        None,
        AuditAction.WRITE,
        "import",
        Channel.IMPORT,
    )
    assert entry.at.tzinfo is not None


def test_the_same_values_written_differently_are_no_change(
    database: Database, tmp_path: Path
) -> None:
    import_folder(database)
    folder = example_copy(tmp_path)
    edit(folder, "progress", lambda rows: row(rows, id="PR-0005").update(value="72.500"))
    edit(folder, "goals", lambda rows: row(rows, id="G-1002-1").update(baseline=" 048 "))

    assert import_folder(database, folder).changes == 0


# --- rejected exports ---------------------------------------------------------------------


def break_example(folder: Path) -> set[tuple[str, int | None, str | None]]:
    """Break the copy in several files; return (file, line, field) of each problem."""
    edit(folder, "students", lambda rows: row(rows, id="S-1003").update(birth_date="2019-13-22"))
    edit(folder, "plans", lambda rows: row(rows, id="PLN-1002-26").update(kind="IEPP"))
    edit(folder, "evaluations", lambda rows: row(rows, id="EV-1005-1").update(student_id="S-9999"))
    edit(folder, "services", lambda rows: row(rows, id="SV-1002-2").update(id="SV-1002-1"))
    header, rows = read_csv(folder / "accommodations.csv")
    header.remove("description")
    write_csv(folder / "accommodations.csv", header, [{k: r[k] for k in header} for r in rows])
    shutil.copy(folder / "students.csv", folder / "student.csv")
    # A valid change too: it must not be written either.
    edit(folder, "goals", lambda rows: row(rows, id="G-1002-1").update(target="95"))
    return {
        ("students.csv", 4, "birth_date"),
        ("plans.csv", 3, "kind"),
        ("evaluations.csv", 5, "student_id"),
        ("services.csv", 4, "id"),
        ("accommodations.csv", 1, "description"),
        ("student.csv", None, None),
    }


@pytest.mark.parametrize("already_imported", [False, True], ids=["empty", "imported"])
def test_a_broken_export_lists_every_problem_and_writes_nothing(
    database: Database, tmp_path: Path, already_imported: bool
) -> None:
    if already_imported:
        import_folder(database)
    before = dump(database)
    folder = example_copy(tmp_path)
    expected = break_example(folder)

    with pytest.raises(ImportRejected) as caught:
        import_folder(database, folder)

    problems = caught.value.problems
    assert {(p.file, p.line, p.field) for p in problems} == expected
    by_place = {(p.file, p.line, p.field): p for p in problems}
    assert (
        str(by_place["students.csv", 4, "birth_date"])
        == "students.csv line 4, field birth_date: '2019-13-22' is not a date (YYYY-MM-DD)"
    )
    assert "'IEPP' is not one of IEP, 504" in by_place["plans.csv", 3, "kind"].message
    assert "S-9999" in by_place["evaluations.csv", 5, "student_id"].message
    assert "line 3" in by_place["services.csv", 4, "id"].message  # where the first one is
    assert "did you mean 'students.csv'" in by_place["student.csv", None, None].message
    assert dump(database) == before


def test_from_folder_reports_syntax_problems_alone(tmp_path: Path) -> None:
    folder = example_copy(tmp_path)
    break_example(folder)

    with pytest.raises(ImportRejected) as caught:
        Export.from_folder(folder)

    # Duplicates and references need the other records (and the database): not yet.
    assert {(p.file, p.line, p.field) for p in caught.value.problems} == {
        ("students.csv", 4, "birth_date"),
        ("plans.csv", 3, "kind"),
        ("accommodations.csv", 1, "description"),
        ("student.csv", None, None),
    }
    assert Export.from_folder(EXAMPLE).row_counts()["students"] == 5


def test_csv_as_spreadsheets_write_it(tmp_path: Path) -> None:
    """A byte-order mark, CRLF, a quoted value over two lines, a blank row at the end."""
    folder = tmp_path / "export"
    folder.mkdir()
    lines = [
        "id,first_name,last_name,nickname,birth_date,grade,school_id",
        'S-1,Kit,Fox,"Kit, ""the fox""\r\nof grade 2",2018-01-02,2,SCH-1',
        "S-2,Lee,Hart,,2018-02-31,2,SCH-1",  # starts on physical line 4
        "S-3,Ann,Bell,,2018-03-04,2",  # a field short
        ",,,,,,",
    ]
    (folder / "students.csv").write_bytes("\ufeff".encode() + "\r\n".join(lines).encode())

    with pytest.raises(ImportRejected) as caught:
        Export.from_folder(folder)

    assert [(p.line, p.field) for p in caught.value.problems] == [(4, "birth_date"), (5, None)]
    assert "the row has 6 fields but the header has 7" in caught.value.problems[1].message


def test_a_meeting_in_the_spring_gap_is_rejected(database: Database, tmp_path: Path) -> None:
    folder = example_copy(tmp_path)
    # 2027-03-14 02:30 never happens in Chicago: the clocks go from 02:00 to 03:00.
    edit(
        folder,
        "meetings",
        lambda rows: row(rows, id="MT-1003-27").update(starts_at="2027-03-14 02:30"),
    )

    with pytest.raises(ImportRejected) as caught:
        import_folder(database, folder)

    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.field) == ("meetings.csv", 4, "starts_at")
    assert "does not exist in America/Chicago" in problem.message
    assert counts(database)["meetings"] == 0


# --- what an import changes ---------------------------------------------------------------


def test_links_the_export_no_longer_lists_are_removed(database: Database, tmp_path: Path) -> None:
    import_folder(database)
    first_audit = len(audit_rows(database))
    folder = example_copy(tmp_path)
    edit(folder, "guardians", lambda rows: rows.remove(row(rows, person_id="PAR-201")))
    edit(
        folder,
        "meetings",
        lambda rows: row(rows, id="MT-1001-27").update(
            invitee_ids="PAR-200;PAR-201;STF-100;STF-101"
        ),
    )

    report = import_folder(database, folder)

    assert report.removed == {"guardians": 1, "meeting_invitees": 1}
    assert report.changes == 2
    with database.session() as session:
        sam = session.scalars(select(models.Person).where(models.Person.external_id == "PAR-201"))
        sam_id = sam.one().id  # the person stays; only the link goes
        assert not session.scalars(
            select(models.GuardianLink).where(models.GuardianLink.person_id == sam_id)
        ).all()
        meeting = session.scalars(
            select(models.Meeting).where(models.Meeting.external_id == "MT-1001-27")
        ).one()
        assert len(meeting.invitees) == 4
    assert external_ids_of_audited(database, audit_rows(database)[first_audit:]) == ["S-1001"]


def test_links_of_students_not_in_students_csv_are_kept(database: Database) -> None:
    import_folder(database)
    only_links = Export.from_rows(
        {"guardians": [{"person_id": "PAR-200", "student_id": "S-1001", "relationship": "mother"}]}
    )

    report = import_export(database, only_links, district_time_zone=ZONE)

    assert report.changes == 0
    assert counts(database)["guardian_links"] == example_counts()["guardians"]


def test_check_only_writes_nothing(database: Database, tmp_path: Path) -> None:
    report = import_folder(database, check_only=True)

    assert report.check_only
    assert report.added["students"] == 5
    assert report.students_touched == 5
    assert set(counts(database).values()) == {0}

    import_folder(database)
    before = dump(database)
    folder = example_copy(tmp_path)
    edit(folder, "students", lambda rows: row(rows, id="S-1001").update(nickname="Millie"))
    report = import_folder(database, folder, check_only=True)
    assert (report.changed["students"], report.changes) == (1, 1)
    assert dump(database) == before


def test_a_column_the_file_leaves_out_keeps_its_values(database: Database) -> None:
    import_folder(database)
    narrow = Export.from_rows(
        {"people": [{"id": "STF-100", "name": "Dana Whitfield-Reyes", "role": "case_manager"}]}
    )

    report = import_export(database, narrow, district_time_zone=ZONE)

    assert report.changed["people"] == 1
    person = one(database, models.Person, "STF-100")
    assert person.name == "Dana Whitfield-Reyes"
    assert person.email == "dana.whitfield@maplewood.example.org"
    assert person.slack_user_id == "U01MPLDW100"


def test_slack_ids_may_swap_but_not_be_shared(database: Database) -> None:
    import_folder(database)
    swap = Export.from_rows(
        {
            "people": [
                {"id": "STF-100", "name": "Dana Whitfield", "role": "case_manager",
                 "slack_user_id": "U01MPLMO101"},
                {"id": "STF-101", "name": "Marcus Oyelaran", "role": "teacher",
                 "slack_user_id": "U01MPLDW100"},
            ]
        }
    )  # fmt: skip
    assert import_export(database, swap, district_time_zone=ZONE).changed["people"] == 2
    assert one(database, models.Person, "STF-100").slack_user_id == "U01MPLMO101"

    taken = Export.from_rows(
        {"people": [{"id": "P-NEW", "name": "New Parent", "role": "parent",
                     "slack_user_id": "U01MPLGL105"}]}
    )  # fmt: skip
    with pytest.raises(ImportRejected) as caught:
        import_export(database, taken, district_time_zone=ZONE)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.field) == ("people.csv", 2, "slack_user_id")
    assert "STF-105" in problem.message


def test_problems_across_records(database: Database) -> None:
    export = Export.from_rows(
        {
            "schools": [{"id": "SCH-1", "name": "Elm School", "time_zone": "America/Chicago"}],
            "people": [
                {"id": "P-1", "name": "A Parent", "role": "parent", "slack_user_id": "U0AAA1"},
                {"id": "P-2", "name": "B Parent", "role": "parent", "slack_user_id": "U0AAA1"},
                {"id": "T-1", "name": "A Teacher", "role": "teacher"},
            ],
            "students": [
                {"id": "S-1", "first_name": "Kit", "last_name": "Fox", "school_id": "SCH-1"}
            ],
            "staff_assignments": [{"person_id": "P-1", "student_id": "S-1"}],
            "plans": [
                {"id": "PL-1", "student_id": "S-1", "kind": "IEP", "status": "active",
                 "start_date": "2026-09-01", "end_date": "2026-08-31", "case_manager_id": "T-1"}
            ],
            "meetings": [
                {"id": "M-1", "student_id": "S-1", "kind": "other",
                 "starts_at": "2026-10-01 10:00", "invitee_ids": "P-1;T-9"}
            ],
        }
    )  # fmt: skip

    with pytest.raises(ImportRejected) as caught:
        import_export(database, export, district_time_zone=ZONE)

    assert {(p.file, p.line, p.field) for p in caught.value.problems} == {
        ("people.csv", 3, "slack_user_id"),  # the same Slack id as line 2
        ("staff_assignments.csv", 2, "person_id"),  # a parent as staff
        ("plans.csv", 2, "end_date"),  # ends before it starts
        ("meetings.csv", 2, "invitee_ids"),  # no person T-9
    }
    assert set(counts(database).values()) == {0}


def test_meeting_times_take_the_meetings_zone_then_the_schools_then_the_districts(
    database: Database,
) -> None:
    def meeting(id: str, student: str, starts_at: str, zone: str = "") -> dict[str, str]:
        return {"id": id, "student_id": student, "kind": "other", "starts_at": starts_at,
                "time_zone": zone}  # fmt: skip

    export = Export.from_rows(
        {
            "schools": [
                {"id": "EAST", "name": "East", "time_zone": "America/New_York"},
                {"id": "NOZONE", "name": "No Zone", "time_zone": ""},
            ],
            "students": [
                {"id": "S-E", "first_name": "E", "last_name": "E", "school_id": "EAST"},
                {"id": "S-N", "first_name": "N", "last_name": "N", "school_id": "NOZONE"},
            ],
            "meetings": [
                meeting("OWN", "S-E", "2026-10-01 10:00", "America/Los_Angeles"),
                meeting("SCHOOL", "S-E", "2026-10-01 10:00"),
                meeting("DISTRICT", "S-N", "2026-10-01 10:00"),
                # 01:30 happens twice on 2026-11-01 in Chicago: the first (CDT) is meant.
                meeting("TWICE", "S-N", "2026-11-01 01:30"),
            ],
        }
    )

    import_export(database, export, district_time_zone=ZONE)

    expected = {
        "OWN": (datetime(2026, 10, 1, 17, 0, tzinfo=UTC), "America/Los_Angeles"),
        "SCHOOL": (datetime(2026, 10, 1, 14, 0, tzinfo=UTC), "America/New_York"),
        "DISTRICT": (datetime(2026, 10, 1, 15, 0, tzinfo=UTC), ZONE),
        "TWICE": (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), ZONE),
    }
    for id, (starts_at, zone) in expected.items():
        stored = one(database, models.Meeting, id)
        assert (stored.starts_at, stored.time_zone) == (starts_at, zone), id
    # And the same again is no change, on either database.
    assert import_export(database, export, district_time_zone=ZONE).changes == 0


# --- field parsers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Fails:
    message: str  # part of the FieldError's message


@pytest.mark.parametrize(
    ("parse", "text", "expected"),
    [
        (fields.iso_date, "2026-02-28", date(2026, 2, 28)),
        (fields.iso_date, "2026-02-30", Fails("is not a date (YYYY-MM-DD)")),
        (fields.iso_date, "20260228", Fails("is not a date (YYYY-MM-DD)")),
        (fields.iso_date, "2/28/2026", Fails("is not a date (YYYY-MM-DD)")),
        (fields.local_time, "2026-10-01 14:05", datetime(2026, 10, 1, 14, 5)),
        (fields.local_time, "2026-10-01 2:05 PM", Fails("is not a time")),
        (fields.local_time, "2026-10-01 24:00", Fails("is not a time")),
        (fields.score, "72.5", Decimal("72.5")),
        (fields.score, "-3", Decimal("-3")),
        (fields.score, "72,5", Fails("use a point for decimals")),
        (fields.score, "1.2345", Fails("more than 3 decimal places")),
        (fields.score, "1000000000", Fails("too large")),
        (fields.score, "NaN", Fails("is not a number")),
        (fields.whole_number(1), "45", 45),
        (fields.whole_number(1), "0", Fails("less than 1")),
        (fields.whole_number(0), "4.5", Fails("is not a whole number")),
        (fields.choice(AccommodationKind), "modification", AccommodationKind.MODIFICATION),
        (fields.choice(AccommodationKind), "Modification", Fails("did you mean 'modification'")),
        (fields.time_zone, "America/Chicago", "America/Chicago"),
        (fields.time_zone, "america/chicago", Fails("did you mean 'America/Chicago'")),
        (fields.time_zone, "CST6", Fails("is not an IANA time zone")),
        (fields.slack_user_id, "U012AB3CD", "U012AB3CD"),
        (fields.slack_user_id, "@jane", Fails("is not a Slack user id")),
        (fields.email, "a@example.org", "a@example.org"),
        (fields.email, "a.example.org", Fails("is not an email address")),
        (fields.district_id, "S-1", "S-1"),
        (fields.district_id, "S;1", Fails("contains ';'")),
        (fields.district_ids, "P-1; P-2;;P-1", ("P-1", "P-2")),
        (fields.text(5), "short", "short"),
        (fields.text(5), "longer", Fails("at most 5 fit")),
    ],
)
def test_field_parsers(parse: fields.Parser, text: str, expected: object) -> None:
    if isinstance(expected, Fails):
        with pytest.raises(fields.FieldError, match=re.escape(expected.message)):
            parse(text)
    else:
        assert parse(text) == expected


@pytest.mark.parametrize(
    ("wall_time", "expected"),
    [
        (datetime(2026, 7, 1, 9, 0), datetime(2026, 7, 1, 14, 0, tzinfo=UTC)),
        (datetime(2026, 11, 1, 1, 30), datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),  # first 01:30
        (datetime(2026, 3, 8, 2, 30), Fails("does not exist in America/Chicago")),
    ],
)
def test_place_in_zone(wall_time: datetime, expected: object) -> None:
    if isinstance(expected, Fails):
        with pytest.raises(fields.FieldError, match=re.escape(expected.message)):
            fields.place_in_zone(wall_time, ZONE)
    else:
        assert fields.place_in_zone(wall_time, ZONE) == expected


def test_problem_reads_as_file_line_field() -> None:
    assert str(Problem("a.csv", 3, "x", "bad")) == "a.csv line 3, field x: bad"
    assert str(Problem("a.csv", None, None, "bad")) == "a.csv: bad"
