"""Sentence embeddings on the command line, for the project environment's tools.

The MiniLM encoder runs only in Rasa's environment (its packages are pinned there),
so `iep-assistant evaluate-knowledge` asks this module for the embeddings its
MiniLM search baseline needs: a JSON list of texts on standard input, a NumPy
array (texts x 384, L2-normalised) in .npy format on standard output::

    echo '["how long is the evaluation"]' | .venv-rasa/bin/python -m rasa_addons.embed
"""

from __future__ import annotations

import io
import json
import sys

import numpy as np

from rasa_addons.minilm import MiniLMEncoder


def main() -> int:
    texts = json.load(sys.stdin)
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        print("expected a JSON list of strings on standard input", file=sys.stderr)
        return 2
    encoded = MiniLMEncoder().encode(texts) if texts else []
    matrix = np.stack([sentence for sentence, _, _ in encoded]) if encoded else np.zeros((0, 384))
    buffer = io.BytesIO()
    np.save(buffer, matrix.astype(np.float32))
    sys.stdout.buffer.write(buffer.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
