"""What is wrong with an export, worded so a district's IT person can fix it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# How many problems the exception's message lists; ``problems`` always holds all.
MESSAGE_LIMIT = 50


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an export."""

    file: str  # "students.csv"
    line: int | None  # 1-based physical line (the header is line 1); None for the whole file
    field: str | None  # the column, if one is to blame
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" line {self.line}"
        if self.field is not None:
            where += f", field {self.field}" if self.line is not None else f" field {self.field}"
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    """The export has problems; every one is in ``problems`` and nothing was written."""

    def __init__(self, problems: Iterable[Problem], source: str | None = None) -> None:
        self.problems: list[Problem] = list(problems)
        self.source = source
        super().__init__(self._message())

    def _message(self) -> str:
        count = len(self.problems)
        where = f" in {self.source}" if self.source else ""
        noun = "problem" if count == 1 else "problems"
        lines = [f"{count} {noun}{where}; nothing was imported:"]
        lines += [f"  {problem}" for problem in self.problems[:MESSAGE_LIMIT]]
        if count > MESSAGE_LIMIT:
            lines.append(f"  ... and {count - MESSAGE_LIMIT} more")
        return "\n".join(lines)
