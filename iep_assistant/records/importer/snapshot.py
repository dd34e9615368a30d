"""What the database already holds, read once per table and keyed by district ids.

References are turned back into district ids, so the export and the database are
compared in the same terms, before and without writing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from iep_assistant.records import models
from iep_assistant.records.importer.fields import SCORE_PLACES
from iep_assistant.records.importer.format import INVITEES, TABLES, TableSpec

# A record's identity: its district id, or (person, student) / (meeting, person) for links.
Key = str | tuple[str, str]

# Tables read in full whatever the export holds: references and the audit log need them.
PARENTS = frozenset({"schools", "people", "students", "plans", "goals", "meetings"})


@dataclass
class Snapshot:
    # Table name -> key -> {"id": primary key, database column: value}; references as
    # district ids.
    rows: dict[str, dict[Key, dict[str, Any]]] = field(default_factory=dict)
    # Table name -> district id -> primary key.
    ids: dict[str, dict[str, int]] = field(default_factory=dict)

    def table(self, name: str) -> dict[Key, dict[str, Any]]:
        return self.rows.get(name, {})


def normalise(value: Any) -> Any:
    """One form per value, so equal values compare equal whichever database returned them."""
    if isinstance(value, Decimal):
        return value.quantize(SCORE_PLACES)
    return value


def load(connection: Connection, tables: set[str]) -> Snapshot:
    """Read the rows of ``tables`` (export table names) and of every parent table."""
    snapshot = Snapshot()
    district_ids: dict[str, dict[int, str]] = {}  # table name -> primary key -> district id
    for spec in TABLES:
        if spec.name not in tables and spec.name not in PARENTS:
            continue
        rows = _load_table(connection, spec, district_ids)
        snapshot.rows[spec.name] = rows
        if spec.has_id:
            snapshot.ids[spec.name] = {key: row["id"] for key, row in rows.items()}
            district_ids[spec.name] = {row["id"]: key for key, row in rows.items()}
    if "meetings" in tables:
        snapshot.rows[INVITEES] = _load_invitees(connection, district_ids)
    return snapshot


def _load_table(
    connection: Connection, spec: TableSpec, district_ids: dict[str, dict[int, str]]
) -> dict[Key, dict[str, Any]]:
    table = spec.table
    targets = [column.target for column in spec.columns if column.target]
    refs = {column.target: column.ref for column in spec.columns if column.target and column.ref}
    columns = [table.c.id, *(table.c[name] for name in targets)]
    query = select(*columns)
    if spec.has_id:
        query = select(*columns, table.c.external_id).where(table.c.external_id.is_not(None))
    rows: dict[Key, dict[str, Any]] = {}
    for result in connection.execute(query).mappings():
        row: dict[str, Any] = {"id": result["id"]}
        for name in targets:
            value = result[name]
            if name in refs and value is not None:
                value = district_ids[refs[name]][value]
            row[name] = normalise(value)
        if spec.has_id:
            rows[result["external_id"]] = row
        else:
            rows[tuple(row.pop(name) for name in spec.key)] = row
    return rows


def _load_invitees(
    connection: Connection, district_ids: dict[str, dict[int, str]]
) -> dict[Key, dict[str, Any]]:
    table = models.MeetingInvitee.__table__
    meetings, people = district_ids["meetings"], district_ids["people"]
    query = select(table.c.id, table.c.meeting_id, table.c.person_id)
    return {
        (meetings[meeting_id], people[person_id]): {"id": pk}
        for pk, meeting_id, person_id in connection.execute(query)
    }
