"""Slack latency: from a signed ``message.im`` event arriving to the reply being posted.

Starts the real stack (action server, Rasa, and the front end with Slack enabled, each
its own process, on free loopback ports) with a fake Slack Web API in this process.
Then 1, 10 and 50 people each ask knowledge questions in their DMs: a person sends
an event, waits for the answer, pauses as a reader would (``--think``, mean seconds,
spread 0.5x to 1.5x), and asks again. Measured: the time from sending the event to
the fake Slack recording ``chat.postMessage``. For comparison, the same people then
ask Rasa directly (no Slack, no front end): the floor the front end adds to.

    .venv/bin/python benchmarks/slack_latency.py [--levels 1,10,50] [--questions 60]
                                                  [--think 3]

``--think 0`` makes everyone ask again at once: the stack saturated, which measures
throughput rather than what a person waits. Questions are the held-out parents'
questions (tests/heldout). Each person's first question is a warm-up and not counted
(it also looks up their Slack time zone, which is then cached for an hour).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks._stack import benchmark_stack  # noqa: E402
from iep_assistant import stack  # noqa: E402
from iep_assistant.config import Settings  # noqa: E402
from iep_assistant.rasa_client import RasaClient  # noqa: E402
from tests.slack.fake_slack import Call, FakeSlack  # noqa: E402
from tests.slack.harness import dm, event_body, sign  # noqa: E402

SECRET = "benchmark-signing-secret"
TARGET_MS = 500.0


def questions() -> list[str]:
    data = yaml.safe_load(
        (PROJECT_ROOT / "tests" / "heldout" / "knowledge_questions.yml").read_text()
    )
    found = [q for qs in data["questions"].values() for q in qs if isinstance(q, str)]
    random.Random(6).shuffle(found)
    return found


def prepare_database(settings: Settings) -> None:
    from iep_assistant.records import demo
    from iep_assistant.records.db import Database

    database = Database.from_url(settings.database_url)
    database.upgrade()
    demo.load(database, settings)
    database.dispose()


class Replies:
    """The times replies are posted, per DM, as the fake Slack records them."""

    def __init__(self, fake: FakeSlack, loop: asyncio.AbstractEventLoop) -> None:
        self.fake = fake
        self.loop = loop
        self.queues: dict[str, asyncio.Queue[float]] = {}
        fake.listeners.append(self._recorded)

    def close(self) -> None:
        self.fake.listeners.remove(self._recorded)

    def watch(self, channel: str) -> asyncio.Queue[float]:
        return self.queues.setdefault(channel, asyncio.Queue())

    def _recorded(self, call: Call) -> None:  # in the fake's thread
        queue = self.queues.get(str(call.args.get("channel")))
        if call.method == "chat.postMessage" and queue is not None:
            self.loop.call_soon_threadsafe(queue.put_nowait, call.at)


@dataclasses.dataclass(frozen=True)
class Load:
    people: int
    rounds: int  # measured questions per person (after one warm-up question)
    think: float  # mean pause between a reply and the next question, seconds

    def pause(self, rnd: random.Random) -> float:
        return rnd.uniform(0.5 * self.think, 1.5 * self.think) if self.think else 0.0


async def via_slack(
    client: httpx.AsyncClient, replies: Replies, user: str, asks: list[str], load: Load
) -> list[float]:
    """One person in their DM: event in, wait for the reply, pause, ask again."""
    posted_at = replies.watch("D" + user[1:])
    rnd = random.Random(user)
    latencies: list[float] = []
    await asyncio.sleep(load.pause(rnd))  # people do not all start at the same instant
    for i, text in enumerate(asks):
        body = event_body(dm(user, text))
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": sign(SECRET, stamp, body),
        }
        sent = time.monotonic()
        response = await client.post("/slack/events", content=body, headers=headers)
        response.raise_for_status()
        posted = await asyncio.wait_for(posted_at.get(), timeout=60)
        if i > 0:  # the first is a warm-up (time zone look-up, new tracker)
            latencies.append((posted - sent) * 1000)
        await asyncio.sleep(load.pause(rnd))
    return latencies


async def via_rasa(rasa: RasaClient, user: str, asks: list[str], load: Load) -> list[float]:
    """The same person, straight to Rasa: the floor the front end adds to."""
    rnd = random.Random(user)
    latencies: list[float] = []
    await asyncio.sleep(load.pause(rnd))
    for i, text in enumerate(asks):
        sent = time.monotonic()
        await rasa.send(user, text, {"channel": "slack", "conversation": "dm"})
        if i > 0:
            latencies.append((time.monotonic() - sent) * 1000)
        await asyncio.sleep(load.pause(rnd))
    return latencies


def plans(load: Load, pool: list[str], prefix: str) -> list[tuple[str, list[str]]]:
    out = []
    for p in range(load.people):
        start = (p * (load.rounds + 1)) % len(pool)
        asks = [pool[(start + k) % len(pool)] for k in range(load.rounds + 1)]
        out.append((f"U{prefix}{p:03d}", asks))
    return out


async def run_load(
    settings: Settings, fake: FakeSlack, load: Load, pool: list[str], tag: str
) -> tuple[list[float], list[float]]:
    """(through Slack, straight to Rasa) latencies in ms for one level of load."""
    url = f"http://127.0.0.1:{settings.web_port}"
    limits = httpx.Limits(max_connections=load.people + 10)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        replies = Replies(fake, asyncio.get_running_loop())
        try:
            slack = await asyncio.gather(
                *(via_slack(client, replies, u, a, load) for u, a in plans(load, pool, f"S{tag}"))
            )
        finally:
            replies.close()
    rasa_client = RasaClient(settings.rasa_url, settings.channel_secret, timeout=60)
    try:
        rasa = await asyncio.gather(
            *(via_rasa(rasa_client, u, a, load) for u, a in plans(load, pool, f"R{tag}"))
        )
    finally:
        await rasa_client.aclose()
    return [ms for one in slack for ms in one], [ms for one in rasa for ms in one]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,10,50", help="concurrent people, comma-separated")
    parser.add_argument(
        "--questions",
        type=int,
        default=60,
        help="measured questions per level (at least 2 a person)",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=3.0,
        help="mean seconds a person pauses between an answer and their next question "
        "(0: ask again at once, which measures the stack saturated)",
    )
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")]

    pool = questions()
    fake = FakeSlack().start()
    # The front-end process reads its Slack settings from the environment it inherits.
    os.environ.update(
        {
            "SLACK_BOT_TOKEN": "xoxb-benchmark",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url,
            "SLACK_APP_TOKEN": "",  # HTTP events, whatever a local .env says
            "IEP_NOTIFIER": "off",  # measure answers only, not reminder posts
        }
    )
    rows = []
    try:
        with (
            tempfile.TemporaryDirectory(prefix="slack-bench-") as tmp,
            benchmark_stack(Path(tmp), prepare=prepare_database, frontend=True) as running,
        ):
            for n, people in enumerate(levels, start=1):
                # One person's pauses change nothing but the wall-clock time.
                think = args.think if people > 1 else 0.0
                load = Load(people, max(2, args.questions // people), think)
                slack_ms, rasa_ms = asyncio.run(
                    run_load(running.settings, fake, load, pool, str(n))
                )
                rows.append((load, slack_ms, rasa_ms))
                print(f"  {people} people: {len(slack_ms)} questions measured", flush=True)
    except stack.StackError as exc:
        print(exc, file=sys.stderr)
        return 2
    finally:
        fake.stop()
    print()
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at the end")
    print("| people | pause s | questions | p50 ms | p95 ms | max ms | Rasa alone p50 / p95 ms |")
    print("|-------:|--------:|----------:|-------:|-------:|-------:|------------------------:|")
    for load, slack_ms, rasa_ms in rows:
        print(
            f"| {load.people:6d} | {load.think:7.1f} | {len(slack_ms):9d} "
            f"| {statistics.median(slack_ms):6.0f} | {percentile(slack_ms, 0.95):6.0f} "
            f"| {max(slack_ms):6.0f} "
            f"| {statistics.median(rasa_ms):11.0f} / {percentile(rasa_ms, 0.95):<9.0f} |"
        )
    at_ten = next((slack_ms for load, slack_ms, _ in rows if load.people == 10), None)
    if at_ten:
        p95 = percentile(at_ten, 0.95)
        verdict = "met" if p95 < TARGET_MS else "NOT met"
        print(f"\ntarget p95 < {TARGET_MS:.0f} ms at 10 people: {verdict} ({p95:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
