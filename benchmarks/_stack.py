"""A private assistant stack for a benchmark: settings, secrets, database and tracker
store in one temporary folder, processes on free loopback ports.

    with benchmark_stack(tmp, prepare=load_my_data) as running:
        client = RasaClient(running.rasa_url, running.settings.channel_secret)

It mirrors ``tests/conftest.py`` (which a benchmark cannot import) and stops every
process it started when the block ends, also on an error, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from iep_assistant import stack
from iep_assistant.config import PROJECT_ROOT, Settings, load_settings


@dataclass(frozen=True)
class RunningStack:
    settings: Settings
    log_dir: Path
    model: Path

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"


def benchmark_settings(tmp: Path) -> Settings:
    """Settings of a stack that shares nothing with a running assistant (no `.env`)."""
    return stack.isolated_settings(tmp)


def _sigterm_as_interrupt(signum: int, frame: FrameType | None) -> None:
    # `kill <pid>` must run the same clean-up as Ctrl-C: the services live in their own
    # process groups, so nothing else would stop them.
    raise KeyboardInterrupt


@contextlib.contextmanager
def benchmark_stack(
    tmp: Path,
    *,
    prepare: Callable[[Settings], None] = lambda _: None,
    frontend: bool = False,
    report: Callable[[str], None] = lambda message: print(message, file=sys.stderr),
    timeout: float = 240.0,
) -> Iterator[RunningStack]:
    """Start the action server and Rasa (and the front end if asked) on ``tmp``'s data.

    ``prepare`` gets the settings before anything starts, to fill the database.
    """
    settings = load_settings(env={}, dotenv=False)
    if not settings.rasa_bin.exists():
        raise stack.StackError(
            f"the Rasa environment is not installed ({settings.rasa_bin}): run `make install`"
        )
    model = stack.latest_model(PROJECT_ROOT / "models")
    if model is None:
        raise stack.StackError("no trained Rasa model in models/: run `make train`")
    settings = benchmark_settings(tmp)
    prepare(settings)
    env = stack.service_env(settings)
    log_dir = tmp / "logs"
    log_dir.mkdir(exist_ok=True)
    services = [
        stack.action_service(settings, env, log_dir),
        stack.rasa_service(settings, env, log_dir, model=model, tracker_db=tmp / "trackers.db"),
    ]
    if frontend:
        services.append(stack.frontend_service(settings, env, log_dir))
    running = stack.Stack(services)
    previous = signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    try:
        started = time.monotonic()
        report(f"starting the stack with model {model.name} (Rasa takes ~30 s to load)")
        running.start(timeout=timeout, report=report)
        report(f"stack ready in {time.monotonic() - started:.1f} s; logs in {log_dir}")
        try:
            yield RunningStack(settings, log_dir, model)
        except BaseException:
            # The logs vanish with the temporary folder: say now which process died and why.
            dead = running.failed()
            if dead is not None:
                code = dead.exited()
                reason = f"signal {-code}" if code is not None and code < 0 else f"code {code}"
                report(f"the {dead.name} exited ({reason}); last lines of its log:")
                report(dead.log_tail(25))
            raise
    finally:
        running.stop()
        signal.signal(signal.SIGTERM, previous)
