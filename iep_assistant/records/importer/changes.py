"""What the export asks of the database: records to add, to change, and links to drop.

Worked out in district ids against the snapshot, so a check-only run reports
exactly what an import would do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from iep_assistant.records.importer.format import BY_NAME, INVITEES, TABLES, TableSpec
from iep_assistant.records.importer.parsing import Export, ParsedTable
from iep_assistant.records.importer.report import ImportReport
from iep_assistant.records.importer.snapshot import Key, Snapshot, normalise

# Whose records a table's rows are: the column naming the parent, and the parent's table.
OWNER = {
    "guardians": ("student_id", "students"),
    "staff_assignments": ("student_id", "students"),
    "plans": ("student_id", "students"),
    "goals": ("plan_id", "plans"),
    "progress": ("goal_id", "goals"),
    "services": ("plan_id", "plans"),
    "accommodations": ("plan_id", "plans"),
    "evaluations": ("student_id", "students"),
    "meetings": ("student_id", "students"),
    INVITEES: ("meeting_id", "meetings"),
}
# Links the export states in full for each student of students.csv (privacy: a link the
# district removed must not keep opening a student's records).
LINKS = frozenset({"guardians", "staff_assignments"})


@dataclass
class Record:
    key: Key
    values: dict[str, Any]  # database column -> value; references as district ids
    new_only: dict[str, Any] = field(default_factory=dict)  # defaults for columns the file lacks


@dataclass
class TableChanges:
    name: str
    spec: TableSpec | None  # None for meeting invitees
    added: list[Record] = field(default_factory=list)
    changed: list[tuple[dict[str, Any], Record]] = field(default_factory=list)  # (old, new)
    removed: list[tuple[Key, dict[str, Any]]] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class Changes:
    tables: dict[str, TableChanges]  # in the order they are written
    students: set[str]  # district ids of students whose records change

    def report(self, *, check_only: bool) -> ImportReport:
        return ImportReport(
            added={name: len(t.added) for name, t in self.tables.items()},
            changed={name: len(t.changed) for name, t in self.tables.items()},
            unchanged={name: t.unchanged for name, t in self.tables.items()},
            students_touched=len(self.students),
            removed={name: len(t.removed) for name, t in self.tables.items() if t.removed},
            check_only=check_only,
        )


def records(table: ParsedTable, meeting_times: dict[str, tuple[datetime, str]]) -> list[Record]:
    """The export's rows as database values (the export has passed every check)."""
    spec = table.spec
    result = []
    for row in table.rows:
        key = row.key
        assert key is not None  # checked: every key column is required
        values: dict[str, Any] = {}
        new_only: dict[str, Any] = {}
        for column in spec.columns:
            if column.target is None or column.name in spec.key:
                continue
            if column.name in table.columns:
                value = row.values[column.name]
                values[column.target] = column.default if value is None else value
            elif column.default is not None:
                new_only[column.target] = column.default
        if spec.name == "plans":
            # The format: last_review_date defaults to start_date.
            if "last_review_date" not in table.columns:
                new_only["last_review_date"] = values["start_date"]
            elif values["last_review_date"] is None:
                values["last_review_date"] = values["start_date"]
        if spec.name == "meetings":
            values["starts_at"], values["time_zone"] = meeting_times[key]
        result.append(Record(key, values, new_only))
    return result


def invitee_records(meetings: ParsedTable) -> list[Record]:
    return [
        Record((row.values["id"], person), {})
        for row in meetings.rows
        for person in row.values["invitee_ids"] or ()
    ]


def diff(
    export: Export, snapshot: Snapshot, meeting_times: dict[str, tuple[datetime, str]]
) -> Changes:
    wanted: dict[str, list[Record]] = {}
    for name, table in export.tables.items():
        wanted[name] = records(table, meeting_times)
        if name == "meetings" and "invitee_ids" in table.columns:
            wanted[INVITEES] = invitee_records(table)

    tables: dict[str, TableChanges] = {}
    for name in [spec.name for spec in TABLES] + [INVITEES]:
        if name not in wanted:
            continue
        changes = tables[name] = TableChanges(name, BY_NAME.get(name))
        existing = snapshot.table(name)
        for record in wanted[name]:
            old = existing.get(record.key)
            if old is None:
                changes.added.append(record)
            elif any(old[column] != normalise(v) for column, v in record.values.items()):
                changes.changed.append((old, record))
            else:
                changes.unchanged += 1
        listed = _stated_in_full(name, export)
        if listed:
            keep = {record.key for record in wanted[name]}
            # Links are (person, student), invitees (meeting, person).
            owner = 1 if name in LINKS else 0
            changes.removed = [
                (key, row)
                for key, row in existing.items()
                if key[owner] in listed and key not in keep
            ]
    return Changes(tables, _students_touched(tables, wanted, snapshot))


def _stated_in_full(name: str, export: Export) -> set[str]:
    """The students (or meetings) whose links of this table become exactly the export's."""
    if name in LINKS and name in export.tables and "students" in export.tables:
        return {row.values["id"] for row in export.tables["students"].rows}
    if name == INVITEES:
        return {row.values["id"] for row in export.tables["meetings"].rows}
    return set()


def _students_touched(
    tables: dict[str, TableChanges], wanted: dict[str, list[Record]], snapshot: Snapshot
) -> set[str]:
    # Each plan's, goal's and meeting's parent once the import is done.
    parents: dict[str, dict[Key, str]] = {}
    for name in ("plans", "goals", "meetings"):
        column = OWNER[name][0]
        now = {key: row[column] for key, row in snapshot.table(name).items()}
        now.update((r.key, r.values[column]) for r in wanted.get(name, ()) if column in r.values)
        parents[name] = now

    def student_of(name: str, key: Key, values: dict[str, Any]) -> str | None:
        """The student a record belongs to, through its plan, goal or meeting."""
        if name == "students":
            return str(key)
        column, table = OWNER[name]
        # Links name the student, invitees the meeting, in their key.
        parent = key[1] if name in LINKS else key[0] if name == INVITEES else values.get(column)
        while parent is not None and table != "students":
            parent = parents[table].get(parent)
            table = OWNER[table][1]
        return parent

    touched: set[str | None] = set()
    for name, changes in tables.items():
        if name in ("schools", "people"):
            continue  # not a student's records
        touched.update(student_of(name, r.key, r.values) for r in changes.added)
        for old, record in changes.changed:
            # A record moved to another student changes both students' records.
            touched.add(student_of(name, record.key, record.values))
            touched.add(student_of(name, record.key, old))
        touched.update(student_of(name, key, row) for key, row in changes.removed)
    return {student for student in touched if student is not None}
