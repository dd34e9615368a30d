"""The compliance dates, as plain functions (34 CFR 300.301, 300.303, 300.320(b), 300.324)."""

from datetime import date

import pytest

from iep_assistant.records import compliance as c
from iep_assistant.records.compliance import DeadlineKind, PlanFacts

TODAY = date(2026, 11, 30)


def test_annual_review_is_due_a_year_after_the_last_review():
    assert c.annual_review_due(date(2026, 3, 3)) == date(2027, 3, 3)
    assert c.annual_review_due(date(2024, 2, 29)) == date(2025, 2, 28)


def test_reevaluation_is_due_three_years_after_the_last_evaluation():
    assert c.reevaluation_due(date(2024, 5, 1)) == date(2027, 5, 1)


@pytest.mark.parametrize(("days", "due"), [(60, date(2026, 11, 30)), (45, date(2026, 11, 15))])
def test_initial_evaluation_clock_counts_from_consent_with_the_states_figure(days, due):
    assert c.initial_evaluation_due(date(2026, 10, 1), days) == due


@pytest.mark.parametrize(
    ("birth", "last_review", "expected"),
    [
        # Turns 16 on 2027-09-01; reviews 2026-10-15, 2027-10-15: the IEP written at the
        # 2026-10-15 review is in effect on the birthday, and already exists.
        (date(2011, 9, 1), date(2026, 10, 15), date(2026, 10, 15)),
        # Turns 16 on 2028-01-10; the IEP in effect then is written at the 2027-03-01 review.
        (date(2012, 1, 10), date(2026, 3, 1), date(2027, 3, 1)),
        # Already 16 before the current IEP: every IEP since has had to include it.
        (date(2009, 1, 1), date(2026, 3, 1), None),
        # Turning 16 on the day of the next review: that review's IEP is in effect.
        (date(2011, 3, 1), date(2026, 3, 1), date(2027, 3, 1)),
    ],
)
def test_transition_planning_falls_on_the_iep_in_effect_at_16(birth, last_review, expected):
    assert c.transition_planning_due(birth, last_review) == expected


def test_a_state_may_start_transition_planning_earlier():
    birth, last_review = date(2013, 6, 1), date(2026, 9, 1)
    assert c.transition_planning_due(birth, last_review, age=14) == date(2026, 9, 1)
    assert c.transition_planning_due(birth, last_review, age=16) == date(2028, 9, 1)


def test_deadlines_of_one_student_soonest_first():
    facts = PlanFacts(
        student_id=7,
        birth_date=date(2011, 6, 1),  # 16 on 2027-06-01
        iep_last_review=date(2026, 1, 10),
        last_evaluation_completed=date(2024, 2, 1),
    )
    found = c.deadlines(facts, today=TODAY)
    assert [(d.kind, d.due) for d in found] == [
        (DeadlineKind.ANNUAL_REVIEW, date(2027, 1, 10)),
        (DeadlineKind.TRANSITION_PLANNING, date(2027, 1, 10)),
        (DeadlineKind.REEVALUATION, date(2027, 2, 1)),
    ]


def test_a_504_plan_has_no_idea_clocks_only_the_districts_review():
    facts = PlanFacts(
        student_id=1,
        birth_date=date(2011, 1, 1),
        plan_504_review=date(2027, 1, 5),
        last_evaluation_completed=date(2023, 1, 1),  # no 3-year rule for 504 plans
    )
    found = c.deadlines(facts, today=TODAY)
    assert [d.kind for d in found] == [DeadlineKind.REVIEW_504]
    assert "district" in found[0].kind.label
    assert "104" in found[0].kind.citation and "300" not in found[0].kind.citation


def test_within_puts_overdue_first_and_drops_far_ones():
    overdue = c.Deadline(DeadlineKind.ANNUAL_REVIEW, 1, date(2026, 11, 1))
    soon = c.Deadline(DeadlineKind.REEVALUATION, 2, date(2026, 12, 10))
    later = c.Deadline(DeadlineKind.REEVALUATION, 3, date(2027, 3, 1))
    older = c.Deadline(DeadlineKind.INITIAL_EVALUATION, 4, date(2026, 10, 1))
    assert c.within([soon, later, overdue, older], TODAY, 30) == [older, overdue, soon]
    assert overdue.overdue(TODAY) and not soon.overdue(TODAY)
    assert soon.days_left(TODAY) == 10


def test_citations_name_the_federal_rule():
    assert DeadlineKind.INITIAL_EVALUATION.citation == "34 CFR 300.301(c)"
    assert DeadlineKind.ANNUAL_REVIEW.citation == "34 CFR 300.324(b)(1)(i)"
