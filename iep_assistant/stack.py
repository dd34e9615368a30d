"""Starting, health-checking and stopping the assistant's processes.

Used by `iep-assistant run` (the embedded profile) and by the tests and
benchmarks, which start the same processes on their own ports.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from iep_assistant.config import PROJECT_ROOT, Settings

# The production profile of the Rasa server (shared PostgreSQL tracker store, Redis
# lock store, only the signed channel). `make run` keeps the embedded files.
PRODUCTION_ENDPOINTS = PROJECT_ROOT / "deploy" / "endpoints.production.yml"
PRODUCTION_CREDENTIALS = PROJECT_ROOT / "deploy" / "credentials.production.yml"


ONE_THREAD = {
    name: "1"
    for name in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        # Rasa hands these two to TensorFlow (rasa/utils/tensorflow/environment.py).
        "TF_INTRA_OP_PARALLELISM_THREADS",
        "TF_INTER_OP_PARALLELISM_THREADS",
    )
}
# Rasa never reads the records or talks to Slack: it gets neither's credentials.
NOT_FOR_RASA = (
    "DATABASE_URL",
    "TRACKER_DB_URL",
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
)


class StackError(RuntimeError):
    """A process could not start or did not become healthy; the message says which and why."""


@dataclass
class Service:
    name: str
    argv: list[str]
    health_url: str
    env: Mapping[str, str] = field(default_factory=dict)
    log_path: Path | None = None
    # Variables this process must not inherit (Rasa gets no records or Slack secrets).
    unset: tuple[str, ...] = ()
    process: subprocess.Popen | None = None
    started_at: float = 0.0

    def start(self) -> None:
        env = {**os.environ, **self.env}
        for name in self.unset:
            env.pop(name, None)
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.started_at = time.monotonic()
        # Own process group, so stopping also stops whatever the service spawned.
        self.process = subprocess.Popen(
            self.argv,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        if log is not subprocess.DEVNULL:
            log.close()

    def healthy(self) -> bool:
        try:
            return httpx.get(self.health_url, timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def exited(self) -> int | None:
        return self.process.poll() if self.process else None

    def log_tail(self, lines: int = 15) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join("    " + line for line in text)

    def stop(self, timeout: float = 10.0) -> None:
        if not self.process or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_settings(tmp: Path, base: Settings | None = None) -> Settings:
    """Settings for a stack that shares nothing with a running assistant: free ports,
    fresh secrets, a records database and conversations in ``tmp`` (tests, benchmarks)."""
    import dataclasses
    import secrets

    from iep_assistant.config import load_settings

    base = base or load_settings(env={}, dotenv=False)
    rasa_port, action_port, web_port = (free_port() for _ in range(3))
    return dataclasses.replace(
        base,
        database_url=f"sqlite:///{tmp / 'iep.db'}",
        tracker_db_url=f"sqlite:///{tmp / 'trackers.db'}",
        rasa_port=rasa_port,
        rasa_url=f"http://127.0.0.1:{rasa_port}",
        action_port=action_port,
        web_port=web_port,
        public_base_url=f"http://127.0.0.1:{web_port}",
        channel_secret=secrets.token_urlsafe(24),
        rasa_api_token=secrets.token_urlsafe(24),
        action_token=secrets.token_urlsafe(24),
    )


def latest_model(model_dir: Path) -> Path | None:
    models = sorted(model_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def service_env(settings: Settings, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment every process gets: the settings that matter, spelled as env vars."""
    env = {
        "DATABASE_URL": settings.database_url,
        "TRACKER_DB_URL": settings.tracker_db_url,
        "RASA_URL": settings.rasa_url,
        "RASA_PORT": str(settings.rasa_port),
        "ACTION_PORT": str(settings.action_port),
        "WEB_HOST": settings.web_host,
        "WEB_PORT": str(settings.web_port),
        "PUBLIC_BASE_URL": settings.public_base_url,
        "IEP_CHANNEL_SECRET": settings.channel_secret,
        "RASA_API_TOKEN": settings.rasa_api_token,
        "ACTION_TOKEN": settings.action_token,
        "IEP_KNOWLEDGE_DIR": str(settings.knowledge_dir),
        "LOG_LEVEL": settings.log_level,
        "IEP_PROFILE": settings.profile,
        # Rasa must never phone home (and cannot, offline).
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra or {})
    return env


def action_service(settings: Settings, env: Mapping[str, str], log_dir: Path) -> Service:
    return Service(
        name="action server",
        argv=[sys.executable, "-m", "actions.server"],
        health_url=f"http://127.0.0.1:{settings.action_port}/health",
        env=env,
        log_path=log_dir / f"actions-{settings.action_port}.log",
    )


def rasa_service(
    settings: Settings,
    env: Mapping[str, str],
    log_dir: Path,
    *,
    model: Path,
    endpoints: Path = PROJECT_ROOT / "endpoints.yml",
    credentials: Path = PROJECT_ROOT / "credentials.yml",
    tracker_db: Path | None = None,
    interface: str = "127.0.0.1",
) -> Service:
    if not settings.rasa_bin.exists():
        raise StackError(
            f"Rasa is not installed at {settings.rasa_bin}: run `make run` or `make install`"
        )
    rasa_env = {
        **env,
        # One thread per numeric library: on a few cores, thread pools in NumPy, ONNX
        # Runtime and TensorFlow fight each other (76 ms of CPU a message instead of 40).
        **ONE_THREAD,
        "PYTHONPATH": str(PROJECT_ROOT),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{settings.action_port}/webhook",
        "IEP_TRACKER_DB": str(tracker_db or PROJECT_ROOT / "var" / "trackers.db"),
    }
    argv = [
        str(settings.rasa_bin), "run",
        "--model", str(model),
        "--endpoints", str(endpoints),
        "--credentials", str(credentials),
        "--port", str(settings.rasa_port),
        "--interface", interface,
        "--enable-api",
        # "=" form: a token may begin with "-".
        f"--auth-token={settings.rasa_api_token}",
    ]  # fmt: skip
    return Service(
        name="Rasa server",
        argv=argv,
        health_url=f"http://127.0.0.1:{settings.rasa_port}/webhooks/iep/",
        env=rasa_env,
        log_path=log_dir / f"rasa-{settings.rasa_port}.log",
        unset=NOT_FOR_RASA,
    )


def production_store_env(tracker_db_url: str, redis_url: str) -> dict[str, str]:
    """The variables `deploy/endpoints.production.yml` reads, from two URLs.

    ``tracker_db_url`` is PostgreSQL's (``postgresql://user:password@host:5432/db``,
    any ``+driver`` suffix ignored), ``redis_url`` Redis's (``redis://:password@host:6379/2``).
    Rasa's stores take the parts, not URLs, hence the split.
    """
    db = urlsplit(tracker_db_url)
    if not db.scheme.startswith("postgresql") or not db.hostname or len(db.path) < 2:
        raise StackError(f"the tracker store needs a postgresql://host/db URL, got {db.scheme}://…")
    redis = urlsplit(redis_url)
    if redis.scheme != "redis" or not redis.hostname:
        raise StackError(f"the lock store needs a redis://host URL, got {redis.scheme}://…")
    return {
        "RASA_TRACKER_DB_HOST": db.hostname,
        "RASA_TRACKER_DB_PORT": str(db.port or 5432),
        "RASA_TRACKER_DB_NAME": unquote(db.path.lstrip("/")),
        "RASA_TRACKER_DB_USER": unquote(db.username or ""),
        "RASA_TRACKER_DB_PASSWORD": unquote(db.password or ""),
        "REDIS_HOST": redis.hostname,
        "REDIS_PORT": str(redis.port or 6379),
        "REDIS_DB": redis.path.lstrip("/") or "0",
        "REDIS_PASSWORD": unquote(redis.password or ""),
    }


def production_rasa_service(
    settings: Settings,
    env: Mapping[str, str],
    log_dir: Path,
    *,
    model: Path,
    tracker_db_url: str,
    redis_url: str,
    interface: str = "127.0.0.1",
) -> Service:
    """A Rasa server of the production profile: one of any number of replicas that share
    the tracker store at ``tracker_db_url`` and the lock store at ``redis_url``."""
    return rasa_service(
        settings,
        {**env, **production_store_env(tracker_db_url, redis_url)},
        log_dir,
        model=model,
        endpoints=PRODUCTION_ENDPOINTS,
        credentials=PRODUCTION_CREDENTIALS,
        interface=interface,
    )


def frontend_service(settings: Settings, env: Mapping[str, str], log_dir: Path) -> Service:
    return Service(
        name="front end",
        argv=[sys.executable, "-m", "bot"],
        health_url=f"http://127.0.0.1:{settings.web_port}/healthz",
        env=env,
        log_path=log_dir / f"frontend-{settings.web_port}.log",
    )


class Stack:
    """Processes started in order, each waited on until healthy; stopped in reverse."""

    def __init__(self, services: list[Service]) -> None:
        self.services = services

    def start(self, timeout: float = 180.0, report: Callable[[str], None] = lambda _: None) -> None:
        try:
            for service in self.services:
                service.start()
            for service in self.services:
                self._wait(service, timeout, report)
        except BaseException:
            self.stop()
            raise

    @staticmethod
    def _wait(service: Service, timeout: float, report: Callable[[str], None]) -> None:
        deadline = service.started_at + timeout
        while time.monotonic() < deadline:
            code = service.exited()
            if code is not None:
                raise StackError(
                    f"the {service.name} exited (code {code}) while starting. "
                    f"Last lines of {service.log_path}:\n{service.log_tail()}"
                )
            if service.healthy():
                report(f"{service.name} ready ({time.monotonic() - service.started_at:.1f} s)")
                return
            time.sleep(0.25)
        raise StackError(
            f"the {service.name} did not answer {service.health_url} within {timeout:.0f} s. "
            f"Last lines of {service.log_path}:\n{service.log_tail()}"
        )

    def failed(self) -> Service | None:
        return next((s for s in self.services if s.exited() is not None), None)

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()
