"""Knowledge questions the assistant answers with a known article, for the
multi-replica test and the load benchmark (checked answers, never a hand-off)."""

from __future__ import annotations

# (question, the article that answers it)
KNOWLEDGE: list[tuple[str, str]] = [
    ("what is an IEP?", "what_is_an_iep"),
    ("what is a 504 plan?", "what_is_a_504_plan"),
    ("How long does an evaluation take?", "initial_evaluation_timeline"),
    ("can I bring an advocate to the IEP meeting?", "who_can_attend_and_advocates"),
    ("what's the difference between an IEP and a 504?", "iep_vs_504"),
    ("the school wants to suspend my son again, what are his rights", "discipline_and_suspension"),
    ("what happens if I disagree with the evaluation?", "independent_educational_evaluation"),
    ("what is a manifestation determination?", "manifestation_determination"),
    ("how often should the IEP be reviewed?", "annual_review"),
    ("what is least restrictive environment?", "least_restrictive_environment"),
    ("what is prior written notice?", "prior_written_notice"),
]
