"""The replies for knowledge answers, written from the knowledge base (no Rasa here).

A point answers first, with its source; one line of the topic's context follows
with its own; a state note where a state may differ. Two questions get two points.
A situation guide is numbered steps, each cited. Buttons offer "Tell me more" and
the closest other points.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from iep_assistant.knowledge.base import KnowledgeBase
from iep_assistant.knowledge.choosing import Decision, Kind
from iep_assistant.knowledge.format import Point, Situation, StepKind, Topic
from iep_assistant.protocol import ARTICLE, HUMAN_PAYLOAD, UNSURE, Button, Reply, article_payload

MORE_PAYLOAD = "/tell_more"
MORE = "Tell me more"
LETTER = "A letter you can send"
PERSON = "Talk to a person"
BUTTON_TITLE_LIMIT = 75  # Slack's limit on a button's text
FALLBACK_FOR_PLAN = {"504": "what_is_a_504_plan", "iep": "what_is_an_iep"}
PLAN_NAMES = {"504": "a 504 plan", "iep": "an IEP"}
STEP_LABELS = {
    StepKind.RULE: "The rule",
    StepKind.NOW: "What to do now",
    StepKind.DEADLINE: "How long the school has",
    StepKind.IF_FAILS: "If that does not work",
}
NOT_SURE = "I'm not sure I understood that."
NEXT_STEPS_LABEL = "If the school does not put it right"
SYMPATHY = "I'm sorry you're going through this. Here is what the rules say."


def plan_type_of(value: str | None) -> str:
    """'504 plans', 'section 504' -> '504'; 'IEPs', 'individualized education program' -> 'iep'."""
    text = (value or "").lower()
    if "iep" in text or "individual" in text:
        return "iep"
    return "504"


def _title(text: str) -> str:
    return text if len(text) <= BUTTON_TITLE_LIMIT else text[: BUTTON_TITLE_LIMIT - 1] + "…"


def point_button(point: Point) -> Button:
    return Button(_title(point.question), article_payload(point.key))


def point_text(point: Point) -> str:
    """A point's answer with its source (and its state note)."""
    text = f"{point.answer}\nSource: {point.citation}"
    if point.state_note:
        text += f"\nState note: {point.state_note}"
    return text


def _context(topic: Topic) -> str:
    return f"{topic.summary} ({topic.summary_citation})"


def _buttons(kb: KnowledgeBase, alternatives: Sequence[str], *, more: str = MORE) -> list[Button]:
    buttons = [Button(more, MORE_PAYLOAD)]
    buttons += [point_button(p) for p in (kb.point(k) for k in alternatives) if p]
    return buttons


def _next_steps_text(key: str, kb: KnowledgeBase) -> list[str]:
    point = kb.point(key)
    return [f"**{NEXT_STEPS_LABEL}**\n{point_text(point)}"] if point else []


def points_reply(
    keys: Sequence[str],
    kb: KnowledgeBase,
    alternatives: Sequence[str] = (),
    lead_in: str = "",
    next_steps: str = "",
) -> Reply:
    """One point, or one per question asked, each with its source."""
    points = [p for p in (kb.point(k) for k in keys) if p]
    if not points:
        return unsure_reply((), kb)
    parts = [lead_in] if lead_in else []
    if len(points) == 1:
        point = points[0]
        parts.append(point_text(point))
        topic = kb.topic_of(point.key)
        if topic is not None and point is not topic.overview:
            parts.append(_context(topic))
    else:
        # Each answer opens with its rule, so it needs no heading (a heading that
        # repeats "Do I have to wait ...?" would read as a claim out of context).
        parts += [point_text(p) for p in points]
    parts += _next_steps_text(next_steps, kb)
    return Reply(
        text="\n\n".join(parts),
        buttons=_buttons(kb, alternatives),
        custom={ARTICLE: points[0].key},
    )


def _step_text(situation: Situation, index: int, kb: KnowledgeBase) -> str:
    step = situation.steps[index]
    if step.point:
        point = kb.points[step.point]
        text, citation = point.answer, point.citation
    else:
        text, citation = step.text, step.citation
    return f"**{STEP_LABELS[step.kind]}.** {text} ({citation})"


def situation_reply(
    situation: Situation,
    steps: Sequence[int],
    kb: KnowledgeBase,
    alternatives: Sequence[str] = (),
    also: Sequence[str] = (),
) -> Reply:
    """A situation guide: the rule, what to do now, the school's deadline, what next;
    then the answers to any other questions the message asked (``also``)."""
    if not steps:
        steps = [i for i, step in enumerate(situation.steps) if not step.optional]
    steps = [i for i in steps if 0 <= i < len(situation.steps)]
    lines = [f"{n}. {_step_text(situation, i, kb)}" for n, i in enumerate(steps, 1)]
    parts = [situation.opening] if situation.opening else []
    parts.append("\n".join(lines))
    parts += [f"**Also:** {point_text(p)}" for p in (kb.point(k) for k in also) if p]
    buttons = _buttons(kb, alternatives, more=LETTER)
    buttons.append(Button(PERSON, HUMAN_PAYLOAD))
    return Reply(text="\n\n".join(parts), buttons=buttons, custom={ARTICLE: situation.key})


def unsure_reply(alternatives: Sequence[str], kb: KnowledgeBase) -> Reply:
    points = [p for p in (kb.point(k) for k in alternatives) if p][:3]
    buttons = [point_button(p) for p in points]
    buttons.append(Button(PERSON, HUMAN_PAYLOAD))
    text = NOT_SURE
    if points:
        text += " Is it one of these? Or I can pass your question to a person."
    else:
        text += " Could you put it another way? Or I can pass your question to a person."
    return Reply(text=text, buttons=buttons, custom={UNSURE: True})


def decision_reply(decision: Decision, kb: KnowledgeBase) -> Reply:
    """What to say for a decision of :func:`iep_assistant.knowledge.choosing.choose`
    (a decision to give another intent's reply is the action's to send)."""
    reply = None
    if decision.kind is Kind.SITUATION:
        situation = kb.situation(decision.situation)
        if situation is not None:
            reply = situation_reply(
                situation, decision.steps, kb, decision.alternatives, also=decision.points
            )
    elif decision.kind is Kind.POINTS and decision.points:
        reply = points_reply(
            decision.points, kb, decision.alternatives, next_steps=decision.next_steps
        )
    if reply is None:
        return unsure_reply(decision.alternatives, kb)
    if decision.sympathy:
        reply = dataclasses.replace(reply, text=f"{SYMPATHY}\n\n{reply.text}")
    return reply


def details_reply(topic: Topic, kb: KnowledgeBase) -> Reply:
    """ "Tell me more": the topic's details, with every rule they rest on."""
    buttons = [point_button(kb[r].overview) for r in topic.related[:3] if r in kb]
    buttons.append(Button(PERSON, HUMAN_PAYLOAD))
    text = f"{topic.title}\n\n{topic.details}\n\nSource: {topic.citation}"
    if topic.state_note:
        text += f"\nState note: {topic.state_note}"
    return Reply(text=text, buttons=buttons, custom={ARTICLE: topic.id})


def letter_reply(situation: Situation, kb: KnowledgeBase) -> Reply:
    """The letter or email a situation guide suggests sending."""
    buttons = [point_button(kb[r].overview) for r in situation.related[:2] if r in kb]
    buttons.append(Button(PERSON, HUMAN_PAYLOAD))
    return Reply(
        text=f"{situation.title}: a letter you can send\n\n{situation.letter}",
        buttons=buttons,
        custom={ARTICLE: situation.key},
    )


def more_reply(key: str | None, kb: KnowledgeBase) -> Reply | None:
    """ "Tell me more" after an answer with ``key``: the guide's letter or the topic's details."""
    situation = kb.situation(key) if key else None
    if situation is not None:
        return letter_reply(situation, kb)
    topic = kb.get(key) or (kb.topic_of(key) if key else None)
    return details_reply(topic, kb) if topic else None


def key_reply(key: str | None, kb: KnowledgeBase) -> Reply:
    """The answer for a button: a point, a situation guide, or a topic's overview."""
    if key and key in kb.points:
        return points_reply([key], kb)
    situation = kb.situation(key)
    if situation is not None:
        return situation_reply(situation, (), kb)
    topic = kb.get(key)
    return points_reply([topic.overview.key], kb) if topic else unsure_reply((), kb)


def plan_variant_reply(last: Topic | None, plan_type: str | None, kb: KnowledgeBase) -> Reply:
    """The answer to "and for a 504?" (or "and for an IEP?") after a ``last`` topic."""
    plan_type = plan_type_of(plan_type)
    variant_id = (last.plan_variants or {}).get(plan_type) if last else None
    if variant_id and variant_id in kb:
        lead_in = f"For {PLAN_NAMES[plan_type]}:"
        return points_reply([kb[variant_id].overview.key], kb, lead_in=lead_in)
    general = kb.get(FALLBACK_FOR_PLAN[plan_type])
    if general is None:
        return unsure_reply((), kb)
    if last is not None and last.id == general.id:
        return points_reply([general.overview.key], kb)
    lead_in = f"Here is how {PLAN_NAMES[plan_type]} works in general."
    if last is not None:
        lead_in = f"I don't have a separate answer on that for {PLAN_NAMES[plan_type]}. " + lead_in
    return points_reply([general.overview.key], kb, lead_in=lead_in)


def general_instead(lead_in: str, decision: Decision, kb: KnowledgeBase) -> Reply:
    """For a personal question where no records can be shown (an anonymous web visitor):
    say so, then answer the general question the words also ask, when one is clear
    ("when is the annual review due?"), else offer the closest points."""
    if decision.kind is Kind.POINTS and decision.points:
        return points_reply(
            decision.points[:1], kb, decision.alternatives, lead_in=f"{lead_in} In general:"
        )
    keys = decision.alternatives or decision.points
    buttons = [point_button(p) for p in (kb.point(k) for k in keys) if p]
    return Reply(text=lead_in, buttons=buttons)
