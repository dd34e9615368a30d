"""Rasa NLU component: ranks the knowledge base's answer points and situation guides.

Trained on the `faq` intent's examples, each block of which names in its metadata
the point ("initial_evaluation_timeline.deadline") or situation guide
("situation.<id>") it teaches, all generated from knowledge/; and on the examples
of the reply intents (config ``reply_intents``), as "reply.<intent>", so that one
model weighs "not a question for the knowledge base" against every point.

Two stages, each a logistic regression with calibrated probabilities: which topic,
guide or reply (over the MiniLM sentence embedding and word and character TF-IDF of
the message), then which of that topic's points (over the embedding and the words
of the same TF-IDF that the topic's examples use, scored from the weights by hand:
0.1 ms a topic, where scikit-learn's own feature pipeline took 1 ms); a key's
probability is the product. One flat model over all 800-odd points needed 10 GB to
train and scored no better on the development questions.

The whole message is ranked, and, when it holds several sentences
(iep_assistant.answering.split_questions), each of them too, so that the answer
action can answer each question asked. The rankings go into the parse result under
``knowledge_ranking``; what to say is decided by the action
(iep_assistant.knowledge.choosing). Referenced from config.yml as
``rasa_addons.knowledge_ranker.KnowledgeRanker``.
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
from rasa.shared.nlu.constants import INTENT, METADATA, METADATA_INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack

from iep_assistant.answering import (
    RANKING_KEY,
    REPLY,
    KnowledgeRanking,
    Ranked,
    Segment,
    asks,
    group_of,
    ranking_to_dict,
    split_questions,
)
from rasa_addons.minilm_featurizer import shared_encoder

logger = logging.getLogger(__name__)

MODEL_FILE = "knowledge_ranker.joblib"
KEY = "key"  # the intent block's metadata field (iep_assistant/knowledge/training_data.py)


def _key_of(message: Message) -> Optional[str]:
    metadata = message.get(METADATA) or {}
    key = (metadata.get(METADATA_INTENT) or {}).get(KEY)
    return key if isinstance(key, str) else None


class PointModel:
    """Which of one topic's points: a logistic regression over the sentence embedding
    and the columns of the shared word TF-IDF that the topic's examples use, kept as
    plain weights so that a message is scored with two small products."""

    def __init__(
        self,
        keys: List[str],
        columns: np.ndarray,
        embedding_weights: np.ndarray,
        word_weights: np.ndarray,
        intercept: np.ndarray,
    ) -> None:
        self.keys = keys
        self.columns = columns
        self.embedding_weights = embedding_weights
        self.word_weights = word_weights
        self.intercept = intercept

    @classmethod
    def fit(cls, embeddings: np.ndarray, words: Any, labels: List[str], c: float) -> "PointModel":
        from sklearn.linear_model import LogisticRegression

        columns = np.unique(words.indices)
        features = np.hstack([embeddings, words[:, columns].toarray()])
        classifier = LogisticRegression(C=c, max_iter=3000).fit(features, labels)
        width = embeddings.shape[1]
        return cls(
            [str(k) for k in classifier.classes_],
            columns,
            classifier.coef_[:, :width].copy(),
            classifier.coef_[:, width:].copy(),
            classifier.intercept_.copy(),
        )

    def probabilities(self, embedding: np.ndarray, words: np.ndarray) -> List[tuple]:
        """(key, probability) for each point, given the (weighted) embedding and the
        message's dense row of the shared word TF-IDF."""
        scores = (
            self.embedding_weights @ embedding + self.word_weights @ words[self.columns]
        ) + self.intercept
        if len(self.keys) == 2:  # scikit-learn's binary model scores the second class
            second = 1.0 / (1.0 + np.exp(-scores[0]))
            return [(self.keys[0], 1.0 - second), (self.keys[1], second)]
        exp = np.exp(scores - scores.max())
        return list(zip(self.keys, (exp / exp.sum()).tolist(), strict=True))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class KnowledgeRanker(GraphComponent):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [Featurizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent": "faq",
            # Intents ranked beside the points, as "reply.<intent>": the answer action
            # gives their reply when they are the likeliest.
            "reply_intents": [],
            "C": 50.0,  # inverse regularisation of the topic model
            "embedding_weight": 2.0,  # the sentence embedding's weight beside TF-IDF
            "point_C": 20.0,  # the same for the point models
            "point_embedding_weight": 2.0,
            "topics_expanded": 5,  # the likeliest topics whose points are ranked
            "ranking_length": 15,
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
    ) -> "KnowledgeRanker":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "KnowledgeRanker":
        try:
            with model_storage.read_from(resource) as directory:
                model = joblib.load(directory / MODEL_FILE)
            # scikit-learn multiplies by coef_.T; in C order that copies the whole
            # topics x features matrix on every message, in Fortran order not.
            topics = model["topics"]
            topics.coef_ = np.asfortranarray(topics.coef_)
        except (ValueError, FileNotFoundError):
            logger.warning("KnowledgeRanker: no trained model found; it will rank nothing")
            model = None
        return cls(config, model_storage, resource, model)

    # --- features --------------------------------------------------------------------

    def _features(
        self, texts: List[str], embeddings: np.ndarray, words: Any, model: Dict[Text, Any]
    ) -> Any:
        """The topic model's features; ``words`` is the texts' word TF-IDF."""
        dense = csr_matrix(embeddings * self.config["embedding_weight"])
        return hstack([dense, words, model["chars"].transform(texts)]).tocsr()

    @staticmethod
    def _message_embedding(message: Message) -> np.ndarray:
        _, sentence = message.get_dense_features(TEXT)
        if sentence is None:
            raise ValueError(
                "KnowledgeRanker needs a dense featurizer (MiniLMFeaturizer) before it"
            )
        return np.asarray(sentence.features).reshape(-1)

    # --- training --------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        labelled = [(m, self._label(m)) for m in training_data.intent_examples if m.get(TEXT)]
        labelled = [(m, key) for m, key in labelled if key]
        if not labelled:
            logger.warning("KnowledgeRanker: no examples of %r with a key", self.config["intent"])
            return self.resource
        examples = [m for m, _ in labelled]
        texts = [m.get(TEXT) for m in examples]
        keys = [key for _, key in labelled]
        groups = [group_of(k) for k in keys]
        embeddings = np.stack([self._message_embedding(m) for m in examples])
        model: Dict[Text, Any] = {
            "words": TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts),
            "chars": TfidfVectorizer(
                analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
            ).fit(texts),
        }
        words = model["words"].transform(texts).tocsr()
        model["topics"] = LogisticRegression(C=self.config["C"], max_iter=3000).fit(
            self._features(texts, embeddings, words, model), groups
        )
        # Within each topic: which point. A group of one key (a situation guide, a
        # reply, or a topic with one point) needs no model.
        points: Dict[str, Any] = {}
        for group in sorted(set(groups)):
            rows = [i for i, g in enumerate(groups) if g == group]
            labels = [keys[i] for i in rows]
            if len(set(labels)) == 1:
                points[group] = labels[0]
                continue
            points[group] = PointModel.fit(
                embeddings[rows] * self.config["point_embedding_weight"],
                words[rows],
                labels,
                self.config["point_C"],
            )
        model["points"] = points
        self.model = model
        with self.model_storage.write_to(self.resource) as directory:
            joblib.dump(model, directory / MODEL_FILE)
        return self.resource

    def _label(self, message: Message) -> Optional[str]:
        """The key an example teaches: its block's metadata for a knowledge question,
        "reply.<intent>" for one of the reply intents."""
        intent = message.get(INTENT)
        if intent == self.config["intent"]:
            return _key_of(message)
        if intent in self.config["reply_intents"]:
            return f"{REPLY}.{intent}"
        return None

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    # --- ranking ---------------------------------------------------------------------

    def _rank(self, texts: List[str], embeddings: np.ndarray) -> List[tuple]:
        assert self.model is not None
        topics = self.model["topics"]
        words = self.model["words"].transform(texts).tocsr()
        features = self._features(texts, embeddings, words, self.model)
        probabilities = topics.predict_proba(features)
        weight = self.config["point_embedding_weight"]
        ranked = []
        for n, row in enumerate(probabilities):
            message_words = words[n].toarray()[0]
            candidates: List[Ranked] = []
            for i in np.argsort(row)[::-1][: self.config["topics_expanded"]]:
                group, likely = str(topics.classes_[i]), float(row[i])
                within = self.model["points"][group]
                if isinstance(within, str):
                    candidates.append(Ranked(within, likely))
                    continue
                for key, p in within.probabilities(embeddings[n] * weight, message_words):
                    candidates.append(Ranked(key, likely * p))
            candidates.sort(key=lambda r: r.confidence, reverse=True)
            ranked.append(tuple(candidates[: self.config["ranking_length"]]))
        return ranked

    def process(self, messages: List[Message]) -> List[Message]:
        if not self.model:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):  # a button payload names its intent
                continue
            whole = self._rank([text], self._message_embedding(message)[None, :])[0]
            segments: tuple = ()
            spans = split_questions(text)
            if len(spans) > 1:
                parts = [text[start:end] for start, end in spans]
                encoded = shared_encoder().encode(parts)
                embeddings = np.stack([sentence for sentence, _, _ in encoded])
                segments = tuple(
                    Segment(start, end, ranking, asks(part))
                    for (start, end), part, ranking in zip(
                        spans, parts, self._rank(parts, embeddings), strict=True
                    )
                )
            ranking = KnowledgeRanking(
                whole,
                segments,
                words=len(text.split()),
                asks=asks(text) or any(s.question for s in segments),
            )
            message.set(RANKING_KEY, ranking_to_dict(ranking), add_to_output=True)
        return messages
