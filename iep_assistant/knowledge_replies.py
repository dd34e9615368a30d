"""The replies for knowledge answers, built from articles (no Rasa here)."""

from __future__ import annotations

from collections.abc import Sequence

from iep_assistant.answering import DEFAULT_THRESHOLDS, AnswerChoice, Candidate, Verdict
from iep_assistant.articles import Article, KnowledgeBase
from iep_assistant.protocol import ARTICLE, HUMAN_PAYLOAD, UNSURE, Button, Reply, article_payload

MORE_PAYLOAD = "/tell_more"
FALLBACK_FOR_PLAN = {"504": "what_is_a_504_plan", "iep": "what_is_an_iep"}
PLAN_NAMES = {"504": "a 504 plan", "iep": "an IEP"}


def plan_type_of(value: str | None) -> str:
    """'504 plans', 'section 504' -> '504'; 'IEPs', 'individualized education program' -> 'iep'."""
    text = (value or "").lower()
    if "iep" in text or "individual" in text:
        return "iep"
    return "504"


def article_button(article: Article) -> Button:
    return Button(article.title, article_payload(article.id))


def article_reply(article: Article, kb: KnowledgeBase, lead_in: str = "") -> Reply:
    """The short answer with its source, a 'tell me more' button and related articles."""
    buttons = [Button("Tell me more", MORE_PAYLOAD)]
    buttons += [article_button(kb[r]) for r in article.related[:2] if r in kb]
    text = f"{lead_in}\n\n{article.short_text}" if lead_in else article.short_text
    return Reply(text=text, buttons=buttons, custom={ARTICLE: article.id})


def details_reply(article: Article, kb: KnowledgeBase) -> Reply:
    buttons = [article_button(kb[r]) for r in article.related[:3] if r in kb]
    buttons.append(Button("Talk to a person", HUMAN_PAYLOAD))
    text = f"{article.title}\n\n{article.details}\n\nSource: {article.citation}"
    return Reply(text=text, buttons=buttons, custom={ARTICLE: article.id})


def choice_reply(choice: AnswerChoice, kb: KnowledgeBase) -> Reply:
    """What to say for a decision: the answer, two close options, or honest uncertainty."""
    articles = [kb[c.article_id] for c in choice.candidates if c.article_id in kb]
    if choice.verdict is Verdict.ANSWER and articles:
        return article_reply(articles[0], kb)
    if choice.verdict is Verdict.CHOOSE and len(articles) >= 2:
        return Reply(
            text="I can answer this two ways. Which one did you mean?",
            buttons=[article_button(a) for a in articles[:2]],
            custom={UNSURE: True},
        )
    return unsure_reply(articles[:3])


def unsure_reply(articles: Sequence[Article]) -> Reply:
    buttons = [article_button(a) for a in articles[:3]]
    buttons.append(Button("Talk to a person", HUMAN_PAYLOAD))
    text = "I'm not sure I understood that."
    if articles:
        text += " Is it one of these? Or I can pass your question to a person."
    else:
        text += " Could you put it another way? Or I can pass your question to a person."
    return Reply(text=text, buttons=buttons, custom={UNSURE: True})


def plan_variant_reply(last: Article | None, plan_type: str | None, kb: KnowledgeBase) -> Reply:
    """The answer to "and for a 504?" (or "and for an IEP?") after ``last``."""
    plan_type = plan_type_of(plan_type)
    variant_id = last.plan_variants.get(plan_type) if last else None
    if variant_id and variant_id in kb:
        return article_reply(kb[variant_id], kb, lead_in=f"For {PLAN_NAMES[plan_type]}:")
    general = kb.get(FALLBACK_FOR_PLAN[plan_type])
    if general is None:
        return unsure_reply([])
    if last is not None and last.id == general.id:
        return article_reply(general, kb)
    lead_in = f"Here is how {PLAN_NAMES[plan_type]} works in general."
    if last is not None:
        lead_in = f"I don't have a separate answer on that for {PLAN_NAMES[plan_type]}. " + lead_in
    return article_reply(general, kb, lead_in=lead_in)


def general_instead(lead_in: str, candidates: Sequence[Candidate], kb: KnowledgeBase) -> Reply:
    """For a personal question where no records can be shown (an anonymous web visitor):
    say so, then answer the general question the words also ask, when one is clear
    ("when is the annual review due?"), else offer the closest articles."""
    articles = [kb[c.article_id] for c in candidates if c.article_id in kb]
    confident = candidates and candidates[0].confidence >= DEFAULT_THRESHOLDS.confident
    if confident and articles:
        return article_reply(articles[0], kb, lead_in=f"{lead_in} In general:")
    buttons = [article_button(a) for a in articles[:3]]
    return Reply(text=lead_in, buttons=buttons)
