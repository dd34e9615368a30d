"""Several replicas of every process in the production profile, on loopback.

Used by the multi-replica test and by ``benchmarks/load.py``: N action servers, N Rasa
servers (sharing one PostgreSQL tracker store and one Redis lock store, as
``deploy/endpoints.production.yml`` configures them) and N front ends, all reading one
PostgreSQL records database. Replica i's front end talks to Rasa i, and Rasa i to
action server i; a test or benchmark that spreads one person's messages over the
Rasa servers plays the load balancer.

Redis is reached through a few lines of its wire protocol (RESP) instead of a client
library: the project's environment needs Redis only here, to pick and flush a
database number.
"""

from __future__ import annotations

import contextlib
import dataclasses
import secrets
import socket
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from iep_assistant import stack
from iep_assistant.config import PROJECT_ROOT, Settings, load_settings
from tests.databases import postgres_unreachable, throwaway_database

__all__ = ["postgres_unreachable", "throwaway_database"]  # re-exported for benchmarks

REDIS_HOST = "127.0.0.1"
REDIS_PORT = 6379
# Redis's default configuration has 16 databases; 0 is what everyone else uses.
REDIS_DATABASES = range(1, 16)


class RedisError(RuntimeError):
    """Redis answered with an error, or not in the protocol."""


def redis_command(
    *args: str, db: int = 0, host: str = REDIS_HOST, port: int = REDIS_PORT
) -> object:
    """Run one command (after ``SELECT db``) and return its reply (int, str or None)."""
    with socket.create_connection((host, port), timeout=3) as sock:
        reader = sock.makefile("rb")
        replies = []
        for command in (("SELECT", str(db)), args):
            payload = f"*{len(command)}\r\n" + "".join(
                f"${len(part.encode())}\r\n{part}\r\n" for part in command
            )
            sock.sendall(payload.encode())
            replies.append(_read_reply(reader))
        return replies[-1]


def _read_reply(reader) -> object:
    line = reader.readline().rstrip(b"\r\n")
    kind, rest = line[:1], line[1:].decode()
    if kind == b"+":
        return rest
    if kind == b":":
        return int(rest)
    if kind == b"$":
        size = int(rest)
        return None if size < 0 else reader.read(size + 2)[:-2].decode()
    if kind == b"-":
        raise RedisError(rest)
    raise RedisError(f"unexpected reply {line[:40]!r}")


def redis_unreachable() -> str | None:
    """Why Redis at 127.0.0.1:6379 cannot be used, or None when it can."""
    try:
        pong = redis_command("PING")
    except (OSError, RedisError) as exc:
        return f"no Redis at {REDIS_HOST}:{REDIS_PORT} ({type(exc).__name__}: {exc})"
    return None if pong == "PONG" else f"Redis at {REDIS_HOST}:{REDIS_PORT} answered {pong!r}"


@contextlib.contextmanager
def fresh_redis_db() -> Iterator[str]:
    """An empty Redis database number (flushed before and after), as a ``redis://`` URL."""
    for db in REDIS_DATABASES:
        if redis_command("DBSIZE", db=db) == 0:
            break
    else:
        raise RedisError(f"no empty database among Redis databases {REDIS_DATABASES}")
    redis_command("FLUSHDB", db=db)
    try:
        yield f"redis://{REDIS_HOST}:{REDIS_PORT}/{db}"
    finally:
        redis_command("FLUSHDB", db=db)


@dataclass(frozen=True)
class Replicas:
    """What is running: per replica its settings and the three processes."""

    settings: list[Settings]
    actions: list[stack.Service]
    rasa: list[stack.Service]
    frontends: list[stack.Service]
    log_dir: Path

    @property
    def rasa_urls(self) -> list[str]:
        return [s.rasa_url for s in self.settings]

    @property
    def web_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{s.web_port}" for s in self.settings]

    @property
    def secret(self) -> str:
        return self.settings[0].channel_secret

    @property
    def api_token(self) -> str:
        return self.settings[0].rasa_api_token

    def services(self) -> list[stack.Service]:
        return [*self.actions, *self.rasa, *self.frontends]


def production_settings(records_url: str, extra: Mapping[str, str] | None = None) -> Settings:
    """Settings of the production profile with fresh secrets (shared by every replica).
    The tracker store's URL is set by :func:`running_replicas`, which creates it."""
    return load_settings(
        env={
            "IEP_PROFILE": "production",
            "DATABASE_URL": records_url,
            "TRACKER_DB_URL": records_url,  # a placeholder until running_replicas
            "IEP_CHANNEL_SECRET": secrets.token_urlsafe(24),
            "RASA_API_TOKEN": secrets.token_urlsafe(24),
            "ACTION_TOKEN": secrets.token_urlsafe(24),
            **(extra or {}),
        },
        dotenv=False,
    )


def _replica(base: Settings) -> Settings:
    rasa_port, action_port, web_port = (stack.free_port() for _ in range(3))
    return dataclasses.replace(
        base,
        rasa_port=rasa_port,
        rasa_url=f"http://127.0.0.1:{rasa_port}",
        action_port=action_port,
        web_port=web_port,
        public_base_url=f"http://127.0.0.1:{web_port}",
    )


def missing_rasa() -> str | None:
    """Why no Rasa server can be started here, or None."""
    rasa_bin = load_settings(env={}, dotenv=False).rasa_bin
    if not rasa_bin.exists():
        return f"the Rasa environment is not installed ({rasa_bin}); run `make test`"
    if stack.latest_model(PROJECT_ROOT / "models") is None:
        return "no trained Rasa model in models/; run `make test`, which trains one"
    return None


@contextlib.contextmanager
def running_replicas(
    count: int,
    base: Settings,
    log_dir: Path,
    *,
    tracker_db_url: str,
    redis_url: str,
    env: Mapping[str, str] | None = None,
    timeout: float = 300.0,
    report: Callable[[str], None] = lambda _: None,
) -> Iterator[Replicas]:
    """Start ``count`` replicas of each process (all at once, so the Rasa servers load
    their models in parallel) and stop them all when the block ends."""
    model = stack.latest_model(PROJECT_ROOT / "models")
    if model is None:
        raise stack.StackError("no trained Rasa model in models/")
    log_dir.mkdir(parents=True, exist_ok=True)
    tracker = load_settings(env={"TRACKER_DB_URL": tracker_db_url}, dotenv=False).tracker_db_url
    base = dataclasses.replace(base, tracker_db_url=tracker)
    settings = [_replica(base) for _ in range(count)]
    actions, rasa, frontends = [], [], []
    for one in settings:
        one_env = stack.service_env(one, env)
        actions.append(stack.action_service(one, one_env, log_dir))
        rasa.append(
            stack.production_rasa_service(
                one,
                one_env,
                log_dir,
                model=model,
                tracker_db_url=tracker_db_url,
                redis_url=redis_url,
            )
        )
        frontends.append(stack.frontend_service(one, one_env, log_dir))
    for n, service in enumerate(rasa, start=1):
        service.name = f"Rasa server {n}"
    running = stack.Stack([*actions, *rasa, *frontends])
    running.start(timeout=timeout, report=report)
    try:
        yield Replicas(settings, actions, rasa, frontends, log_dir)
    finally:
        running.stop()
