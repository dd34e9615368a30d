"""A small fake Slack Web API on a free loopback port, recording every call.

It answers like Slack does (``{"ok": true, ...}`` with plausible fields) and can
be told to fail the next call of a method: HTTP 429 with ``Retry-After``, or
``{"ok": false, "error": ...}``. It also takes what the app posts to a
``response_url`` (``/respond/...``) and to a file upload URL (``/upload/...``).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0TEST"


@dataclass
class Call:
    method: str  # "chat.postMessage", or "respond" / "upload" for those URLs
    args: dict[str, Any]
    at: float
    path: str = ""
    raw: bytes = b""
    token: str = ""  # the bearer token the call was made with

    def blocks(self) -> list[dict[str, Any]]:
        value = self.args.get("blocks")
        return json.loads(value) if isinstance(value, str) else list(value or [])

    def all_text(self) -> str:
        """The message text and every text inside its blocks, for assertions."""
        return str(self.args.get("text") or "") + "\n" + json.dumps(self.blocks())


@dataclass
class _Failure:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None


@dataclass
class FakeSlack:
    time_zones: dict[str, str] = field(default_factory=dict)
    default_time_zone: str = "America/Los_Angeles"
    socket_mode_url: str | None = None  # what apps.connections.open hands out
    # Called (in the server's thread) with every call once recorded: lets a load
    # generator wait for replies without polling.
    listeners: list[Callable[[Call], None]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    # What chat.postMessage posted, per channel, for conversations.history.
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Seconds to wait before answering these methods.
    slow: dict[str, float] = field(default_factory=dict)
    # The ts given to each chat.postMessage, in call order (as calls_to lists them).
    posted_ts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._holds: dict[str, threading.Event] = {}
        self._held = threading.Event()
        self._lock = threading.Lock()
        self._failures: dict[str, list[_Failure]] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                fake._handle(self)

            def do_GET(self) -> None:
                fake._handle(self)

            def log_message(self, *_: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def response_url(self, name: str = "r") -> str:
        return f"{self.url}/respond/{name}"

    # --- scripting failures ------------------------------------------------------------------

    def hold(self, method: str) -> threading.Event:
        """Make calls of ``method`` wait until the returned event is set (by the test)."""
        release = threading.Event()
        self._holds[method] = release
        return release

    def wait_until_held(self, timeout: float = 30.0) -> bool:
        return self._held.wait(timeout)

    def rate_limit_next(self, method: str, retry_after: int = 1) -> None:
        with self._lock:
            self._failures.setdefault(method, []).append(
                _Failure(status=429, error="ratelimited", retry_after=retry_after)
            )

    def fail_next(self, method: str, error: str) -> None:
        with self._lock:
            self._failures.setdefault(method, []).append(_Failure(error=error))

    # --- reading what happened ---------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def posted(self) -> list[Call]:
        """Every message the app showed: posted, ephemeral, or through a response_url."""
        with self._lock:
            return [
                c
                for c in self.calls
                if c.method in ("chat.postMessage", "chat.postEphemeral", "respond")
            ]

    def wait_for(
        self, condition: Callable[[FakeSlack], Any], timeout: float = 10.0, interval: float = 0.02
    ) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition(self)
            if result:
                return result
            time.sleep(interval)
        raise AssertionError(f"fake Slack: condition not met within {timeout} s; calls: {self}")

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        return self.wait_for(
            lambda f: len(f.calls_to(method)) >= count and f.calls_to(method), timeout=timeout
        )

    def __repr__(self) -> str:
        with self._lock:
            return repr([(c.method, c.args) for c in self.calls])

    # --- serving ----------------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        split = urlsplit(request.path)
        args: dict[str, Any] = dict(parse_qsl(split.query))
        content_type = request.headers.get("Content-Type", "")
        if raw and "json" in content_type:
            args.update(json.loads(raw))
        elif raw and "x-www-form-urlencoded" in content_type:
            args.update(parse_qsl(raw.decode()))
        if split.path.startswith("/api/"):
            method = split.path[len("/api/") :]
        elif split.path.startswith("/respond/"):
            method = "respond"
        elif split.path.startswith("/upload/"):
            method = "upload"
        else:
            method = split.path
        with self._lock:
            token = request.headers.get("Authorization", "").removeprefix("Bearer ")
            call = Call(method, args, time.monotonic(), split.path, raw, token)
            self.calls.append(call)
            queue = self._failures.get(method)
            failure = queue.pop(0) if queue else None
        for listener in self.listeners:
            listener(call)
        if method in self.slow:
            time.sleep(self.slow[method])  # a slower Slack, so concurrent callers overlap
        held = self._holds.get(method)
        if held is not None:
            self._held.set()
            held.wait(timeout=60)  # a test kills the caller meanwhile, then releases
        if failure is not None and failure.status == 429:
            self._send(request, 429, {"ok": False, "error": "ratelimited"}, failure.retry_after)
            return
        if failure is not None:
            self._send(request, 200, {"ok": False, "error": failure.error})
            return
        if method in ("respond", "upload"):
            self._send_text(request, "ok" if method == "respond" else f"OK - {len(raw)}")
            return
        self._send(request, 200, self._answer(method, args))

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ts = f"{1_700_000_000 + next(self._ts)}.000100"
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://test.slack.com/",
                "team": "Test School",
                "user": "iep-assistant",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method == "apps.connections.open":
            if self.socket_mode_url is None:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": self.socket_mode_url}
        if method == "users.info":
            user = args.get("user", "")
            return {
                "ok": True,
                "user": {
                    "id": user,
                    "team_id": TEAM_ID,
                    "name": user.lower(),
                    "is_bot": False,
                    "tz": self.time_zones.get(user, self.default_time_zone),
                    "tz_offset": -28800,
                },
            }
        if method == "chat.postMessage":
            channel = args.get("channel", "")
            metadata = args.get("metadata")
            metadata = json.loads(metadata) if isinstance(metadata, str) else metadata
            with self._lock:
                self.history.setdefault(channel, []).append(
                    {"type": "message", "ts": ts, "text": args.get("text"), "metadata": metadata}
                )
                self.posted_ts.append(ts)
            return {
                "ok": True,
                "channel": channel,
                "ts": ts,
                "message": {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "ts": ts},
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "conversations.history":
            oldest = float(args.get("oldest") or 0)
            with self._lock:
                kept = [
                    dict(m)
                    for m in self.history.get(args.get("channel", ""), [])
                    if float(m["ts"]) >= oldest
                ]
            if str(args.get("include_all_metadata")).lower() not in ("1", "true"):
                for m in kept:
                    m.pop("metadata", None)
            return {"ok": True, "messages": kept[::-1], "has_more": False}
        if method == "conversations.open":
            users = str(args.get("users", "")).split(",")[0]
            return {"ok": True, "channel": {"id": "D" + users.lstrip("UW")}}
        if method == "views.publish":
            view = args.get("view")
            view = json.loads(view) if isinstance(view, str) else view
            return {"ok": True, "view": {"id": f"V{next(self._ids)}", **(view or {})}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ids):08d}"
            return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = json.loads(args.get("files", "[]"))
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        return {"ok": True}

    @staticmethod
    def _send(
        request: BaseHTTPRequestHandler,
        status: int,
        body: dict[str, Any],
        retry_after: int | None = None,
    ) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(data)))
        if retry_after is not None:
            request.send_header("Retry-After", str(retry_after))
        request.end_headers()
        request.wfile.write(data)

    @staticmethod
    def _send_text(request: BaseHTTPRequestHandler, text: str) -> None:
        data = text.encode()
        request.send_response(200)
        request.send_header("Content-Type", "text/plain")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)
