"""A fake Socket Mode server: the WebSocket end Slack offers after ``apps.connections.open``.

It greets the app with ``hello``, sends it envelopes when told, and records the
acknowledgements the app sends back.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from typing import Any

from aiohttp import WSMsgType, web


class FakeSocketMode:
    def __init__(self) -> None:
        self.acks: list[dict[str, Any]] = []
        self._loop = asyncio.new_event_loop()
        self._socket: web.WebSocketResponse | None = None
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.port = 0

    def start(self) -> FakeSocketMode:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)
        return self

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link"

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_get("/link", self._link)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._socket = socket
        await socket.send_str(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "fake", "approximate_connection_time": 3600},
                    "connection_info": {"app_id": "A0IEP"},
                }
            )
        )
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                self.acks.append(json.loads(message.data))
        return socket

    def connected(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while self._socket is None:
            if time.monotonic() > deadline:
                raise AssertionError("the app did not connect in Socket Mode")
            time.sleep(0.05)

    def send_event(self, body: dict[str, Any], *, envelope_id: str, retry_attempt: int = 0) -> None:
        envelope = {
            "envelope_id": envelope_id,
            "type": "events_api",
            "accepts_response_payload": False,
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
            "payload": body,
        }
        assert self._socket is not None
        asyncio.run_coroutine_threadsafe(
            self._socket.send_str(json.dumps(envelope)), self._loop
        ).result(timeout=5)

    def acknowledged(self, envelope_id: str) -> bool:
        return any(ack.get("envelope_id") == envelope_id for ack in list(self.acks))

    def stop(self) -> None:
        async def close() -> None:
            if self._socket is not None:
                await self._socket.close()
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


def new_envelope_id() -> str:
    return str(uuid.uuid4())
