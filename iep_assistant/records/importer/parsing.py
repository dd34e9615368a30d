"""Reading an export: CSV files (or rows built in memory) into parsed, typed rows.

Only what one file can show is checked here: file names, headers, row shape and
each field's syntax. Checks across records and against the database are in
:mod:`.validate`.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iep_assistant.records.importer.fields import FieldError
from iep_assistant.records.importer.format import (
    BY_FILE,
    BY_NAME,
    TABLES,
    Column,
    TableSpec,
    order,
)
from iep_assistant.records.importer.problems import ImportRejected, Problem


@dataclass
class Row:
    line: int  # where the record starts in its file
    # Column -> parsed value (None when the cell is empty). A field that failed to
    # parse is left out, so later checks skip it instead of repeating its problem.
    values: dict[str, Any]
    # The record's identity: its district id, or (person, student) for links; None when
    # a part of it is missing or unreadable.
    key: str | tuple[str, str] | None = None


@dataclass
class ParsedTable:
    spec: TableSpec
    columns: frozenset[str]  # the known columns the header has
    rows: list[Row] = field(default_factory=list)

    @property
    def file(self) -> str:
        return self.spec.file


def sort_problems(problems: Sequence[Problem]) -> list[Problem]:
    return sorted(
        problems,
        key=lambda p: (order(p.file.removesuffix(".csv")), p.file, p.line or 0, p.field or ""),
    )


class Export:
    """An export read and parsed, not yet checked against the database."""

    def __init__(
        self, source: str, tables: dict[str, ParsedTable], problems: Sequence[Problem] = ()
    ) -> None:
        self.source = source
        self.tables = tables  # by name ("students"), in the format's order
        # Syntax problems; only an export made by read_folder(..) may carry any.
        self.problems: list[Problem] = list(problems)

    @classmethod
    def from_folder(cls, path: Path) -> Export:
        """Read a folder of CSV files; ImportRejected lists every file, header and field problem."""
        export = read_folder(path)
        export.reject_problems()
        return export

    @classmethod
    def from_rows(
        cls,
        tables: Mapping[str, Sequence[Mapping[str, str | None]]],
        source: str = "generated",
    ) -> Export:
        """The same from rows in memory: {"students": [{"id": "S-1", ...}, ...], ...}.

        Line numbers are the row's index + 2, as if row 0 followed a header line.
        """
        export = parse_rows(tables, source)
        export.reject_problems()
        return export

    def reject_problems(self) -> None:
        if self.problems:
            raise ImportRejected(sort_problems(self.problems), self.source)

    def __contains__(self, name: str) -> bool:
        return name in self.tables

    def row_counts(self) -> dict[str, int]:
        return {name: len(table.rows) for name, table in self.tables.items()}

    def __repr__(self) -> str:
        return f"Export({self.source!r}, {self.row_counts()})"


# --- one row ------------------------------------------------------------------------------


def parse_row(
    spec: TableSpec,
    cells: Sequence[tuple[Column, str | None]],
    line: int,
    problems: list[Problem],
) -> Row:
    """Parse the cells of one record (column, raw text) with the format's parsers."""
    values: dict[str, Any] = {}
    for column, raw in cells:
        name = column.name
        text = (raw or "").strip()
        if not text:
            if column.required:
                problems.append(Problem(spec.file, line, name, "a value is required"))
            else:
                values[name] = None
            continue
        try:
            values[name] = column.parse(text)
        except FieldError as error:
            problems.append(Problem(spec.file, line, name, str(error)))
    parts = [values.get(name) for name in spec.key]
    if any(part is None for part in parts):
        return Row(line, values)
    return Row(line, values, parts[0] if spec.has_id else (parts[0], parts[1]))


def _unknown(name: str, known: Sequence[str], what: str) -> str:
    near = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean '{near[0]}'?)" if near else ""
    return f"unknown {what}{hint}; the known ones are {', '.join(known)}"


def _check_columns(spec: TableSpec, names: Sequence[str], problems: list[Problem]) -> None:
    """Header problems: unknown, repeated or missing required columns (all on line 1)."""
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            problems.append(Problem(spec.file, 1, None, f"column {position} has no name"))
        elif name in seen:
            problems.append(Problem(spec.file, 1, name, "the column appears twice in the header"))
        elif name not in spec.column_names:
            problems.append(
                Problem(spec.file, 1, name, _unknown(name, spec.column_names, "column"))
            )
        seen.add(name)
    for column in spec.columns:
        if column.required and column.name not in seen:
            problems.append(Problem(spec.file, 1, column.name, "a required column is missing"))


# --- a folder of CSV files ------------------------------------------------------------------


def read_folder(path: Path) -> Export:
    """Read every CSV file of a folder, collecting problems instead of raising."""
    source = str(path)
    problems: list[Problem] = []
    if not path.is_dir():
        return Export(source, {}, [Problem(source, None, None, "there is no such folder")])
    files = sorted(
        p
        for p in path.iterdir()
        if p.is_file() and p.suffix.lower() == ".csv" and not p.name.startswith(".")
    )
    tables: dict[str, ParsedTable] = {}
    for file in files:
        spec = BY_FILE.get(file.name)
        if spec is None:
            problems.append(
                Problem(file.name, None, None, _unknown(file.name, list(BY_FILE), "file"))
            )
            continue
        table = read_file(file, spec, problems)
        if table is not None:
            tables[spec.name] = table
    if not files:
        problems.append(Problem(source, None, None, "the folder has no CSV files"))
    ordered = {spec.name: tables[spec.name] for spec in TABLES if spec.name in tables}
    return Export(source, ordered, problems)


def read_file(path: Path, spec: TableSpec, problems: list[Problem]) -> ParsedTable | None:
    try:
        data = path.read_bytes()
    except OSError as error:
        problems.append(Problem(spec.file, None, None, f"cannot be read: {error.strerror}"))
        return None
    try:
        # utf-8-sig drops the byte-order mark Excel writes.
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        problems.append(
            Problem(spec.file, line, None, "is not UTF-8 text (save the file as CSV UTF-8)")
        )
        # Read on, so the rest of the file is still checked (nothing will be written).
        content = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(content, newline=""))
    table: ParsedTable | None = None
    try:
        header = next(reader, None)
        if header is None:
            problems.append(Problem(spec.file, None, None, "the file is empty (no header row)"))
            return None
        names = [name.strip() for name in header]
        _check_columns(spec, names, problems)
        known = [(i, spec.column(n)) for i, n in enumerate(names) if n in spec.column_names]
        table = ParsedTable(spec, frozenset(column.name for _, column in known))
        line = reader.line_num + 1  # where the next record starts
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue  # blank lines, and the ",,,," rows spreadsheets leave at the end
            if len(record) != len(names):
                problems.append(
                    Problem(
                        spec.file,
                        start,
                        None,
                        f"the row has {len(record)} fields but the header has {len(names)} "
                        "(a value with a comma must be in double quotes)",
                    )
                )
                continue
            cells = [(column, record[i]) for i, column in known]
            table.rows.append(parse_row(spec, cells, start, problems))
    except csv.Error as error:
        # Keep the rows read so far, so other files' references to them still resolve.
        problems.append(Problem(spec.file, reader.line_num, None, f"not readable as CSV: {error}"))
    return table


# --- rows built in memory -----------------------------------------------------------------


def parse_rows(tables: Mapping[str, Sequence[Mapping[str, str | None]]], source: str) -> Export:
    problems: list[Problem] = []
    parsed: dict[str, ParsedTable] = {}
    for key, rows in tables.items():
        name = key.removesuffix(".csv")
        spec = BY_NAME.get(name)
        if spec is None:
            problems.append(
                Problem(f"{name}.csv", None, None, _unknown(name, list(BY_NAME), "table"))
            )
            continue
        # The header is every column any row has; a row without one has it empty.
        names = list(dict.fromkeys(column for row in rows for column in row))
        if rows:
            _check_columns(spec, names, problems)
        known = [spec.column(name) for name in names if name in spec.column_names]
        table = ParsedTable(spec, frozenset(column.name for column in known))
        for index, row in enumerate(rows):
            cells: list[tuple[Column, str | None]] = []
            for column in known:
                value = row.get(column.name)
                if value is not None and not isinstance(value, str):
                    raise TypeError(
                        f"{spec.name}[{index}][{column.name!r}] is {type(value).__name__}; "
                        "Export.from_rows takes text (str or None), as a CSV file would hold"
                    )
                cells.append((column, value))
            table.rows.append(parse_row(spec, cells, index + 2, problems))
        parsed[name] = table
    ordered = {spec.name: parsed[spec.name] for spec in TABLES if spec.name in parsed}
    return Export(source, ordered, problems)
