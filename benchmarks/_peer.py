"""The stock Rasa 3.6 FAQ assistant the benchmarks measure the assistant against.

What Rasa's documentation builds for FAQs, over the same knowledge: Rasa's default
pipeline (the one `rasa init` writes: DIET and a ResponseSelector for the `faq`
retrieval intent, 100 epochs each), RulePolicy with the rule "faq -> utter_faq", one
response per answer point and situation guide (its text as the assistant shows that
key alone), and the same conversation intents and replies (greetings, out of scope,
legal action, a diagnosis, distress). It is built and trained in
var/benchmarks/faq-peer/, again only when the knowledge base changed (the first
training takes about an hour on two cores). Run in the same run as the assistant,
its figures are the yardstick that makes this machine's figures comparable with
another's: absolute times change from run to run and machine to machine.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import httpx
import yaml

from iep_assistant import stack
from iep_assistant.config import PROJECT_ROOT, Settings, load_settings
from iep_assistant.knowledge import load_knowledge_base
from iep_assistant.knowledge.replies import NOT_SURE
from iep_assistant.knowledge.training_data import examples_by_key, response_texts

try:  # run as a script, benchmarks/ is on sys.path
    import _procstat
except ImportError:  # imported as benchmarks._peer
    from benchmarks import _procstat

PEER_DIR = PROJECT_ROOT / "var" / "benchmarks" / "faq-peer"
# The conversation intents both assistants share, with the peer's rule for each.
SHARED_INTENTS = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thank": "utter_welcome",
    "ask_capabilities": "utter_capabilities",
    "out_of_scope": "utter_out_of_scope",
    "legal_action": "utter_legal_action",
    "diagnosis_request": "utter_diagnosis_request",
    "distress": "utter_distress",
}
# Rasa's default pipeline and policies (rasa/cli/initial_project/config.yml), the
# ResponseSelector given the retrieval intent as Rasa's FAQ docs do.
PEER_CONFIG = {
    "recipe": "default.v1",
    "language": "en",
    "assistant_id": "faq-peer",
    "pipeline": [
        {"name": "WhitespaceTokenizer"},
        {"name": "RegexFeaturizer"},
        {"name": "LexicalSyntacticFeaturizer"},
        {"name": "CountVectorsFeaturizer"},
        {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
        {"name": "DIETClassifier", "epochs": 100},
        {"name": "EntitySynonymMapper"},
        {"name": "ResponseSelector", "epochs": 100, "retrieval_intent": "faq"},
        {"name": "FallbackClassifier", "threshold": 0.3, "ambiguity_threshold": 0.1},
    ],
    "policies": [{"name": "MemoizationPolicy"}, {"name": "RulePolicy"}],
}


def _dump(path: Path, data: object) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000))


def build_peer(folder: Path) -> str:
    """Write the peer's project; return a fingerprint of it."""
    kb = load_knowledge_base(load_settings().knowledge_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    ours = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    general = yaml.safe_load((PROJECT_ROOT / "nlu" / "general.yml").read_text())["nlu"]
    shared = [b for b in general if b.get("intent") in SHARED_INTENTS]
    nlu = [*shared]
    nlu += [
        {"intent": f"faq/{key}", "examples": "".join(f"- {t}\n" for t in texts)}
        for key, texts in examples_by_key(kb).items()
    ]
    responses = {name: ours["responses"][name] for name in SHARED_INTENTS.values()}
    # Rasa fills {slot} in responses; doubled braces are literal ones.
    responses |= {
        f"utter_faq/{key}": [{"text": text.replace("{", "{{").replace("}", "}}")}]
        for key, text in response_texts(kb).items()
    }
    responses["utter_default"] = [{"text": NOT_SURE}]
    rules = [{"rule": "answer a question", "steps": [{"intent": "faq"}, {"action": "utter_faq"}]}]
    rules += [
        {"rule": intent, "steps": [{"intent": intent}, {"action": action}]}
        for intent, action in SHARED_INTENTS.items()
    ]
    rules.append(
        {
            "rule": "not understood",
            "steps": [{"intent": "nlu_fallback"}, {"action": "utter_default"}],
        }
    )
    _dump(folder / "config.yml", PEER_CONFIG)
    _dump(
        folder / "domain.yml",
        {
            "version": "3.1",
            "intents": ["faq", *SHARED_INTENTS],
            "responses": responses,
            "session_config": {"session_expiration_time": 60},
        },
    )
    _dump(folder / "data" / "nlu.yml", {"version": "3.1", "nlu": nlu})
    _dump(folder / "data" / "rules.yml", {"version": "3.1", "rules": rules})
    _dump(folder / "credentials.yml", {"rest": None})
    _dump(folder / "endpoints.yml", {})
    digest = hashlib.sha256()
    for name in ("config.yml", "domain.yml", "data/nlu.yml", "data/rules.yml"):
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()[:16]


def peer_model(folder: Path, rasa_bin: Path) -> Path:
    """The trained peer for today's knowledge base (trained first when there is none)."""
    fingerprint = build_peer(folder)
    model = folder / "models" / f"{fingerprint}.tar.gz"
    if model.exists():
        return model
    print(f"Training the stock FAQ peer (fingerprint {fingerprint}); this takes a while ...")
    started = time.monotonic()
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    subprocess.run(
        [
            str(rasa_bin), "train", "--quiet",
            "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
            "--out", "models", "--fixed-model-name", fingerprint,
        ],
        cwd=folder, env=env, check=True,
    )  # fmt: skip
    print(f"  trained in {time.monotonic() - started:.0f} s")
    return model


def peer_service(settings: Settings, model: Path, log_dir: Path) -> stack.Service:
    """The peer's Rasa server on a free loopback port, with its REST channel."""
    port = stack.free_port()
    return stack.Service(
        name="stock FAQ peer",
        argv=[
            str(settings.rasa_bin),
            "run",
            "--model",
            str(model),
            "--credentials",
            str(PEER_DIR / "credentials.yml"),
            "--endpoints",
            str(PEER_DIR / "endpoints.yml"),
            "--port",
            str(port),
            "--interface",
            "127.0.0.1",
        ],
        health_url=f"http://127.0.0.1:{port}/",
        # One numeric thread, as the assistant's processes have (stack.ONE_THREAD).
        env={**stack.ONE_THREAD, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"},
        log_path=log_dir / "peer.log",
    )


def peer_url(service: stack.Service) -> str:
    return service.health_url.rstrip("/")


# --- asking and timing ---------------------------------------------------------------

Send = Callable[[str, str], Awaitable[str]]


class Asker:
    """One system under test: how to send it a message, and its processes."""

    def __init__(self, name: str, services: Sequence[stack.Service], send: Send) -> None:
        self.name = name
        self.services = services
        self.send = send

    def groups(self) -> list[int]:
        return [s.process.pid for s in self.services if s.process]

    def cpu(self) -> float:
        seconds = _procstat.cpu_by_group(self.groups())
        return sum(seconds.values())


def rest_sender(url: str) -> Send:
    client = httpx.AsyncClient(timeout=120)

    async def send(sender: str, text: str) -> str:
        response = await client.post(
            f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
        )
        response.raise_for_status()
        messages = response.json()
        return messages[0].get("text", "") if messages else ""

    return send


async def timed(asker: Asker, texts: Sequence[str], count: int) -> tuple[list[float], float]:
    """Latency of each of ``count`` questions sent one at a time, and CPU s/message."""
    run = uuid.uuid4().hex[:8]
    for i in range(10):  # warm-up
        await asker.send(f"warm-{run}-{i}", texts[i % len(texts)])
    before = asker.cpu()
    latencies = []
    for i in range(count):
        started = time.perf_counter()
        await asker.send(f"time-{run}-{i}", texts[i % len(texts)])
        latencies.append(time.perf_counter() - started)
    return latencies, (asker.cpu() - before) / count


def pct(values: Sequence[float], q: int) -> float:
    """The q-th percentile."""
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]
