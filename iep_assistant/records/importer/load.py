"""Writing the changes: bulk Core statements, parents before children, in the caller's transaction.

Each table is one executemany per batch (inserts, then one UPDATE per batch keyed by
primary key); the primary keys of new parents come back with RETURNING so their
children can refer to them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, insert, update
from tqdm import tqdm

from iep_assistant.records import models
from iep_assistant.records.importer.changes import Changes, Record, TableChanges
from iep_assistant.records.importer.format import INVITEES
from iep_assistant.records.importer.snapshot import PARENTS, Snapshot
from iep_assistant.records.types import AuditAction, Channel

BATCH = 2_000  # rows per statement: keeps the progress bar moving and memory flat
DELETE_BATCH = 500  # ids per IN (...) list, well under SQLite's bound-parameter limit


def batches(rows: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def write(
    connection: Connection,
    changes: Changes,
    snapshot: Snapshot,
    *,
    actor: str,
    now: datetime,
    progress: bool = False,
) -> None:
    ids = {name: dict(known) for name, known in snapshot.ids.items()}
    total = sum(
        len(t.added) + len(t.changed) + len(t.removed) for t in changes.tables.values()
    ) + len(changes.students)
    with tqdm(
        total=total, desc="writing", unit="row", disable=not progress or not total, leave=False
    ) as bar:
        for name, table_changes in changes.tables.items():
            bar.set_postfix_str(name)
            _write_table(connection, table_changes, ids, now, bar)
        bar.set_postfix_str("audit log")
        audit = [
            {
                "at": now,
                "actor_id": None,
                "actor_ref": actor,
                "action": AuditAction.WRITE,
                "what": "import",
                "student_id": ids["students"][student],
                "channel": Channel.IMPORT,
            }
            for student in sorted(changes.students)
        ]
        for batch in batches(audit):
            connection.execute(insert(models.AuditEntry.__table__), batch)
            bar.update(len(batch))


def _write_table(
    connection: Connection,
    changes: TableChanges,
    ids: dict[str, dict[str, int]],
    now: datetime,
    bar: tqdm,
) -> None:
    name, spec = changes.name, changes.spec
    table: Table = spec.table if spec else models.MeetingInvitee.__table__
    refs = {c.target: c.ref for c in spec.columns if c.target and c.ref} if spec else {}

    def resolved(values: dict[str, Any]) -> dict[str, Any]:
        """References as primary keys (parents are written first, so all are known)."""
        return {
            column: ids[refs[column]][value] if column in refs and value is not None else value
            for column, value in values.items()
        }

    # Links first dropped, so nothing they guard outlives the district's decision.
    removed = [row["id"] for _, row in changes.removed]
    for batch in batches(removed, DELETE_BATCH):
        connection.execute(delete(table).where(table.c.id.in_(batch)))
        bar.update(len(batch))

    if name == "people":
        # Slack ids are unique: let go of the ones that move before any is given anew.
        moving = [
            {"b_id": old["id"], "slack_user_id": None}
            for old, record in changes.changed
            if old["slack_user_id"] is not None
            and record.values.get("slack_user_id", old["slack_user_id"]) != old["slack_user_id"]
        ]
        if moving:
            connection.execute(update(table).where(table.c.id == bindparam("b_id")), moving)

    # One UPDATE per set of columns (every row of a file has the same ones).
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for old, record in changes.changed:
        row = resolved(record.values)
        row["b_id"] = old["id"]
        updates.setdefault(tuple(sorted(row)), []).append(row)
    statement = update(table).where(table.c.id == bindparam("b_id"))
    for rows in updates.values():
        for batch in batches(rows):
            connection.execute(statement, batch)
            bar.update(len(batch))

    rows = [_new_row(name, record, now) for record in changes.added]
    rows = [resolved(row) if refs else row for row in rows]
    if name == INVITEES:
        rows = [
            {"meeting_id": ids["meetings"][meeting], "person_id": ids["people"][person]}
            for meeting, person in (record.key for record in changes.added)
        ]
    returning = name in PARENTS
    for batch in batches(rows):
        if returning:
            # Children of this table refer to these rows by primary key.
            result = connection.execute(
                insert(table).returning(table.c.id, table.c.external_id), batch
            )
            ids.setdefault(name, {}).update((ext, pk) for pk, ext in result)
        else:
            connection.execute(insert(table), batch)
        bar.update(len(batch))


def _new_row(name: str, record: Record, now: datetime) -> dict[str, Any]:
    row = {**record.new_only, **record.values}
    if name in ("guardians", "staff_assignments"):
        row["person_id"], row["student_id"] = record.key
    elif name != INVITEES:
        row["external_id"] = record.key
    if name == "progress":
        row["recorded_at"] = now  # imported now; who measured it is recorded_by_id
    return row
