"""Knowledge questions the assistant answers from a known topic, for the
multi-replica test and the load benchmark (checked answers, never a hand-off)."""

from __future__ import annotations

# (question, the topic whose point answers it)
KNOWLEDGE: list[tuple[str, str]] = [
    ("what is an IEP?", "what_is_an_iep"),
    ("what is a 504 plan?", "what_is_a_504_plan"),
    ("How long does an evaluation take?", "initial_evaluation_timeline"),
    ("can I bring an advocate to the IEP meeting?", "who_can_attend_and_advocates"),
    ("what's the difference between an IEP and a 504?", "iep_vs_504"),
    ("how many days can a student with an IEP be suspended?", "discipline_and_suspension"),
    ("what is an independent educational evaluation?", "independent_educational_evaluation"),
    ("what is a manifestation determination?", "manifestation_determination"),
    ("how often should the IEP be reviewed?", "annual_review"),
    ("what is least restrictive environment?", "least_restrictive_environment"),
    ("what is prior written notice?", "prior_written_notice"),
]
