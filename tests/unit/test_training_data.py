"""Rasa's knowledge training data is generated from knowledge/; it must not go stale."""

from iep_assistant import training_data
from iep_assistant.articles import load_knowledge_base
from iep_assistant.config import PROJECT_ROOT


def test_generated_training_data_matches_the_articles() -> None:
    kb = load_knowledge_base(PROJECT_ROOT / "knowledge")
    assert training_data.stale_files(kb) == [], "run `iep-assistant build-training-data`"
