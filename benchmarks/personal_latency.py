"""Latency of each personal lookup through Rasa, with 1,000+ students in the records.

    .venv/bin/python benchmarks/personal_latency.py [--requests 100] [--students 1000]

Builds a SQLite records database in a temporary folder (the demo district with its
personas, plus a synthetic export from ``import_students.py``), starts the action
server and the Rasa server on free ports with the newest model in models/, and
sends each question as the persona it belongs to, one request at a time, the
lookups taking turns.

"Through the Rasa REST channel" means Rasa's HTTP webhook: the signed ``iep``
webhook (``/webhooks/iep/webhook``) the front ends use, because Rasa's plain
``rest`` channel is anonymous and never gets personal answers. A round trip is
NLU, dialogue policies, the tracker store, the call to the action server and the
action's database work. Each reply is checked to be the personal answer asked for,
so a misrouted intent cannot pass as a fast one.

The last column times the lookup alone (``answer_for`` in this process, against the
same database): the rest of a round trip is Rasa and the HTTP hops. ``--breakdown``
adds Rasa's NLU alone (``/model/parse``); ``--profile KEY`` prints a cProfile of
that lookup's ``answer_for``.

Exits 1 if a reply was wrong or a p95 is not under the target.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import os
import platform
import pstats
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import func, select

from iep_assistant.config import Settings
from iep_assistant.personal.lookups import Question, answer_for
from iep_assistant.protocol import BotMessage
from iep_assistant.rasa_client import WEBHOOK_PATH, RasaClient
from iep_assistant.records import demo
from iep_assistant.records.db import Database
from iep_assistant.records.importer import Export, import_export, import_path
from iep_assistant.records.models import Student
from iep_assistant.records.types import Channel

try:  # run as a script, benchmarks/ is on sys.path
    from _stack import benchmark_stack
    from import_students import generate
except ImportError:  # run as `python -m benchmarks.personal_latency`
    from benchmarks._stack import benchmark_stack
    from benchmarks.import_students import generate

TARGET_P95_MS = 150.0
CASE_MANAGER = "DEMO-U0DEMOCASEMGR"
# The synthetic export's staff ids (import_students.py): school 0, staff 3 is a case
# manager (~170 students), staff 5 the administrator of its 1,000 students.
BIG_CASE_MANAGER = "U000S003"
BIG_ADMINISTRATOR = "U000S005"


@dataclass(frozen=True)
class Lookup:
    """One question, who asks it, and what its answer must look like."""

    key: str  # for --only and --profile
    name: str
    sender: str  # a Slack user id in the records
    text: str
    expect: str  # a regular expression the reply's text must match
    # The same question as the NLU reads it, for timing answer_for in-process.
    intent: str
    student: str | None = None
    goal_area: str | None = None
    conversation: str = "dm"
    chart: bool | None = None  # True: must refer to a chart for the front end to draw
    stress: bool = False  # beyond the list: a worst case, reported apart

    @property
    def metadata(self) -> dict[str, str]:
        return {"channel": "slack", "conversation": self.conversation}

    def wrong(self, messages: list[BotMessage]) -> str | None:
        """Why the reply is not the expected personal answer, or None if it is."""
        text = "\n".join(m.text for m in messages)
        if not re.search(self.expect, text):
            return f"expected /{self.expect}/, got {text[:120]!r}"
        if not any(m.private for m in messages):
            return "the answer is not marked private"
        has_chart = any(m.chart for m in messages)
        if self.chart is not None and has_chart != self.chart:
            return "a chart was expected" if self.chart else "no chart was expected"
        return None


LOOKUPS = (
    Lookup(
        "meetings",
        "meetings (parent, one child)",
        "U0DEMOPARENT1",
        "when is Maya's next IEP meeting?",
        r"Maya's meetings .*:\n• ",
        "ask_meetings",
        student="Maya",
    ),
    Lookup(
        "plan",
        "plan: accommodations in math",
        "U0DEMOPARENT1",
        "what accommodations does Leo get in math?",
        r"\*\*Leo Alvarez: IEP\*\*[\s\S]*Accommodations for math:",
        "ask_plan",
        student="Leo",
        goal_area="math",
    ),
    Lookup(
        "goals",
        "goals",
        "U0DEMOPARENT1",
        "what are Maya's goals?",
        r"Maya's annual goals:\n• ",
        "ask_goals",
        student="Maya",
    ),
    Lookup(
        "progress",
        "progress (chart drawn apart)",
        "U0DEMOPARENT1",
        "how is Leo doing on his reading goal?",
        r"\*\*Leo's reading goal\*\*[\s\S]*Latest: ",
        "ask_progress",
        student="Leo",
        goal_area="reading",
        chart=True,
    ),
    Lookup(
        "case-manager",
        "case manager",
        "U0DEMOPARENT1",
        "who is Maya's case manager?",
        r"Maya's case manager is Daniel Okafor\.",
        "ask_case_manager",
        student="Maya",
    ),
    Lookup(
        "deadlines",
        "deadlines (caseload)",
        "U0DEMOCASEMGR",
        "what deadlines are coming up for my caseload?",
        r"\*\*(Overdue|Due in the next \d+ days) \(\d+\)\*\*\n• ",
        "ask_deadlines",
    ),
    Lookup(
        "caseload-meetings",
        "meetings (caseload)",
        "U0DEMOCASEMGR",
        "upcoming meetings for my students",
        r"^Meetings .*:\n• \w+'s ",
        "ask_meetings",
    ),
    Lookup(
        "students",
        "list students (principal)",
        "U0DEMOADMIN",
        "show all students at my school",
        r"You can ask me about these [\d,]+ students:\n• ",
        "list_students",
    ),
    Lookup(
        "deadlines-170",
        "deadlines (~170 caseload)",
        BIG_CASE_MANAGER,
        "what deadlines are coming up for my caseload?",
        r"\*\*(Overdue|Due in the next \d+ days) \(\d+\)\*\*\n• ",
        "ask_deadlines",
        stress=True,
    ),
    Lookup(
        "students-1000",
        "list students (1,000 school)",
        BIG_ADMINISTRATOR,
        "show all students at my school",
        r"You can ask me about these [\d,]+ students:\n• ",
        "list_students",
        stress=True,
    ),
)
BY_KEY = {lookup.key: lookup for lookup in LOOKUPS}


@dataclass
class Result:
    lookup: Lookup
    seconds: list[float] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    in_process: list[float] = field(default_factory=list)
    nlu: list[float] = field(default_factory=list)

    def ms(self, q: int, values: list[float] | None = None) -> float:
        """The q-th percentile in milliseconds (inclusive method: no extrapolation)."""
        values = self.seconds if values is None else values
        if len(values) == 1:
            return values[0] * 1000
        return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000

    @property
    def passed(self) -> bool:
        return not self.wrong and bool(self.seconds) and self.ms(95) < TARGET_P95_MS


# --- the database -----------------------------------------------------------------------------


def fill_database(settings: Settings, folder: Path, students: int, caseload: int) -> int:
    """Load the synthetic export and the demo district; return the number of students."""
    database = Database.from_url(settings.database_url)
    try:
        database.upgrade()
        export = folder / "export"
        export.mkdir()
        generate(export, students)
        zone = settings.district_time_zone
        import_path(database, export, district_time_zone=zone)
        demo.load(database, settings)
        # A realistic caseload for the demo case manager: their ~20 demo students plus
        # synthetic ones, so caseload lookups scan a few dozen plans, not a handful.
        extra = Export.from_rows(
            {
                "staff_assignments": [
                    {"person_id": CASE_MANAGER, "student_id": f"S-{n:06d}", "role": "case manager"}
                    for n in range(min(caseload, students))
                ]
            },
            source="benchmark",
        )
        import_export(database, extra, district_time_zone=zone, actor="benchmark")
        with database.session() as session:
            return session.scalar(select(func.count()).select_from(Student)) or 0
    finally:
        database.dispose()


# --- through Rasa -----------------------------------------------------------------------------


async def _fresh_session(client: RasaClient, sender: str) -> None:
    # A new conversation session: Rasa's tracker store loads only the events since the
    # last session start, so a long run does not time ever longer trackers.
    await client.send(sender, "/session_start", {"channel": "slack", "conversation": "dm"})


async def measure(
    client: RasaClient,
    lookups: list[Lookup],
    *,
    requests: int,
    warmup: int,
    session_every: int,
    say: Callable[[str], None],
) -> list[Result]:
    """Every lookup in turn, one request at a time, ``warmup + requests`` rounds.

    Taking turns spreads whatever else the machine is doing over all lookups alike,
    instead of charging it to whichever one happened to run at the time.
    """
    results = [Result(lookup) for lookup in lookups]
    asked: dict[str, int] = {}  # requests per sender in its current session
    for round_ in range(warmup + requests):
        if round_ == warmup:
            say(f"warmed up; timing {requests} rounds of {len(lookups)} lookups")
        for result in results:
            lookup = result.lookup
            if asked.get(lookup.sender, session_every) >= session_every:
                await _fresh_session(client, lookup.sender)
                asked[lookup.sender] = 0
            asked[lookup.sender] += 1
            started = time.perf_counter()
            messages = await client.send(lookup.sender, lookup.text, lookup.metadata)
            elapsed = time.perf_counter() - started
            if round_ < warmup:
                continue
            result.seconds.append(elapsed)
            problem = lookup.wrong(messages)
            if problem:
                result.wrong.append(problem)
    return results


async def time_nlu(
    rasa_url: str, token: str, lookup: Lookup, *, requests: int, warmup: int
) -> list[float]:
    """Rasa's NLU alone (``/model/parse``): the share of a round trip that is understanding."""
    seconds = []
    async with httpx.AsyncClient(base_url=rasa_url, timeout=60.0) as http:
        for n in range(warmup + requests):
            started = time.perf_counter()
            response = await http.post(
                "/model/parse", params={"token": token}, json={"text": lookup.text}
            )
            response.raise_for_status()
            if n >= warmup:
                seconds.append(time.perf_counter() - started)
    return seconds


# --- in-process ---------------------------------------------------------------------------------


def _question(lookup: Lookup, tz: ZoneInfo) -> Question:
    return Question(
        intent=lookup.intent,
        text=lookup.text,
        student_name=lookup.student,
        goal_area=lookup.goal_area,
        now=datetime.now(ZoneInfo("UTC")),
        tz=tz,
    )


def percentile(values: list[float], q: int) -> float:
    ordered = sorted(values)
    return (
        statistics.quantiles(ordered, n=100, method="inclusive")[q - 1]
        if len(ordered) > 1
        else ordered[0]
    )


def time_chart(database: Database, tz: ZoneInfo, n: int) -> list[float]:
    """How long the front end takes to draw Leo's reading chart for his parent (ms)."""
    from sqlalchemy import select

    from iep_assistant.personal.chart import chart_for
    from iep_assistant.records.models import Goal, Plan, Student

    with database.session() as session:
        leo, goal = session.execute(
            select(Student.id, Goal.id)
            .join(Plan, Plan.student_id == Student.id)
            .join(Goal, Goal.plan_id == Plan.id)
            .where(Student.first_name == "Leo", Goal.area == "reading")
        ).one()
    times = []
    today = datetime.now(tz).date()
    for _ in range(n):
        started = time.perf_counter()
        with database.session() as session:
            png = chart_for(session, "U0DEMOPARENT1", leo, goal, today)
        times.append((time.perf_counter() - started) * 1000)
        assert png and png.startswith(b"\x89PNG")
    return times


def time_in_process(database: Database, lookup: Lookup, tz: ZoneInfo, runs: int) -> list[float]:
    """answer_for alone, one session per call as the action does (``actions/personal.py``)."""
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        with database.session() as session:
            answer_for(session, lookup.sender, Channel.SLACK, _question(lookup, tz))
        seconds.append(time.perf_counter() - started)
    return seconds


def profile(database: Database, lookup: Lookup, tz: ZoneInfo, runs: int) -> str:
    """The 25 costliest calls (cumulative) of ``runs`` answer_for calls, as text."""
    time_in_process(database, lookup, tz, 3)  # imports and caches out of the profile
    profiler = cProfile.Profile()
    profiler.enable()
    time_in_process(database, lookup, tz, runs)
    profiler.disable()
    out = io.StringIO()
    out.write(f"\ncProfile of answer_for, {lookup.name!r}, {runs} calls (cumulative):\n")
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


# --- report ---------------------------------------------------------------------------------------


def machine() -> str:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    return (
        f"{platform.system()} {platform.machine()}, {cores} cores ({usable} usable)"
        + (f", {model}" if model else "")
        + f", Python {platform.python_version()}"
    )


def table(results: list[Result]) -> str:
    header = (
        f"{'lookup':<32} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}  "
        f"{'p95<150':<7} {'wrong':>5}  {'answer_for p50/p95 ms':>21}"
        + (f"  {'NLU p50/p95 ms':>15}" if any(r.nlu for r in results) else "")
    )
    lines = [header, "-" * len(header)]
    for stress in (False, True):
        chosen = [r for r in results if r.lookup.stress is stress]
        if stress and chosen:
            lines.append("worst cases beyond the issue's list:")
        for r in chosen:
            inner = (
                f"{r.ms(50, r.in_process):.1f} / {r.ms(95, r.in_process):.1f}"
                if r.in_process
                else "-"
            )
            nlu = f"  {r.ms(50, r.nlu):.1f} / {r.ms(95, r.nlu):.1f}".rjust(17) if r.nlu else ""
            lines.append(
                f"{r.lookup.name:<32} {len(r.seconds):>4} {r.ms(50):>7.1f} {r.ms(95):>7.1f} "
                f"{max(r.seconds) * 1000:>7.1f}  {'yes' if r.passed else 'NO':<7} "
                f"{len(r.wrong):>5}  {inner:>21}{nlu}"
            )
    return "\n".join(lines)


# --- main -------------------------------------------------------------------------------------


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=_positive, default=100, help="timed requests each")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests each first")
    parser.add_argument("--students", type=_positive, default=1_000, help="synthetic students")
    parser.add_argument(
        "--caseload", type=int, default=20, help="synthetic students added to Daniel's caseload"
    )
    parser.add_argument(
        "--session-every",
        type=_positive,
        default=10,
        help="start a new conversation session every N requests",
    )
    parser.add_argument(
        "--only", action="append", choices=list(BY_KEY), help="run only these lookups"
    )
    parser.add_argument("--no-stress", action="store_true", help="skip the worst-case lookups")
    parser.add_argument(
        "--breakdown", action="store_true", help="also time Rasa's NLU alone (/model/parse)"
    )
    parser.add_argument(
        "--profile", action="append", choices=list(BY_KEY), help="cProfile this answer_for"
    )
    args = parser.parse_args(argv)
    lookups = [
        lookup
        for lookup in LOOKUPS
        if (not args.only or lookup.key in args.only) and not (args.no_stress and lookup.stress)
    ]

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="iep-personal-bench-") as name:
        tmp = Path(name)
        counted: dict[str, int] = {}

        def prepare(settings: Settings) -> None:
            started = time.perf_counter()
            counted["students"] = fill_database(settings, tmp, args.students, args.caseload)
            say(
                f"database ready in {time.perf_counter() - started:.1f} s: "
                f"{counted['students']:,} students"
            )

        try:
            with benchmark_stack(tmp, prepare=prepare, report=say) as running:
                load_before = os.getloadavg()
                results = asyncio.run(
                    _run_all(running.rasa_url, running.settings, lookups, args, say)
                )
                load_after = os.getloadavg()
                settings, model = running.settings, running.model
        except KeyboardInterrupt:
            say("interrupted: every process this benchmark started is stopped")
            return 130

        # After the stack is down, so that nothing else competes for the cores.
        database = Database.from_url(settings.database_url)
        tz = ZoneInfo(settings.district_time_zone)
        try:
            for result in results:
                time_in_process(database, result.lookup, tz, min(args.warmup, 3))
                result.in_process = time_in_process(database, result.lookup, tz, args.requests)
            profiles = [profile(database, BY_KEY[k], tz, args.requests) for k in args.profile or []]
            chart_ms = time_chart(database, tz, args.requests)
        finally:
            database.dispose()

    print(
        f"\nPersonal lookups through Rasa's signed `iep` HTTP webhook ({WEBHOOK_PATH}), "
        f"sequential, one request at a time"
    )
    print(f"machine:  {machine()}")
    # Other processes on the machine inflate the figures: the load says how busy it was.
    print(
        f"load:     {load_before[0]:.2f} before, {load_after[0]:.2f} after the timed requests "
        "(1-minute load average, this benchmark's stack included)"
    )
    cores = os.cpu_count() or 1
    if load_after[0] > cores:
        # One request at a time keeps about one core busy; more load is someone else's.
        print(
            f"WARNING:  a load of {load_after[0]:.1f} on {cores} cores: other work competed "
            "for the CPU, so these figures (the p95s most) are higher than on a quiet machine"
        )
    print(f"records:  {counted['students']:,} students in the SQLite database")
    print(f"model:    {model.name}")
    print(
        f"requests: {args.requests} timed per lookup after {args.warmup} warm-up, "
        f"a new conversation session every {args.session_every} requests per person\n"
    )
    print(table(results))
    print(
        f"\nprogress chart, drawn by the Slack front end after the answer (in-process, "
        f"{len(chart_ms)} times): p50 {percentile(chart_ms, 50):.1f} ms, "
        f"p95 {percentile(chart_ms, 95):.1f} ms"
    )
    for r in results:
        if r.wrong:
            print(f"\n{r.lookup.name}: {len(r.wrong)} wrong replies, first: {r.wrong[0]}")
    for text in profiles:
        print(text)
    failed = [r.lookup.name for r in results if not r.passed]
    verdict = "every lookup" if not failed else f"NOT: {', '.join(failed)}"
    print(f"\np95 under {TARGET_P95_MS:.0f} ms with correct answers: {verdict}")
    return 1 if failed else 0


async def _run_all(
    rasa_url: str,
    settings: Settings,
    lookups: list[Lookup],
    args: argparse.Namespace,
    say: Callable[[str], None],
) -> list[Result]:
    client = RasaClient(rasa_url, settings.channel_secret, timeout=60.0)
    try:
        results = await measure(
            client,
            lookups,
            requests=args.requests,
            warmup=args.warmup,
            session_every=args.session_every,
            say=say,
        )
    finally:
        await client.aclose()
    for result in results:
        say(f"  {result.lookup.name}: p50 {result.ms(50):.1f} ms, p95 {result.ms(95):.1f} ms")
        if args.breakdown:
            result.nlu = await time_nlu(
                rasa_url,
                settings.rasa_api_token,
                result.lookup,
                requests=args.requests,
                warmup=args.warmup,
            )
    return results


if __name__ == "__main__":
    raise SystemExit(main())
