"""Two replicas of every process, one person's messages spread over both Rasa servers.

Replicas share their state only through PostgreSQL (records and Rasa's tracker store)
and Redis (Rasa's lock store); nothing is kept in a process. So a person whose
consecutive messages land on different Rasa servers must see one conversation: no
turn lost, none reordered, and what one server remembered (the student talked about)
known to the other on the next turn. Messages of one person that arrive at both
servers at the same instant must be handled one after the other, whole.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from iep_assistant.answering import group_of
from iep_assistant.protocol import TROUBLE_TEXT, BotMessage
from iep_assistant.rasa_client import RasaClient
from tests.production import questions
from tests.production.replicas import Replicas

pytestmark = [pytest.mark.rasa, pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

SLACK_DM = {"channel": "slack", "conversation": "dm"}


@dataclass(frozen=True)
class Turn:
    """A message and what its answer must be: a point of a knowledge topic, or a private
    answer whose text matches ``pattern`` (or a public one when ``private`` is False)."""

    text: str
    topic: str | None = None
    pattern: str | None = None
    private: bool = True

    def problem(self, messages: Sequence[BotMessage]) -> str | None:
        shown = " / ".join(m.text for m in messages)
        if not messages or not shown.strip() or TROUBLE_TEXT in shown:
            return f"no proper answer to {self.text!r}: {shown[:100]!r}"
        if self.topic is not None:
            got = [group_of(m.custom.get("article") or "") for m in messages]
            return None if self.topic in got else f"{self.text!r}: topic {got}, {shown[:80]!r}"
        if self.pattern is not None and not re.search(self.pattern, shown):
            return f"{self.text!r}: expected /{self.pattern}/, got {shown[:100]!r}"
        if any(m.private for m in messages) is not self.private:
            return f"{self.text!r}: private should be {self.private}"
        return None


KNOWLEDGE = [Turn(text, topic=topic) for text, topic in questions.KNOWLEDGE]

# The demo personas' own questions (README, Demo personas), in the order asked.
# "how is Leo doing?" then "and his goals?" are consecutive, so they land on
# different Rasa servers: the second is answered from what the first remembered.
PERSONAL = {
    "U0DEMOPARENT1": [
        Turn("how is Leo doing?", pattern=r"How Leo is doing"),
        Turn("and his goals?", pattern=r"Leo's annual goals"),
        Turn("when is Maya's next IEP meeting?", pattern=r"Maya"),
        Turn("who is Maya's case manager?", pattern=r"Maya's case manager is"),
    ],
    "U0DEMOPARENT2": [
        Turn("when is the next meeting?", pattern=r"Noah"),
        Turn("what accommodations does he get?", pattern=r"Noah Kim: 504 plan"),
        Turn("what are his goals?", pattern=r"Noah's plan"),
    ],
    "U0DEMOTEACHER": [
        Turn("how is Leo doing on his reading goal?", pattern=r"Leo's reading goal"),
        Turn("what accommodations does Leo get in math?", pattern=r"Leo Alvarez: IEP"),
    ],
    "U0DEMOSLP": [
        Turn("what are Maya's goals?", pattern=r"Maya's annual goals"),
        Turn("how is Maya doing?", pattern=r"How Maya is doing"),
    ],
    "U0DEMOCASEMGR": [
        Turn("what deadlines are coming up for my caseload?", pattern=r"Overdue|Due in the next"),
        Turn("any meetings next week?", pattern=r"[Mm]eeting"),
    ],
    "U0DEMOHSCM": [
        Turn("what deadlines are coming up for my caseload?", pattern=r"Overdue|Due in the next"),
    ],
    "U0DEMOADMIN": [
        Turn("any meetings next week?", pattern=r"[Mm]eeting"),
        Turn("who is Leo's case manager?", pattern=r"Leo's case manager is"),
    ],
}
# Someone the district does not know: general answers, and an explanation instead of
# anyone's records.
NOT_LINKED = Turn("how is Leo doing?", pattern=r"linked", private=False)
TURNS = 8
STRANGERS = 13  # 7 personas + 13 = 20 senders


def scripts() -> dict[str, list[Turn]]:
    """Every sender's 8 turns: personal questions first, knowledge questions after."""
    out: dict[str, list[Turn]] = {}
    for n, (sender, personal) in enumerate(PERSONAL.items()):
        rest = [KNOWLEDGE[(n + k) % len(KNOWLEDGE)] for k in range(TURNS - len(personal))]
        out[sender] = [*personal, *rest]
    for n in range(STRANGERS):
        knowledge = [KNOWLEDGE[(3 * n + k) % len(KNOWLEDGE)] for k in range(TURNS - 1)]
        out[f"U0REPLICA{n:02d}"] = [*knowledge[:3], NOT_LINKED, *knowledge[3:]]
    return out


def tracker(replicas: Replicas, server: int, sender: str) -> dict[str, Any]:
    response = httpx.get(
        f"{replicas.rasa_urls[server]}/conversations/{sender}/tracker",
        params={"token": replicas.api_token},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def user_turns(events: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each user message with the bot messages that answered it, checking on the way
    that every turn was whole: Rasa listened again before the next message came in."""
    turns: list[tuple[str, list[dict[str, Any]]]] = []
    last_action = None
    for event in events:
        if event["event"] == "action":
            last_action = event["name"]
        elif event["event"] == "user":
            assert last_action == "action_listen", (
                f"{event['text']!r} was taken in while the turn before it was still "
                f"running (last action {last_action!r})"
            )
            turns.append((event["text"], []))
            last_action = None
        elif event["event"] == "bot" and turns:
            turns[-1][1].append(event)
    return turns


async def converse(
    clients: list[RasaClient], sender: str, turns: list[Turn], offset: int
) -> list[str]:
    """One person's turns, each on the other server than the one before; the problems."""
    problems = []
    for k, turn in enumerate(turns):
        messages = await clients[(offset + k) % len(clients)].send(sender, turn.text, SLACK_DM)
        problem = turn.problem(messages)
        if problem:
            problems.append(f"{sender} turn {k + 1} (server {(offset + k) % 2 + 1}): {problem}")
    return problems


async def web_visitor(web_urls: list[str], turns: list[Turn], offset: int) -> tuple[str, list[str]]:
    """A web chat visitor whose requests alternate between the front ends, as behind a
    load balancer without sticky sessions; returns the visitor id and the problems."""
    problems = []
    cookies = httpx.Cookies()
    for k, turn in enumerate(turns):
        url = web_urls[(offset + k) % len(web_urls)]
        async with httpx.AsyncClient(base_url=url, cookies=cookies, timeout=60) as web:
            response = await web.post("/api/chat", json={"message": turn.text})
            cookies = web.cookies
        texts = [m.get("text", "") for m in response.json().get("messages", [])]
        if response.status_code != 200 or not any(texts) or TROUBLE_TEXT in texts:
            problems.append(f"web turn {k + 1}: HTTP {response.status_code} {texts!r}")
    return cookies.get("iep_visitor") or "", problems


def test_many_conversations_spread_over_two_rasa_servers(replicas: Replicas) -> None:
    plans = scripts()
    visitors = [[KNOWLEDGE[(2 * v + k) % len(KNOWLEDGE)] for k in range(4)] for v in range(4)]

    async def everyone() -> tuple[list[list[str]], list[tuple[str, list[str]]]]:
        clients = [RasaClient(url, replicas.secret, timeout=120) for url in replicas.rasa_urls]
        try:
            return await asyncio.gather(
                asyncio.gather(
                    *(converse(clients, s, t, n) for n, (s, t) in enumerate(plans.items()))
                ),
                asyncio.gather(
                    *(web_visitor(replicas.web_urls, t, v) for v, t in enumerate(visitors))
                ),
            )
        finally:
            for client in clients:
                await client.aclose()

    slack_problems, web_results = asyncio.run(everyone())
    problems = [p for one in slack_problems for p in one] + [
        p for _, one in web_results for p in one
    ]
    assert not problems, "\n".join(problems)

    # Each tracker, read from either server, holds every message, in order, each answered.
    expected = {sender: [t.text for t in turns] for sender, turns in plans.items()}
    expected |= {
        visitor: [t.text for t in turns]
        for (visitor, _), turns in zip(web_results, visitors, strict=True)
    }
    for sender, texts in expected.items():
        assert sender, "a web visitor got no cookie"
        for server in (0, 1):
            turns = user_turns(tracker(replicas, server, sender)["events"])
            assert [text for text, _ in turns] == texts, f"{sender} as server {server + 1} sees it"
            unanswered = [text for text, answers in turns if not answers]
            assert not unanswered, f"{sender}: no answer recorded to {unanswered}"


def test_a_remembered_student_is_known_to_the_other_server(replicas: Replicas) -> None:
    sender = "U0DEMOPARENT1"

    async def ask(server: int, text: str) -> list[BotMessage]:
        client = RasaClient(replicas.rasa_urls[server], replicas.secret, timeout=120)
        try:
            return await client.send(sender, text, SLACK_DM)
        finally:
            await client.aclose()

    for first, second in ((0, 1), (1, 0)):
        asyncio.run(ask(first, "how is Maya doing?"))
        asyncio.run(ask(first, "how is Leo doing?"))
        remembered = [tracker(replicas, s, sender)["slots"]["remembered_student"] for s in (0, 1)]
        assert remembered[0] is not None and remembered[0] == remembered[1]
        answer = asyncio.run(ask(second, "and his goals?"))
        assert re.search(r"Leo's annual goals", answer[0].text), answer[0].text
        slots = [tracker(replicas, s, sender)["slots"] for s in (0, 1)]
        assert slots[0] == slots[1]


def test_simultaneous_messages_of_one_person_are_handled_one_at_a_time(
    replicas: Replicas,
) -> None:
    """Both servers get a message of the same person at once: Redis's lock makes one
    wait for the other, so neither turn is lost or mixed into the other."""
    senders = [f"U0BURST{n:02d}" for n in range(6)]
    rounds = 3

    async def burst() -> list[str]:
        clients = [RasaClient(url, replicas.secret, timeout=120) for url in replicas.rasa_urls]
        problems = []
        try:
            for r in range(rounds):
                pairs = [
                    (sender, server, KNOWLEDGE[(n + 2 * r + server) % len(KNOWLEDGE)])
                    for n, sender in enumerate(senders)
                    for server in (0, 1)
                ]
                answers = await asyncio.gather(
                    *(clients[server].send(s, turn.text, SLACK_DM) for s, server, turn in pairs)
                )
                problems += [
                    f"{s}: {p}"
                    for (s, _, turn), got in zip(pairs, answers, strict=True)
                    if (p := turn.problem(got))
                ]
        finally:
            for client in clients:
                await client.aclose()
        return problems

    problems = asyncio.run(burst())
    assert not problems, "\n".join(problems)
    by_text = {turn.text: turn.topic for turn in KNOWLEDGE}
    for n, sender in enumerate(senders):
        turns = user_turns(tracker(replicas, n % 2, sender)["events"])
        assert len(turns) == 2 * rounds, f"{sender}: {len(turns)} turns recorded"
        for text, answers in turns:
            keys = [(a.get("data") or {}).get("custom", {}).get("article") or "" for a in answers]
            topics = [group_of(k) for k in keys]
            assert topics == [by_text[text]], f"{sender}: {text!r} answered with {keys}"
