"""CPU time and peak memory of processes, read from /proc (Linux), for the benchmarks.

A service started by :mod:`iep_assistant.stack` leads its own process group, so its
figures are those of every process in the group. PostgreSQL and Redis are found by
their program names: on this machine they serve only the benchmark while it runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


@dataclass(frozen=True)
class Sample:
    pid: int
    group: int
    name: str
    cpu_seconds: float  # user + system since the process started


def _samples() -> Iterable[Sample]:
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        # The name is in parentheses and may hold spaces: split after the last ")".
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        yield Sample(
            pid=int(entry.name),
            group=int(fields[2]),
            name=name,
            cpu_seconds=(int(fields[11]) + int(fields[12])) / TICKS,
        )


def cpu_by_group(groups: Iterable[int], names: Iterable[str] = ()) -> dict[str, float]:
    """CPU seconds so far of each process group (key ``"pgid:N"``) and of every process
    named one of ``names`` together (key: the name)."""
    wanted, named = set(groups), set(names)
    totals: dict[str, float] = {}
    for sample in _samples():
        if sample.group in wanted:
            key = f"pgid:{sample.group}"
        elif sample.name in named:
            key = sample.name
        else:
            continue
        totals[key] = totals.get(key, 0.0) + sample.cpu_seconds
    return totals


def peak_rss_mb(group: int) -> float:
    """The peak resident memory (VmHWM) of a process group's processes, added up, in MB."""
    return _status_kb(group, "VmHWM") / 1024


def rss_mb(group: int) -> float:
    """The resident memory (VmRSS) of a process group now, in MB."""
    return _status_kb(group, "VmRSS") / 1024


def _status_kb(group: int, field: str) -> int:
    total = 0
    for sample in _samples():
        if sample.group != group:
            continue
        try:
            status = (PROC / str(sample.pid) / "status").read_text()
        except OSError:  # the process ended meanwhile
            continue
        for line in status.splitlines():
            if line.startswith(field + ":"):
                total += int(line.split()[1])
    return total
