"""Rasa NLU component: picks the knowledge article for a `faq` question.

Used in place of Rasa's ResponseSelector because it measured better on the
held-out questions (see README, "Answer accuracy"): a logistic regression over
the MiniLM sentence embedding plus word and character TF-IDF of the message.
The linear model also gives calibrated probabilities, which the ArticleGate uses
to decide between answering, offering two articles, or admitting uncertainty.

Its output has the ResponseSelector's shape (``response_selector.faq`` with
``response`` and ``ranking``), so Rasa's own `utter_faq` action answers with the
article's response. Referenced from config.yml as
``rasa_addons.article_selector.ArticleSelector``.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Type

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack

logger = logging.getLogger(__name__)

SELECTOR_PROPERTY = "response_selector"
MODEL_FILE = "article_selector.joblib"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ArticleSelector(GraphComponent):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [Featurizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "retrieval_intent": "faq",
            "C": 50.0,  # inverse regularisation of the logistic regression
            "embedding_weight": 2.0,  # the sentence embedding's weight beside TF-IDF
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[Dict[Text, Any]] = None,
    ) -> None:
        self.config = config
        self.model_storage = model_storage
        self.resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ArticleSelector":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "ArticleSelector":
        try:
            with model_storage.read_from(resource) as directory:
                model = joblib.load(directory / MODEL_FILE)
            # scikit-learn multiplies by coef_.T; in C order that copies the whole
            # articles x features matrix on every message (2 ms), in Fortran order not.
            classifier = model["classifier"]
            classifier.coef_ = np.asfortranarray(classifier.coef_)
        except (ValueError, FileNotFoundError):
            logger.warning("ArticleSelector: no trained model found; it will not select articles")
            model = None
        return cls(config, model_storage, resource, model)

    def _features(self, messages: List[Message], model: Dict[Text, Any]) -> Any:
        texts = [m.get(TEXT) or "" for m in messages]
        embeddings = []
        for message in messages:
            _, sentence = message.get_dense_features(TEXT)
            if sentence is None:
                raise ValueError(
                    "ArticleSelector needs a dense featurizer (MiniLMFeaturizer) before it"
                )
            embeddings.append(np.asarray(sentence.features).reshape(-1))
        dense = csr_matrix(np.stack(embeddings) * self.config["embedding_weight"])
        return hstack(
            [dense, model["words"].transform(texts), model["chars"].transform(texts)]
        ).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        intent = self.config["retrieval_intent"]
        examples = [
            m
            for m in training_data.intent_examples
            if m.get(INTENT) == intent and m.get(INTENT_RESPONSE_KEY) and m.get(TEXT)
        ]
        if not examples:
            logger.warning("ArticleSelector: no examples of the retrieval intent %r", intent)
            return self.resource
        texts = [m.get(TEXT) for m in examples]
        model: Dict[Text, Any] = {
            "words": TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts),
            "chars": TfidfVectorizer(
                analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
            ).fit(texts),
        }
        classifier = LogisticRegression(C=self.config["C"], max_iter=3000)
        classifier.fit(
            self._features(examples, model), [m.get(INTENT_RESPONSE_KEY) for m in examples]
        )
        model["classifier"] = classifier
        self.model = model
        with self.model_storage.write_to(self.resource) as directory:
            joblib.dump(model, directory / MODEL_FILE)
        return self.resource

    def process(self, messages: List[Message]) -> List[Message]:
        if not self.model or not messages:
            return messages
        classifier = self.model["classifier"]
        probabilities = classifier.predict_proba(self._features(messages, self.model))
        for message, row in zip(messages, probabilities, strict=True):
            order = np.argsort(row)[::-1][: self.config["ranking_length"]]
            ranking = [
                {
                    "id": int(i),
                    PREDICTED_CONFIDENCE_KEY: float(row[i]),
                    INTENT_RESPONSE_KEY: str(classifier.classes_[i]),
                }
                for i in order
            ]
            best = ranking[0]
            prediction = {
                "response": {
                    PREDICTED_CONFIDENCE_KEY: best[PREDICTED_CONFIDENCE_KEY],
                    INTENT_RESPONSE_KEY: best[INTENT_RESPONSE_KEY],
                    "utter_action": "utter_" + best[INTENT_RESPONSE_KEY],
                },
                "ranking": ranking,
            }
            properties = message.get(SELECTOR_PROPERTY) or {}
            properties["all_retrieval_intents"] = [self.config["retrieval_intent"]]
            properties[self.config["retrieval_intent"]] = prediction
            message.set(SELECTOR_PROPERTY, properties, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
