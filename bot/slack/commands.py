"""The ``/iep`` slash command: the one table of subcommands, and how text maps onto it.

Adding a subcommand means adding one row to :data:`SUBCOMMANDS`; the help text is
built from the same table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

COMMAND = "/iep"


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    # From (the words after the subcommand, the whole command text) to the message
    # for Rasa; None for ``help``, which is answered locally.
    to_message: Callable[[str, str], str] | None


@dataclass(frozen=True)
class Help:
    """Show the help text."""


@dataclass(frozen=True)
class Send:
    """Send this text to the assistant."""

    text: str


@dataclass(frozen=True)
class Problem:
    """Tell the person this instead (the command was incomplete)."""

    text: str


@dataclass(frozen=True)
class Tickets:
    """Staff: list the help desk's open requests."""


Parsed = Help | Send | Problem | Tickets


def _remind(rest: str, whole: str) -> str:
    # "/iep remind" lists reminders; "/iep remind me 2 days before ..." asks for one.
    return whole if rest else "/list_reminders"


SUBCOMMANDS: dict[str, Subcommand] = {
    s.name: s
    for s in (
        Subcommand("help", f"{COMMAND} help", "what I can do", None),
        Subcommand(
            "meetings",
            f"{COMMAND} meetings",
            "upcoming IEP and 504 meetings for your children or students",
            lambda rest, whole: "/ask_meetings",
        ),
        Subcommand(
            "goals",
            f"{COMMAND} goals",
            "IEP goals and how they are going",
            lambda rest, whole: "/ask_goals",
        ),
        Subcommand(
            "remind",
            f"{COMMAND} remind [what]",
            "your meeting reminders, or set one: remind me 2 days before Maya's meeting",
            _remind,
        ),
        Subcommand(
            "tickets",
            f"{COMMAND} tickets",
            "staff: the help desk's open requests, to take or close",
            None,
        ),
        Subcommand(
            "ask",
            f"{COMMAND} ask <question>",
            "any question about IEPs and 504 plans",
            lambda rest, whole: rest,
        ),
    )
}
ASK_WHAT = f"Type your question after ask, for example: {COMMAND} ask what is an IEP?"


def parse(text: object) -> Parsed:
    """What ``/iep <text>`` asks for. Words that are no subcommand are taken as a question."""
    whole = " ".join(text.split()) if isinstance(text, str) else ""
    if not whole:
        return Help()
    first, _, rest = whole.partition(" ")
    sub = SUBCOMMANDS.get(first.lower())
    if sub is None:
        return Send(whole)
    if sub.name == "tickets":
        return Tickets()
    if sub.to_message is None:
        return Help()
    if sub.name == "ask" and not rest:
        return Problem(ASK_WHAT)
    return Send(sub.to_message(rest, whole))
