"""Rasa NLU component: send uncertain knowledge questions to the fallback.

A message classified as `faq` is answered directly with the article the
ResponseSelector ranks first, but only when that choice is clear. When the top
two articles are close, or the combined confidence is low, the gate changes the
intent to `nlu_fallback`, whose action offers both articles or the closest three
and a person. The rule itself is :func:`iep_assistant.answering.choose`; the
decision is recorded in the parse result under ``article_choice`` so that the
action and the evaluation use it as made. Referenced from config.yml as
``rasa_addons.article_gate.ArticleGate``; place it after the ArticleSelector
and the FallbackClassifier.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

from iep_assistant.answering import (
    CHOICE_KEY,
    RETRIEVAL_INTENT,
    Thresholds,
    Verdict,
    article_ranking,
    choice_to_dict,
    choose,
)
from rasa_addons.article_selector import ArticleSelector


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ArticleGate(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [ArticleSelector]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        defaults = Thresholds()
        return {"confident": defaults.confident, "close_ratio": defaults.close_ratio}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.thresholds = Thresholds(
            confident=float(config["confident"]), close_ratio=float(config["close_ratio"])
        )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ArticleGate":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if intent not in (RETRIEVAL_INTENT, DEFAULT_NLU_FALLBACK_INTENT_NAME):
                continue
            choice = choose(article_ranking(message.data), self.thresholds)
            message.set(CHOICE_KEY, choice_to_dict(choice), add_to_output=True)
            if intent == RETRIEVAL_INTENT and choice.verdict is not Verdict.ANSWER:
                top = choice.top.confidence if choice.top else 0.0
                fallback = {
                    INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
                    PREDICTED_CONFIDENCE_KEY: top,
                }
                message.data[INTENT] = fallback
                message.data.setdefault(INTENT_RANKING_KEY, []).insert(0, dict(fallback))
        return messages
