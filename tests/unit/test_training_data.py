"""Rasa's training data: the knowledge part is generated from knowledge/ and must not go
stale, and no sentence may teach two meanings."""

import re
from collections import defaultdict

import yaml

from iep_assistant.config import PROJECT_ROOT
from iep_assistant.knowledge import load_knowledge_base, training_data


def test_generated_training_data_matches_the_knowledge_base() -> None:
    kb = load_knowledge_base(PROJECT_ROOT / "knowledge")
    assert training_data.stale_files(kb) == [], "run `iep-assistant build-training-data`"


def test_every_point_and_guide_is_taught_under_its_key() -> None:
    kb = load_knowledge_base(PROJECT_ROOT / "knowledge")
    blocks = yaml.safe_load((PROJECT_ROOT / training_data.NLU_FILE).read_text())["nlu"]
    taught = {b["metadata"][training_data.KEY] for b in blocks}
    assert taught == set(kb.keys())
    assert {b["intent"] for b in blocks} == {"faq"}


def _normalised(example: str) -> str:
    # Entity mark-up ([Leo](student)) keeps its words; case and punctuation go.
    words = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", example).lower()
    return " ".join(re.sub(r"[^\w' ]+", " ", words).split())


def test_no_sentence_is_taught_as_two_meanings() -> None:
    """The same words under two intents (or two points) leave the model to guess,
    and a retrained model may guess the other way."""
    meanings: dict[str, set[str]] = defaultdict(set)
    for path in sorted((PROJECT_ROOT / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            if "intent" not in block:
                continue
            meaning = block["intent"] + "/" + (block.get("metadata") or {}).get("key", "")
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    meanings[_normalised(line.strip()[2:])].add(meaning)
    clashes = {text: sorted(m) for text, m in meanings.items() if len(m) > 1}
    assert clashes == {}
