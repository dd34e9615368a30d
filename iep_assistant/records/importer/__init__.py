"""A district's CSV export into the records (docs/district-export.md is the format).

Everything is checked before anything is written, and then all of it is written in
one transaction::

    report = import_path(database, Path("export/"), district_time_zone="America/Chicago")
    print(report.summary())

- :mod:`.format`: the files and columns; :mod:`.fields`: how each value is read.
- :mod:`.parsing`: CSV files or rows in memory into an :class:`Export`.
- :mod:`.snapshot`: what the database holds; :mod:`.validate`: checks across records.
- :mod:`.changes`: what to add, change and drop; :mod:`.load`: the bulk writes.

A column a file leaves out is left as it is on records already imported (new ones
get its default), so a narrower export loses nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from iep_assistant.records.db import Database
from iep_assistant.records.importer import snapshot as snapshots
from iep_assistant.records.importer.changes import diff
from iep_assistant.records.importer.fields import FieldError, time_zone
from iep_assistant.records.importer.load import write
from iep_assistant.records.importer.parsing import Export, read_folder, sort_problems
from iep_assistant.records.importer.problems import ImportRejected, Problem
from iep_assistant.records.importer.report import ImportReport
from iep_assistant.records.importer.validate import check

__all__ = [
    "Export",
    "ImportRejected",
    "ImportReport",
    "Problem",
    "import_export",
    "import_path",
]

ACTOR_LENGTH = 128  # AuditEntry.actor_ref


def import_export(
    database: Database,
    export: Export,
    *,
    district_time_zone: str,
    actor: str = "import",
    check_only: bool = False,
    progress: bool = False,
) -> ImportReport:
    """Check ``export`` against itself and the database, then write it in one transaction.

    Raises ImportRejected with every problem, having written nothing. With
    ``check_only`` nothing is written and the report says what an import would do.
    """
    try:
        time_zone(district_time_zone)
    except FieldError as error:
        raise ValueError(f"district_time_zone: {error}") from None
    if not actor or len(actor) > ACTOR_LENGTH:
        raise ValueError(f"actor must be 1 to {ACTOR_LENGTH} characters, got {actor!r}")
    now = datetime.now(UTC)
    with database.session() as session:
        connection = session.connection()
        with tqdm(total=3, desc="checking", disable=not progress, leave=False) as bar:
            bar.set_postfix_str("reading the database")
            snapshot = snapshots.load(connection, set(export.tables))
            bar.update()
            bar.set_postfix_str("checking the export")
            checked = check(export, snapshot, district_time_zone)
            problems = export.problems + checked.problems
            if problems:
                raise ImportRejected(sort_problems(problems), export.source)
            bar.update()
            bar.set_postfix_str("comparing")
            changes = diff(export, snapshot, checked.meeting_times)
            bar.update()
        if not check_only:
            write(connection, changes, snapshot, actor=actor, now=now, progress=progress)
    return changes.report(check_only=check_only)


def import_path(database: Database, path: Path, **options: Any) -> ImportReport:
    """Read the CSV folder at ``path`` and import it (options as for :func:`import_export`).

    Problems in the files and problems across records are reported together.
    """
    return import_export(database, read_folder(Path(path)), **options)
