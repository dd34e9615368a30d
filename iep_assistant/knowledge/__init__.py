"""The knowledge base: curated topics with their answer points, and situation guides.

`knowledge/` is the one source of truth; this package reads and checks it
(:mod:`.format`, :mod:`.base`, :mod:`.checks`), derives Rasa's training data from it
(:mod:`.training_data`), writes the replies (:mod:`.replies`) and measures them
(:mod:`.evaluation`).
"""

from iep_assistant.knowledge.base import KnowledgeBase, cached_knowledge_base, load_knowledge_base
from iep_assistant.knowledge.format import KnowledgeError, Point, Situation, Step, StepKind, Topic

__all__ = [
    "KnowledgeBase",
    "KnowledgeError",
    "Point",
    "Situation",
    "Step",
    "StepKind",
    "Topic",
    "cached_knowledge_base",
    "load_knowledge_base",
]
