"""The KnowledgeRanker's point models score a message by hand from the weights
(rasa_addons/knowledge_ranker.py, PointModel); they must give scikit-learn's own
probabilities, for a topic of two points and of several. The component runs in
Rasa's environment, so the check runs there too, as a subprocess."""

from __future__ import annotations

import json
import subprocess

import pytest

from iep_assistant.config import PROJECT_ROOT

RASA_PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"

SCRIPT = """
import json
import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from rasa_addons.knowledge_ranker import PointModel

rng = np.random.default_rng(1)
texts = ["how long is the evaluation", "evaluation deadline days", "does summer count",
         "winter break pause", "who must attend", "can I bring an advocate",
         "the clock over the holidays", "how many days to test"]
words = TfidfVectorizer().fit(texts + ["other words entirely"])
matrix = words.transform(texts).tocsr()
embeddings = rng.normal(size=(len(texts), 8))
out = {}
for name, labels in {
    "two": ["a", "a", "b", "b", "a", "b", "b", "a"],
    "several": ["a", "a", "b", "b", "c", "c", "b", "a"],
}.items():
    model = PointModel.fit(embeddings, matrix, labels, 5.0)
    columns = np.unique(matrix.indices)
    reference = LogisticRegression(C=5.0, max_iter=3000).fit(
        np.hstack([embeddings, matrix[:, columns].toarray()]), labels
    )
    message = words.transform(["does the winter break count"]).toarray()[0]
    vector = rng.normal(size=8)
    ours = dict(model.probabilities(vector, message))
    theirs = reference.predict_proba(np.hstack([vector, message[columns]])[None, :])[0]
    out[name] = [[ours[str(k)], float(p)] for k, p in zip(reference.classes_, theirs)]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def compared() -> dict:
    if not RASA_PYTHON.exists():
        pytest.skip(f"the Rasa environment is not installed ({RASA_PYTHON}); run `make test`")
    done = subprocess.run(
        [str(RASA_PYTHON), "-c", SCRIPT],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={"PYTHONPATH": str(PROJECT_ROOT), "OMP_NUM_THREADS": "1"},
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("topic", ["two", "several"])
def test_point_probabilities_are_scikit_learns(compared, topic) -> None:
    pairs = compared[topic]
    assert len(pairs) == (2 if topic == "two" else 3)
    for ours, theirs in pairs:
        assert ours == pytest.approx(theirs, abs=1e-9)
    assert sum(o for o, _ in pairs) == pytest.approx(1.0)
