"""Load: sustained concurrent conversations through the production set-up, one replica
of every process and then two.

    .venv/bin/python benchmarks/load.py [--replicas 1,2] [--rate 40] [--seconds 45]
                                        [--saturate 16] [--breakdown]

Starts the production profile on loopback (tests/production/replicas.py): N action
servers, N Rasa servers sharing a PostgreSQL tracker store and the Redis lock store,
N front ends, one PostgreSQL records database with the demo district and a
synthetic one (``--students``). PostgreSQL at 127.0.0.1:5432 and Redis at
127.0.0.1:6379 are used; every database made is thrown away afterwards.

Conversations (8 turns each; a finished one is followed by a new person's):
- knowledge questions through the web chat (``POST /api/chat`` on a front end, with
  the visitor's cookie: front end, Rasa, action server, records database);
- personal look-ups as parents of the synthetic district through Rasa's signed
  ``iep`` channel, as the Slack front end sends them (Rasa, action server, records).
One person's consecutive messages go to different replicas, as behind a load
balancer without sticky sessions. Every answer is checked (an article, or a private
answer); a wrong or failed one is counted as an error.

Two phases per replica count:
- paced: messages arrive at ``--rate`` a second (Poisson arrivals, open loop: a slow
  answer does not slow the arrivals), for ``--seconds``;
- saturated: ``--saturate`` people each ask again as soon as answered: the most the
  set-up serves.
Reported: throughput, p50/p95/p99 latency, peak memory (RSS) of each process, and
the CPU time each kind of process spends per message (on two cores, what bounds
throughput). ``--breakdown`` adds one-at-a-time timings of the parts of a turn.
``--peer`` then measures the stock Rasa FAQ assistant (benchmarks/_peer.py) on the
same machine in the same run, knowledge questions one at a time: its latency and CPU
time per message are the yardstick that makes these figures comparable with
another machine's (absolute times differ from machine to machine).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks import _peer, _procstat  # noqa: E402
from benchmarks.import_students import generate  # noqa: E402
from bot.web.visitor import VISITOR_COOKIE  # noqa: E402
from iep_assistant.config import Settings  # noqa: E402
from iep_assistant.protocol import TROUBLE_TEXT  # noqa: E402
from iep_assistant.rasa_client import AssistantUnavailable, RasaClient  # noqa: E402
from iep_assistant.records import demo  # noqa: E402
from iep_assistant.records.db import Database  # noqa: E402
from iep_assistant.records.importer import import_path  # noqa: E402
from iep_assistant.stack import Stack  # noqa: E402
from tests.production.questions import KNOWLEDGE  # noqa: E402
from tests.production.replicas import (  # noqa: E402
    Replicas,
    fresh_redis_db,
    missing_rasa,
    postgres_unreachable,
    production_settings,
    redis_unreachable,
    running_replicas,
    throwaway_database,
)

POSTGRES = os.environ.get(
    "IEP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TARGET_RATE = 40.0
TARGET_P95_MS = 500.0
TURNS = 8
SLACK_DM = {"channel": "slack", "conversation": "dm"}
# A synthetic parent has one child, so need not name them.
PERSONAL = [
    "how is my child doing?",
    "what are the goals?",
    "when is the next meeting?",
    "who is my child's case manager?",
    "what accommodations does my child get?",
]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- people --------------------------------------------------------------------------------


@dataclass
class Person:
    """One conversation: who, through what, and how far it has got."""

    kind: str  # "web" (knowledge, web chat) or "personal" (iep channel)
    sender: str  # the Slack user id of a personal one; web visitors get a cookie
    offset: int  # which replica the first message goes to
    turns: int = 0
    visitor: str = ""  # a web visitor's cookie, once the front end has set it

    def text(self) -> str:
        if self.kind == "web":
            return KNOWLEDGE[(self.offset + self.turns) % len(KNOWLEDGE)][0]
        return PERSONAL[(self.offset + self.turns) % len(PERSONAL)]


class People:
    """Hands out people, a new one when a conversation has had its turns."""

    def __init__(self, parents: Iterator[str], personal_share: float, seed: int) -> None:
        self.parents = parents
        self.share = personal_share
        self.rnd = random.Random(seed)
        self.count = itertools.count()
        self.idle: list[Person] = []

    def take(self) -> Person:
        if self.idle:
            return self.idle.pop()
        return self.new("personal" if self.rnd.random() < self.share else "web")

    def new(self, kind: str) -> Person:
        n = next(self.count)
        return Person(kind, next(self.parents) if kind == "personal" else "", n)

    def give_back(self, person: Person) -> None:
        if person.turns < TURNS:
            self.idle.append(person)


@dataclass
class Chain:
    """The clients of one replica set: one HTTP client per front end, one Rasa client
    per Rasa server (connections kept alive, as a load balancer would)."""

    web: list[httpx.AsyncClient]
    rasa: list[RasaClient]

    @classmethod
    def open(cls, replicas: Replicas) -> Chain:
        limits = httpx.Limits(max_connections=400, max_keepalive_connections=100)
        return cls(
            [httpx.AsyncClient(base_url=u, timeout=60, limits=limits) for u in replicas.web_urls],
            [RasaClient(u, replicas.secret, timeout=60) for u in replicas.rasa_urls],
        )

    async def close(self) -> None:
        for client in self.web:
            await client.aclose()
        for rasa in self.rasa:
            await rasa.aclose()

    async def ask(self, person: Person) -> str | None:
        """Send the person's next message; the problem with the answer, or None."""
        n = (person.offset + person.turns) % len(self.rasa)
        text = person.text()
        person.turns += 1
        if person.kind == "personal":
            try:
                messages = await self.rasa[n].send(person.sender, text, SLACK_DM)
            except AssistantUnavailable as exc:
                return str(exc)
            if not any(m.private for m in messages):
                return f"not a personal answer to {text!r}: {messages[:1]!r}"
            return None
        web = self.web[n]
        # The cookie is sent by hand: a client shared by many visitors must not send
        # one visitor's cookie (kept in its jar) for another.
        cookie = f"{VISITOR_COOKIE}={person.visitor}" if person.visitor else ""
        try:
            response = await web.post(
                "/api/chat", json={"message": text}, headers={"Cookie": cookie}
            )
        except httpx.HTTPError as exc:
            return type(exc).__name__
        web.cookies.clear()
        person.visitor = response.cookies.get(VISITOR_COOKIE) or person.visitor
        texts = [m.get("text", "") for m in response.json().get("messages", [])]
        if response.status_code != 200 or not any(texts) or TROUBLE_TEXT in texts:
            return f"web chat HTTP {response.status_code}: {texts[:1]!r}"
        return None


# --- phases --------------------------------------------------------------------------------


@dataclass
class Phase:
    replicas: int
    name: str
    offered: float | None  # messages a second, None for saturated
    people: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dropped: int = 0  # arrivals not sent: too many waiting already
    seconds: float = 0.0
    cpu_ms: dict[str, float] = field(default_factory=dict)  # per message, per component

    @property
    def done(self) -> int:
        return len(self.latencies_ms)

    @property
    def throughput(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def ms(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def _one(chain: Chain, people: People, person: Person, phase: Phase) -> None:
    sent = time.perf_counter()
    problem = await chain.ask(person)
    phase.latencies_ms.append((time.perf_counter() - sent) * 1000)
    if problem:
        phase.errors.append(problem)
    people.give_back(person)


async def paced(chain: Chain, people: People, phase: Phase, seconds: float, seed: int) -> None:
    """Open loop: arrivals at ``phase.offered`` a second, each to an idle person."""
    rnd = random.Random(seed)
    tasks: set[asyncio.Task] = set()
    max_waiting = int(phase.offered * 30)  # 30 s of backlog: far past any target
    started = time.perf_counter()
    next_at = started
    seen: set[int] = set()
    while (now := time.perf_counter()) - started < seconds:
        if now < next_at:
            await asyncio.sleep(next_at - now)
        next_at += rnd.expovariate(phase.offered)
        if len(tasks) >= max_waiting:
            phase.dropped += 1
            continue
        person = people.take()
        seen.add(id(person))
        task = asyncio.create_task(_one(chain, people, person, phase))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks)
    phase.seconds = time.perf_counter() - started
    phase.people = len(seen)


async def saturated(
    chain: Chain, people: People, phase: Phase, seconds: float, at_once: int
) -> None:
    """Closed loop: ``at_once`` conversations, each asking again when answered."""
    deadline = time.perf_counter() + seconds
    seen: set[int] = set()

    async def someone() -> None:
        while time.perf_counter() < deadline:
            person = people.take()
            seen.add(id(person))
            await _one(chain, people, person, phase)

    started = time.perf_counter()
    await asyncio.gather(*(someone() for _ in range(at_once)))
    phase.seconds = time.perf_counter() - started
    phase.people = len(seen)


# --- measuring processes -------------------------------------------------------------------

OTHERS = ("postgres", "redis-server")


def components(replicas: Replicas) -> dict[str, list[int]]:
    """Process groups by kind of process."""
    return {
        "Rasa": [s.process.pid for s in replicas.rasa if s.process],
        "actions": [s.process.pid for s in replicas.actions if s.process],
        "front end": [s.process.pid for s in replicas.frontends if s.process],
    }


def cpu_now(replicas: Replicas) -> dict[str, float]:
    groups = components(replicas)
    raw = _procstat.cpu_by_group([g for gs in groups.values() for g in gs], OTHERS)
    out = {kind: sum(raw.get(f"pgid:{g}", 0.0) for g in gs) for kind, gs in groups.items()}
    out["PostgreSQL"] = raw.get("postgres", 0.0)
    out["Redis"] = raw.get("redis-server", 0.0)
    times = os.times()
    out["load generator"] = times.user + times.system
    return out


@contextlib.contextmanager
def cpu_per_message(replicas: Replicas, phase: Phase) -> Iterator[None]:
    before = cpu_now(replicas)
    yield
    after = cpu_now(replicas)
    if phase.done:
        phase.cpu_ms = {k: (after[k] - before[k]) * 1000 / phase.done for k in after}


# --- set-up --------------------------------------------------------------------------------


def fill_records(url: str, settings: Settings, folder: Path, students: int) -> list[str]:
    """Demo district plus a synthetic one; the Slack ids of the synthetic parents."""
    database = Database.from_url(url)
    try:
        database.upgrade()
        export = folder / "export"
        export.mkdir()
        generate(export, students)
        import_path(database, export, district_time_zone=settings.district_time_zone)
        demo.load(database, settings)
    finally:
        database.dispose()
    return [f"U{n:06d}P0" for n in range(students)]


async def warm_up(chain: Chain, people: People) -> None:
    """The first turns of a Rasa server are slow (TensorFlow builds its graphs)."""
    for _ in range(3):
        for n in range(len(chain.rasa)):
            for kind in ("web", "personal"):
                person = people.new(kind)
                person.offset = n
                await chain.ask(person)


async def measure(
    replicas: Replicas, args: argparse.Namespace, parents: Iterator[str]
) -> list[Phase]:
    chain = Chain.open(replicas)
    people = People(parents, args.personal_share, seed=len(replicas.rasa_urls))
    phases = []
    try:
        await warm_up(chain, people)
        n = len(replicas.rasa_urls)
        for rate in args.rates:
            phase = Phase(n, "paced", rate)
            say(f"  {n} replica(s): {rate:g} messages/s for {args.seconds:g} s ...")
            with cpu_per_message(replicas, phase):
                await paced(chain, people, phase, args.seconds, seed=int(rate * 10) + n)
            phases.append(phase)
            say(_summary(phase))
        if args.saturate:
            phase = Phase(n, f"saturated ({args.saturate} at once)", None)
            say(f"  {n} replica(s): {args.saturate} conversations with no pause ...")
            with cpu_per_message(replicas, phase):
                await saturated(chain, people, phase, args.seconds, args.saturate)
            phases.append(phase)
            say(_summary(phase))
    finally:
        await chain.close()
    return phases


def _summary(phase: Phase) -> str:
    common = Counter(phase.errors).most_common(3)
    return (
        f"    {phase.done} answered ({len(phase.errors)} errors, {phase.dropped} not sent), "
        f"{phase.throughput:.1f}/s, p50 {phase.ms(0.5):.0f} ms, p95 {phase.ms(0.95):.0f} ms"
        + "".join(f"\n    {n} x {problem[:160]}" for problem, n in common)
    )


# --- breakdown ---------------------------------------------------------------------------


async def breakdown(replicas: Replicas, parent: str, rounds: int = 30) -> list[tuple[str, float]]:
    """One request at a time on the idle set-up (replica 1): the median of each part."""
    rasa_url, web_url = replicas.rasa_urls[0], replicas.web_urls[0]
    question = KNOWLEDGE[0][0]
    chain = Chain(
        [httpx.AsyncClient(base_url=web_url, timeout=60)],
        [RasaClient(rasa_url, replicas.secret, timeout=60)],
    )
    rows: list[tuple[str, float]] = []

    async def timed(label: str, call: Callable[[int], Awaitable[object]]) -> None:
        seconds = []
        for n in range(rounds + 3):
            started = time.perf_counter()
            await call(n)
            if n >= 3:  # the first few warm caches and connections
                seconds.append(time.perf_counter() - started)
        rows.append((label, statistics.median(seconds) * 1000))

    visitor = Person("web", "", 0)
    personal = Person("personal", parent, 0)
    try:
        async with httpx.AsyncClient(base_url=rasa_url, timeout=60) as http:
            await timed(
                "knowledge turn, web chat (front end + Rasa + actions + records)",
                lambda _: chain.ask(visitor),
            )
            await timed(
                "knowledge turn, iep channel (Rasa + actions)",
                lambda n: chain.rasa[0].send(f"UBREAK{n:04d}", question, SLACK_DM),
            )
            await timed(
                "personal turn, iep channel (Rasa + actions + records)",
                lambda _: chain.ask(personal),
            )
            await timed(
                "Rasa NLU alone (POST /model/parse)",
                lambda _: http.post(
                    "/model/parse", params={"token": replicas.api_token}, json={"text": question}
                ),
            )
            await timed("front end alone (GET /healthz)", lambda _: chain.web[0].get("/healthz"))
    finally:
        await chain.close()
    rows += minilm_alone(question, rounds)
    return rows


MINILM_SCRIPT = """
import statistics, sys, time
from rasa_addons.minilm import MiniLMEncoder
encoder = MiniLMEncoder()
text, rounds = sys.argv[1], int(sys.argv[2])
encoder.encode([text])
seconds = []
for _ in range(rounds):
    started = time.perf_counter()
    encoder.encode([text])
    seconds.append(time.perf_counter() - started)
print(statistics.median(seconds) * 1000)
"""


def minilm_alone(text: str, rounds: int) -> list[tuple[str, float]]:
    """The MiniLM featurizer's encoder on one message, in the Rasa environment."""
    python = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
    done = subprocess.run(
        [str(python), "-c", MINILM_SCRIPT, text, str(rounds)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **thread_env(1), "PYTHONPATH": str(PROJECT_ROOT)},
    )
    if done.returncode != 0:
        return [("MiniLM encoder (failed: " + done.stderr.strip().splitlines()[-1] + ")", 0.0)]
    label = "MiniLM encoder alone, one thread, in Rasa's environment"
    return [(label, float(done.stdout.split()[-1]))]


# --- report --------------------------------------------------------------------------------


def report(phases: list[Phase], memory: list[tuple[int, str, float, float]]) -> str:
    lines = [
        f"{os.cpu_count()} CPUs; PostgreSQL and Redis on loopback; "
        "the load generator runs on the same cores",
        "",
        "| replicas | load | offered msg/s | conversations | answered | errors | msg/s "
        "| p50 ms | p95 ms | p99 ms |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in phases:
        offered = f"{p.offered:g}" if p.offered else "-"
        errors = f"{len(p.errors)}" + (f" (+{p.dropped} not sent)" if p.dropped else "")
        lines.append(
            f"| {p.replicas} | {p.name} | {offered} | {p.people} | {p.done} | {errors} "
            f"| {p.throughput:.1f} | {p.ms(0.5):.0f} | {p.ms(0.95):.0f} | {p.ms(0.99):.0f} |"
        )
    kinds = list(phases[0].cpu_ms) if phases else []
    lines += [
        "",
        "CPU time per answered message (ms), by kind of process (all replicas together):",
        "",
        "| replicas | load | " + " | ".join(kinds) + " | total |",
        "|---:|---|" + "---:|" * (len(kinds) + 1),
    ]
    for p in phases:
        cells = " | ".join(f"{p.cpu_ms.get(k, 0):.1f}" for k in kinds)
        lines.append(f"| {p.replicas} | {p.name} | {cells} | {sum(p.cpu_ms.values()):.1f} |")
    lines += [
        "",
        "Memory of each process (MB): resident after start, and peak (VmHWM) at the end:",
        "",
        "| replicas | process | after start | peak |",
        "|---:|---|---:|---:|",
    ]
    lines += [f"| {n} | {name} | {start:.0f} | {peak:.0f} |" for n, name, start, peak in memory]
    return "\n".join(lines)


def verdict(phases: list[Phase]) -> str:
    paced_at_target = [p for p in phases if p.offered and p.offered >= TARGET_RATE]
    if not paced_at_target:
        return f"(no paced run at {TARGET_RATE:g}/s: target not measured)"
    lines = []
    for p in paced_at_target:
        met = (
            p.throughput >= TARGET_RATE * 0.97
            and p.ms(0.95) < TARGET_P95_MS
            and not p.errors
            and not p.dropped
        )
        lines.append(
            f"target {TARGET_RATE:g} msg/s sustained with p95 < {TARGET_P95_MS:g} ms, "
            f"{p.replicas} replica(s): {'met' if met else 'NOT met'} "
            f"({p.throughput:.1f}/s, p95 {p.ms(0.95):.0f} ms)"
        )
    top = {p.replicas: p.throughput for p in phases if p.offered is None}
    if 1 in top and 2 in top and top[1]:
        lines.append(
            f"saturated throughput from one replica to two: {top[1]:.1f} -> {top[2]:.1f} "
            f"msg/s (x{top[2] / top[1]:.2f})"
        )
    return "\n".join(lines)


# --- main ----------------------------------------------------------------------------------


def thread_env(threads: int) -> dict[str, str]:
    """Thread counts for OpenBLAS (NumPy, SciPy), ONNX Runtime (the MiniLM featurizer,
    which follows OMP_NUM_THREADS) and TensorFlow (DIET), the environment variables
    they and Rasa read; none for 0."""
    if not threads:
        return {}
    value = str(threads)
    return {
        "OPENBLAS_NUM_THREADS": value,
        "OMP_NUM_THREADS": value,
        "MKL_NUM_THREADS": value,
        "TF_INTRA_OP_PARALLELISM_THREADS": value,
        "TF_INTER_OP_PARALLELISM_THREADS": value,
    }


def _sigterm_as_interrupt(signum: int, frame: FrameType | None) -> None:
    # `kill <pid>` must clean up like Ctrl-C: the services are in their own process groups.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", default="1,2", help="replica counts, comma-separated")
    parser.add_argument(
        "--rate", default=str(TARGET_RATE), help="offered messages/s, comma-separated"
    )
    parser.add_argument("--seconds", type=float, default=45.0, help="length of each phase")
    parser.add_argument(
        "--saturate", type=int, default=16, help="conversations at once, no pause (0: skip)"
    )
    parser.add_argument("--personal-share", type=float, default=0.5)
    parser.add_argument("--students", type=int, default=2000, help="synthetic students")
    parser.add_argument("--breakdown", action="store_true", help="time the parts of a turn")
    parser.add_argument(
        "--peer", action="store_true", help="also measure the stock Rasa FAQ assistant"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="math library and TensorFlow threads per process, as deploy/ sets them "
        "(0: the libraries' default, one per core)",
    )
    args = parser.parse_args(argv)
    args.rates = [float(x) for x in args.rate.split(",") if x and float(x) > 0]
    counts = [int(x) for x in args.replicas.split(",")]

    reason = missing_rasa() or redis_unreachable() or postgres_unreachable(POSTGRES)
    if reason:
        say(f"cannot run: {reason}")
        return 2
    phases: list[Phase] = []
    memory: list[tuple[int, str, float, float]] = []
    parts: list[tuple[str, float]] = []
    with (
        tempfile.TemporaryDirectory(prefix="iep-load-") as name,
        throwaway_database(POSTGRES, "loadrecords") as records_url,
    ):
        tmp = Path(name)
        base = production_settings(records_url, {"IEP_NOTIFIER": "off"})
        env = thread_env(args.threads)
        started = time.perf_counter()
        parents = iter(fill_records(records_url, base, tmp, args.students))
        say(f"records ready in {time.perf_counter() - started:.0f} s ({args.students} students)")
        for count in counts:
            with (
                throwaway_database(POSTGRES, "loadtrackers") as tracker_url,
                fresh_redis_db() as redis_url,
            ):
                say(f"starting {count} replica(s) of each process ...")
                with running_replicas(
                    count,
                    base,
                    tmp / f"logs-{count}",
                    tracker_db_url=tracker_url,
                    redis_url=redis_url,
                    env=env,
                    report=lambda line: say("  " + line),
                ) as replicas:
                    after_start = {
                        s.process.pid: _procstat.rss_mb(s.process.pid)
                        for s in replicas.services()
                        if s.process
                    }
                    phases += asyncio.run(measure(replicas, args, parents))
                    if args.breakdown and count == counts[0]:
                        parts = asyncio.run(breakdown(replicas, next(parents)))
                    for service in replicas.services():
                        if service.process:
                            pid = service.process.pid
                            peak = _procstat.peak_rss_mb(pid)
                            memory.append((count, service.name, after_start[pid], peak))
        yardstick = measure_peer(base, tmp) if args.peer else None
    print()
    print(report(phases, memory))
    if parts:
        print("\nOne request at a time on the idle set-up (median of 30, ms):\n")
        print("| part | ms |\n|---|---:|")
        for label, ms in parts:
            print(f"| {label} | {ms:.1f} |")
    if yardstick:
        latencies, cpu = yardstick
        print(
            "\nThe stock Rasa FAQ assistant, same machine and run, knowledge questions one at "
            f"a time: p50 {1000 * _peer.pct(latencies, 50):.0f} ms, "
            f"{1000 * cpu:.1f} ms of CPU a message."
        )
    print()
    print(verdict(phases))
    return 0


def measure_peer(settings: Settings, tmp: Path, count: int = 200) -> tuple[list[float], float]:
    """The stock FAQ peer alone on the idle machine (trained first if it must be)."""
    say("measuring the stock Rasa FAQ assistant ...")
    model = _peer.peer_model(_peer.PEER_DIR, settings.rasa_bin)
    service = _peer.peer_service(settings, model, tmp)
    running = Stack([service])
    running.start(timeout=300)
    try:
        asker = _peer.Asker("peer", [service], _peer.rest_sender(_peer.peer_url(service)))
        return asyncio.run(_peer.timed(asker, [q for q, _ in KNOWLEDGE], count))
    finally:
        running.stop()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
    say("interrupted: every process this benchmark started is stopped")
    sys.exit(130)
