"""The MiniLM encoder (rasa_addons/minilm.py) gives sentence-transformers' embeddings,
up to its 8-bit weights.

It runs in Rasa's environment, so the check runs there too, as a subprocess. The
reference embeddings in data/minilm_reference.json were made by sentence-transformers
itself from the same model folder (the file says with what). The 8-bit encoder's
embeddings point the same way as those, to a cosine of 0.98 or more; two different
texts of the reference are far further apart.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from iep_assistant.config import PROJECT_ROOT

RASA_PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
REFERENCE = json.loads((Path(__file__).parent / "data" / "minilm_reference.json").read_text())

# Prints, for the texts on stdin, each text's sentence embedding encoded alone and
# in one call with all of them (training encodes many at once, a chat one).
SCRIPT = """
import json, sys
from rasa_addons.minilm import MiniLMEncoder
texts = json.load(sys.stdin)
encoder = MiniLMEncoder()
alone = [encoder.encode([t])[0][0].tolist() for t in texts]
batch = [r[0].tolist() for r in encoder.encode(texts)]
pieces = [len(r[1]) == len(r[2]) for r in encoder.encode(texts)]
print(json.dumps({"alone": alone, "batch": batch, "pieces": pieces}))
"""


@pytest.fixture(scope="module")
def encoded() -> dict:
    if not RASA_PYTHON.exists():
        pytest.skip("Rasa's environment (.venv-rasa) is not installed: run `make install`")
    done = subprocess.run(
        [str(RASA_PYTHON), "-c", SCRIPT],
        input=json.dumps(REFERENCE["texts"]),
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_sentence_embeddings_match_sentence_transformers(encoded: dict) -> None:
    expected = np.array(REFERENCE["embeddings"])
    got = np.array(encoded["alone"])
    cosines = (got * expected).sum(axis=1)  # both are unit length
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert cosines.min() > 0.98 and cosines.mean() > 0.99, cosines
    # What "far off" looks like: each text against the next one's reference.
    assert (got * np.roll(expected, 1, axis=0)).sum(axis=1).max() < 0.8


def test_a_text_is_encoded_the_same_alone_or_with_others(encoded: dict) -> None:
    assert np.array_equal(np.array(encoded["batch"]), np.array(encoded["alone"]))


def test_every_word_piece_has_its_offsets(encoded: dict) -> None:
    assert all(encoded["pieces"])
