"""Checks across records: ids, references, people, dates and meeting times.

A reference may name a record in the same export or one already in the database;
a value the export does not give (its column is absent) is taken from the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from iep_assistant.records.importer.fields import FieldError, place_in_zone
from iep_assistant.records.importer.format import (
    NOUNS,
    PEOPLE,
    SCHOOLS,
    STUDENTS,
    Column,
)
from iep_assistant.records.importer.parsing import Export, ParsedTable, Row
from iep_assistant.records.importer.problems import Problem
from iep_assistant.records.importer.snapshot import Key, Snapshot
from iep_assistant.records.types import Role

UNKNOWN: Any = object()  # a value that failed to parse: checks that need it are skipped

# (table, earlier column, later column, what the later one means)
DATE_ORDER = (
    ("plans", "start_date", "end_date", "ends"),
    ("goals", "start_date", "end_date", "ends"),
    ("evaluations", "consent_date", "completed_date", "was completed"),
)


@dataclass
class Checked:
    problems: list[Problem] = field(default_factory=list)
    # Meeting district id -> (start in UTC, the zone it was set in).
    meeting_times: dict[str, tuple[datetime, str]] = field(default_factory=dict)


class Records:
    """What the records will be: the export where it says, else the database."""

    def __init__(self, export: Export, snapshot: Snapshot) -> None:
        self.export = export
        self.snapshot = snapshot
        self._rows: dict[str, dict[Key, Row]] = {}
        for name, table in export.tables.items():
            index: dict[Key, Row] = {}
            for row in table.rows:
                key = row.key
                if key is not None:
                    index.setdefault(key, row)
            self._rows[name] = index

    def exists(self, table: str, key: Key) -> bool:
        return key in self._rows.get(table, {}) or key in self.snapshot.table(table)

    def value(self, table: str, key: Key, column: Column, row: Row | None = None) -> Any:
        """A column's value for a record: the export's if it has the column, else the database's."""
        parsed = self.export.tables.get(table)
        if row is None:
            row = self._rows.get(table, {}).get(key)
        if parsed is not None and row is not None and column.name in parsed.columns:
            return row.values.get(column.name, UNKNOWN)
        existing = self.snapshot.table(table).get(key)
        if existing is not None and column.target:
            return existing.get(column.target)
        return column.default


def check(export: Export, snapshot: Snapshot, district_time_zone: str) -> Checked:
    records = Records(export, snapshot)
    checked = Checked()
    for table in export.tables.values():
        checked.problems += duplicate_keys(table)
        checked.problems += references(table, records)
    checked.problems += slack_conflicts(export, snapshot)
    checked.problems += date_order(export, records)
    if "meetings" in export.tables:
        meeting_times(export.tables["meetings"], records, district_time_zone, checked)
    return checked


def duplicate_keys(table: ParsedTable) -> Iterator[Problem]:
    spec = table.spec
    first: dict[Key, int] = {}
    for row in table.rows:
        key = row.key
        if key is None:
            continue
        if key not in first:
            first[key] = row.line
        elif spec.has_id:
            yield Problem(table.file, row.line, "id", f"'{key}' is already on line {first[key]}")
        else:
            person, student = key
            yield Problem(
                table.file,
                row.line,
                spec.key[0],
                f"person '{person}' and student '{student}' are already on line {first[key]}",
            )


def references(table: ParsedTable, records: Records) -> Iterator[Problem]:
    """Every id a row names must be a record of the export or of the database."""
    role = PEOPLE.column("role")
    ref_columns = [c for c in table.spec.columns if c.ref and c.name in table.columns]
    for row in table.rows:
        for column in ref_columns:
            value = row.values.get(column.name)
            if value is None:
                continue
            assert column.ref is not None
            for one in value if isinstance(value, tuple) else (value,):
                if not records.exists(column.ref, one):
                    noun = NOUNS[column.ref]
                    yield Problem(
                        table.file,
                        row.line,
                        column.name,
                        f"no {noun} '{one}' in {column.ref}.csv or in the database",
                    )
                elif column.staff and records.value("people", one, role) is Role.PARENT:
                    # Staff links open a student's records to the person: never to a parent.
                    yield Problem(
                        table.file,
                        row.line,
                        column.name,
                        f"'{one}' is a parent in people.csv; {column.name} must name staff",
                    )


def slack_conflicts(export: Export, snapshot: Snapshot) -> Iterator[Problem]:
    """A Slack user is one person: no id twice in people.csv, nor one the database gives another."""
    people = export.tables.get("people")
    if people is None or "slack_user_id" not in people.columns:
        return
    listed = {row.values.get("id") for row in people.rows}
    # Who holds which Slack id once the export is in: the database's people the export
    # does not list keep theirs.
    holders: dict[str, str] = {
        row["slack_user_id"]: key
        for key, row in snapshot.table("people").items()
        if row["slack_user_id"] and key not in listed
    }
    where: dict[str, str] = dict.fromkeys(holders, "in the database")
    for row in people.rows:
        slack, person = row.values.get("slack_user_id"), row.values.get("id")
        if slack is None or person is None:
            continue
        holder = holders.get(slack)
        if holder is not None and holder != person:
            yield Problem(
                people.file,
                row.line,
                "slack_user_id",
                f"'{slack}' already belongs to person '{holder}' ({where[slack]})",
            )
        elif holder is None:
            holders[slack], where[slack] = person, f"line {row.line}"


def date_order(export: Export, records: Records) -> Iterator[Problem]:
    for name, earlier, later, verb in DATE_ORDER:
        table = export.tables.get(name)
        if table is None:
            continue
        first, last = table.spec.column(earlier), table.spec.column(later)
        for row in table.rows:
            key = row.key
            if key is None:
                continue
            start = records.value(name, key, first, row)
            end = records.value(name, key, last, row)
            if start in (None, UNKNOWN) or end in (None, UNKNOWN):
                continue
            if end < start:
                field = later if later in table.columns else earlier
                yield Problem(
                    table.file,
                    row.line,
                    field,
                    f"{verb} on {end.isoformat()}, before {earlier} {start.isoformat()}",
                )


def meeting_times(
    table: ParsedTable, records: Records, district_time_zone: str, checked: Checked
) -> None:
    """Place each meeting's wall time in its zone: the meeting's, the school's, the district's."""
    zone_column = table.spec.column("time_zone")
    school_of, school_zone = STUDENTS.column("school_id"), SCHOOLS.column("time_zone")
    for row in table.rows:
        key, wall_time = row.values.get("id"), row.values.get("starts_at")
        if key is None or wall_time is None:
            continue
        zone = records.value("meetings", key, zone_column, row)
        if zone is None:
            student = row.values.get("student_id")
            if student is None or not records.exists("students", student):
                continue  # its own problem already
            school = records.value("students", student, school_of)
            if school is UNKNOWN or (school is not None and not records.exists("schools", school)):
                continue
            zone = records.value("schools", school, school_zone) if school else None
            zone = district_time_zone if zone is None else zone
        if zone is UNKNOWN:
            continue
        try:
            checked.meeting_times[key] = (place_in_zone(wall_time, zone), zone)
        except FieldError as error:
            checked.problems.append(Problem(table.file, row.line, "starts_at", str(error)))
