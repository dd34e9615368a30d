"""Compliance dates, derived from the records rather than typed in twice.

Plain functions over dates: nothing here knows about the database, Rasa or Slack.
Each deadline names the rule it rests on. Section 504 sets none of these clocks
(34 CFR Part 104 has no 60-day, annual or 3-year rule), so a 504 plan's review
date is only ever the district's own, and is labelled so.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

DEFAULT_INITIAL_EVALUATION_DAYS = 60  # 34 CFR 300.301(c)(1)(i), unless the State sets its own
DEFAULT_TRANSITION_AGE = 16  # 34 CFR 300.320(b); some States start earlier
REEVALUATION_YEARS = 3  # 34 CFR 300.303(b)(2)


class DeadlineKind(enum.StrEnum):
    ANNUAL_REVIEW = "annual_review"
    REEVALUATION = "reevaluation"
    TRANSITION_PLANNING = "transition_planning"
    INITIAL_EVALUATION = "initial_evaluation"
    REVIEW_504 = "504_review"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def citation(self) -> str:
        return _CITATIONS[self]


_LABELS = {
    DeadlineKind.ANNUAL_REVIEW: "annual IEP review",
    DeadlineKind.REEVALUATION: "three-year reevaluation",
    DeadlineKind.TRANSITION_PLANNING: "transition planning in the IEP",
    DeadlineKind.INITIAL_EVALUATION: "initial evaluation",
    DeadlineKind.REVIEW_504: "504 plan review (district schedule)",
}
_CITATIONS = {
    DeadlineKind.ANNUAL_REVIEW: "34 CFR 300.324(b)(1)(i)",
    DeadlineKind.REEVALUATION: "34 CFR 300.303(b)(2)",
    DeadlineKind.TRANSITION_PLANNING: "34 CFR 300.320(b)",
    DeadlineKind.INITIAL_EVALUATION: "34 CFR 300.301(c)",
    DeadlineKind.REVIEW_504: "district procedure (34 CFR 104.35(d) asks only for periodic review)",
}


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    student_id: int
    due: date

    def days_left(self, today: date) -> int:
        return (self.due - today).days

    def overdue(self, today: date) -> bool:
        return self.due < today


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def annual_review_due(last_review: date) -> date:
    """The IEP is reviewed "not less than annually": at most a year after the last review."""
    return add_years(last_review, 1)


def reevaluation_due(last_evaluation_completed: date) -> date:
    """At least once every three years, unless parent and school agree it is unnecessary."""
    return add_years(last_evaluation_completed, REEVALUATION_YEARS)


def initial_evaluation_due(consent: date, days: int = DEFAULT_INITIAL_EVALUATION_DAYS) -> date:
    """Within 60 days of receiving consent (or the State's own number of days)."""
    return consent + timedelta(days=days)


def transition_planning_due(
    birth_date: date, last_review: date, age: int = DEFAULT_TRANSITION_AGE
) -> date | None:
    """The review whose IEP must first include transition planning.

    The rule: "beginning not later than the first IEP to be in effect when the child
    turns 16". Each annual review starts a new IEP, so the IEP in effect on that
    birthday is the one written at the last yearly review on or before it, counting
    from ``last_review``. The answer is ``last_review`` itself when the current IEP
    already spans the birthday, and None when the birthday came before the current
    IEP (every IEP since then has had to include it).
    """
    birthday = add_years(birth_date, age)
    if birthday < last_review:
        return None
    review = last_review
    while annual_review_due(review) <= birthday:
        review = annual_review_due(review)
    return review


@dataclass(frozen=True)
class PlanFacts:
    """What the rules need to know about one student, read from the records."""

    student_id: int
    birth_date: date | None = None
    iep_last_review: date | None = None  # active IEP: its last review (or start) date
    plan_504_review: date | None = None  # active 504 plan: the district's review date
    last_evaluation_completed: date | None = None
    pending_initial_consent: date | None = None  # consent given, evaluation not finished


def deadlines(
    facts: PlanFacts,
    *,
    today: date,
    initial_evaluation_days: int = DEFAULT_INITIAL_EVALUATION_DAYS,
    transition_age: int = DEFAULT_TRANSITION_AGE,
) -> list[Deadline]:
    """Every deadline that applies to one student, soonest first.

    Transition planning is listed while it is still ahead: once the IEP that must
    include it has been written, every annual review carries it on.
    """
    sid = facts.student_id
    found: list[Deadline] = []
    if facts.iep_last_review:
        found.append(
            Deadline(DeadlineKind.ANNUAL_REVIEW, sid, annual_review_due(facts.iep_last_review))
        )
        if facts.birth_date:
            due = transition_planning_due(facts.birth_date, facts.iep_last_review, transition_age)
            if due is not None and due > facts.iep_last_review and due >= today:
                found.append(Deadline(DeadlineKind.TRANSITION_PLANNING, sid, due))
        if facts.last_evaluation_completed:
            found.append(
                Deadline(
                    DeadlineKind.REEVALUATION,
                    sid,
                    reevaluation_due(facts.last_evaluation_completed),
                )
            )
    if facts.pending_initial_consent:
        found.append(
            Deadline(
                DeadlineKind.INITIAL_EVALUATION,
                sid,
                initial_evaluation_due(facts.pending_initial_consent, initial_evaluation_days),
            )
        )
    if facts.plan_504_review:
        found.append(Deadline(DeadlineKind.REVIEW_504, sid, facts.plan_504_review))
    return sorted(found, key=lambda d: d.due)


def within(
    found: Iterable[Deadline], today: date, days: int, *, include_overdue: bool = True
) -> list[Deadline]:
    """Deadlines due in the next ``days`` days, overdue ones first (oldest first)."""
    chosen = [
        d
        for d in found
        if (d.overdue(today) and include_overdue) or 0 <= d.days_left(today) <= days
    ]
    return sorted(chosen, key=lambda d: (not d.overdue(today), d.due))


def most_urgent(found: Sequence[Deadline]) -> Deadline | None:
    return min(found, key=lambda d: d.due, default=None)
