"""Progress on an annual goal: the latest value against the expected line.

The expected line runs from the baseline at the goal's start date to the target
at its end date. A goal is on track when the latest value has reached the line
(within a tolerance of 5 % of the distance from baseline to target), whichever
direction the goal runs (fewer incidents is progress too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

TOLERANCE = 0.05
# IDEA requires periodic reports (34 CFR 300.320(a)(3)(ii)); districts commonly
# report with report cards, about every 9 weeks. A plan can set its own period.
DEFAULT_REPORT_PERIOD = timedelta(weeks=9)


class Status(Enum):
    ON_TRACK = "on track"
    BEHIND = "behind"
    MET = "met"
    NO_DATA = "no data yet"


@dataclass(frozen=True)
class Point:
    on: date
    value: float


@dataclass(frozen=True)
class Trend:
    status: Status
    latest: Point | None
    expected_now: float | None  # where the line says the student should be at `latest.on`
    share_of_target: float | None  # 0..1, how far from baseline to target the latest value is


def expected(baseline: float, target: float, start: date, end: date, on: date) -> float:
    """The value the line from (start, baseline) to (end, target) gives on ``on``."""
    span = (end - start).days
    if span <= 0:
        return target
    fraction = min(max((on - start).days / span, 0.0), 1.0)
    return baseline + (target - baseline) * fraction


def trend(baseline: float, target: float, start: date, end: date, points: Sequence[Point]) -> Trend:
    if not points:
        return Trend(Status.NO_DATA, None, None, None)
    latest = max(points, key=lambda p: p.on)
    distance = target - baseline
    line = expected(baseline, target, start, end, latest.on)
    if distance == 0:
        return Trend(Status.MET, latest, line, 1.0)
    share = (latest.value - baseline) / distance
    if share >= 1.0:
        status = Status.MET
    elif (latest.value - line) / distance >= -TOLERANCE:
        status = Status.ON_TRACK
    else:
        status = Status.BEHIND
    return Trend(status, latest, line, share)


def next_report_due(
    plan_start: date, today: date, period: timedelta = DEFAULT_REPORT_PERIOD
) -> date:
    """The first report date after ``today``, counting periods from the plan's start."""
    if today < plan_start:
        return plan_start + period
    elapsed = (today - plan_start) // period
    return plan_start + period * (elapsed + 1)
