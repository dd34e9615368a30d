"""What an import did (or, checking only, would do)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImportReport:
    # Keyed by file name without .csv ("students"), plus "meeting_invitees".
    added: dict[str, int]
    changed: dict[str, int]
    unchanged: dict[str, int]
    students_touched: int  # students whose records changed: one audit entry each
    # Links dropped because the export no longer lists them (guardians, staff, invitees).
    removed: dict[str, int] = field(default_factory=dict)
    check_only: bool = False  # nothing was written; the counts say what an import would do

    @property
    def changes(self) -> int:
        """Records added, changed or removed, over all tables (0: the database already agreed)."""
        return sum(self.added.values()) + sum(self.changed.values()) + sum(self.removed.values())

    def summary(self) -> str:
        """A few lines for people: "students: 30 added, 0 changed, 0 unchanged"."""
        lines = []
        if self.check_only:
            lines.append("Checked only; nothing was written. An import would do this:")
        for name in self.added:
            line = (
                f"{name}: {self.added[name]} added, {self.changed[name]} changed, "
                f"{self.unchanged[name]} unchanged"
            )
            if self.removed.get(name):
                line += f", {self.removed[name]} removed"
            lines.append(line)
        return "\n".join(lines)
