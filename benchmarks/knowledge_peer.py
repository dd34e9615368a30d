"""The assistant's knowledge answers beside a stock Rasa 3.6 FAQ assistant's, same run.

    .venv/bin/python benchmarks/knowledge_peer.py [--latency 200] [--questions FILE]

The peer (benchmarks/_peer.py) is what Rasa's documentation builds for FAQs, over the
same knowledge: Rasa's default pipeline with DIET and a ResponseSelector, RulePolicy,
one response per answer point and guide, the same conversation intents and replies.

Both run on this machine at once, on free loopback ports, one numeric thread each:
the assistant (its Rasa server and action server) and the peer (its Rasa server).
Reported, side by side:
- content: every held-out question asked in a new conversation, the first reply
  judged by the facts it must hold (iep_assistant.knowledge.evaluation);
- speed: knowledge questions one at a time, latency p50 / p95 and the CPU time of
  all the system's processes per message (from /proc), after a warm-up;
- memory: each system's resident memory after the run.
Absolute times change from run to run and machine to machine: read the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path

from iep_assistant import stack
from iep_assistant.config import PROJECT_ROOT, load_settings
from iep_assistant.knowledge import evaluation as ev
from iep_assistant.knowledge import load_knowledge_base
from iep_assistant.rasa_client import RasaClient

try:  # run as a script, benchmarks/ is on sys.path
    import _peer
    import _procstat
except ImportError:  # imported as benchmarks.knowledge_peer
    from benchmarks import _peer, _procstat


def iep_sender(url: str, secret: str) -> _peer.Send:
    """The assistant, as an anonymous web-chat visitor, through the signed channel."""
    client = RasaClient(url, secret, timeout=120)

    async def send(sender: str, text: str) -> str:
        messages = await client.send(sender, text, {"channel": "web"})
        return messages[0].text if messages else ""

    return send


async def first_replies(
    asker: _peer.Asker, texts: Sequence[str], concurrency: int = 4
) -> list[str]:
    run = uuid.uuid4().hex[:8]
    limit = asyncio.Semaphore(concurrency)

    async def one(i: int, text: str) -> str:
        async with limit:
            return await asker.send(f"bench-{run}-{i}", text)

    return list(await asyncio.gather(*(one(i, t) for i, t in enumerate(texts))))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--questions", default=str(PROJECT_ROOT / "tests" / "heldout" / "knowledge_eval.yml")
    )
    parser.add_argument("--latency", type=int, default=200, help="timed questions per system")
    args = parser.parse_args(argv)

    settings = load_settings(env={}, dotenv=False)
    kb = load_knowledge_base(settings.knowledge_dir)
    questions = ev.load_questions(Path(args.questions), kb)
    ours_model = stack.latest_model(settings.model_dir)
    if ours_model is None:
        print("no trained model in models/: run `make model` first", file=sys.stderr)
        return 2
    peer_model = _peer.peer_model(_peer.PEER_DIR, settings.rasa_bin)

    with tempfile.TemporaryDirectory(prefix="iep-peer-") as tmp_name:
        tmp = Path(tmp_name)
        local = stack.isolated_settings(tmp, settings)
        env = stack.service_env(local)
        ours = [
            stack.action_service(local, env, tmp),
            stack.rasa_service(local, env, tmp, model=ours_model, tracker_db=tmp / "t.db"),
        ]
        peer = _peer.peer_service(settings, peer_model, tmp)
        running = stack.Stack([*ours, peer])
        print("Starting the assistant and the peer ...", flush=True)
        running.start(timeout=300)
        try:
            systems = [
                _peer.Asker(
                    "the assistant", ours, iep_sender(local.rasa_url, local.channel_secret)
                ),
                _peer.Asker("stock Rasa FAQ", [peer], _peer.rest_sender(_peer.peer_url(peer))),
            ]
            scores, speed = [], {}
            short = [q.text for q in questions if q.kind == "short"]
            for system in systems:
                print(f"Asking {system.name} {len(questions)} questions ...", flush=True)
                replies = asyncio.run(first_replies(system, [q.text for q in questions]))
                outcomes = [ev.judge(q, r) for q, r in zip(questions, replies, strict=True)]
                scores.append(ev.Scores(system.name, outcomes, replies))
                latencies, cpu = asyncio.run(_peer.timed(system, short, args.latency))
                rss = sum(_procstat.rss_mb(g) for g in system.groups())
                speed[system.name] = (latencies, cpu, rss)
        finally:
            running.stop()

    print()
    print(ev.report(questions, scores))
    print("| system | p50 | p95 | CPU per message | memory (RSS) |")
    print("|---|---|---|---|---|")
    for name, (latencies, cpu, rss) in speed.items():
        print(
            f"| {name} | {1000 * _peer.pct(latencies, 50):.0f} ms "
            f"| {1000 * _peer.pct(latencies, 95):.0f} ms | {1000 * cpu:.1f} ms | {rss:.0f} MB |"
        )
    (ours_name, (l1, c1, _)), (peer_name, (l2, c2, _)) = speed.items()
    print(
        f"\n{ours_name} / {peer_name}: p50 x{_peer.pct(l1, 50) / _peer.pct(l2, 50):.2f}, "
        f"CPU per message x{c1 / c2:.2f} (the target: at most x1.5)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
