"""A loopback server speaking Ollama's own `/api/chat` NDJSON stream, so tests run the real client code.

    async def test_answer(fake_ollama):
        fake_ollama.reply("배송은 2~3일 걸립니다.")            # next /api/chat streams this
        fake_ollama.fail(404, "model \"x\" not found")      # ...or answers HTTP 404 {"error": ...}
        fake_ollama.reply("멈춤", stall_after=1, stall_s=2)  # ...or stalls after the first line
        fake_ollama.reply("x", error_after=1)               # ...or sends an {"error": ...} line mid-stream
        fake_ollama.reply("x", cached_prompt=True)          # ...or leaves prompt_eval_count out
        model = OllamaChatModel(base_url=fake_ollama.base_url, default_model="qwen2.5-7b-instruct-1m")
        body = fake_ollama.chat_requests[-1]                # the JSON body we sent

Each line is one JSON object: `{"model", "created_at", "message": {"role", "content"}, "done": false}`,
then a last one with `"done": true`, `done_reason` and the counts (prompt_eval_count, eval_count, durations).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fakes.loopback import LoopbackServer

DEFAULT_REPLY = "안녕하세요. 무엇을 도와드릴까요?"


@dataclass
class Script:
    """What the server does for one request."""

    text: str = DEFAULT_REPLY
    chunks: list[str] | None = None  # the content pieces; default: the text cut into short pieces
    prompt_eval_count: int = 17
    eval_count: int | None = None  # default: the number of pieces
    done_reason: str = "stop"
    cached_prompt: bool = False  # leave prompt_eval_count out, as Ollama does for a fully cached prompt
    status: int | None = None  # answer with this HTTP error instead
    message: str = "fake failure"
    delay_s: float = 0.0  # before the response headers
    stall_after: int | None = None  # sleep stall_s after this many lines
    stall_s: float = 0.0
    malformed: bool = False  # send a line that is not JSON after the first
    error_after: int | None = None  # send {"error": message} after this many lines and stop
    cut_after: int | None = None  # close the stream after this many lines, without a done line


@dataclass
class FakeOllama:
    """The server state tests script and inspect; thread-safe because uvicorn runs elsewhere."""

    models: list[str] = field(default_factory=lambda: ["qwen2.5-7b-instruct-1m"])
    requests: list[tuple[str, Any]] = field(default_factory=list)  # (path, JSON body)
    host: str = "127.0.0.1"
    port: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[Script] = deque()
        self._loopback = LoopbackServer("fake Ollama server", self.host)

    @property
    def base_url(self) -> str:
        """The server root to hand to the client (Ollama has no /v1 prefix on its own API)."""
        return f"http://{self.host}:{self.port}"

    def reply(self, text: str = DEFAULT_REPLY, **script: Any) -> None:
        """Queue the next /api/chat answer (see `Script` for the knobs)."""
        with self._lock:
            self._queue.append(Script(text=text, **script))

    def fail(self, status: int, message: str = "fake failure") -> None:
        """Queue an HTTP error with Ollama's `{"error": message}` body."""
        with self._lock:
            self._queue.append(Script(status=status, message=message))

    def reset(self) -> None:
        """Forget queued scripts and recorded requests."""
        with self._lock:
            self._queue.clear()
            self.requests.clear()

    @property
    def chat_requests(self) -> list[Any]:
        """JSON bodies of the /api/chat requests received, oldest first."""
        return [body for path, body in self.requests if path == "/api/chat"]

    def _next(self) -> Script:
        with self._lock:
            return self._queue.popleft() if self._queue else Script()

    def start(self) -> FakeOllama:
        """Serve on a free loopback port in a daemon thread; return once accepting."""
        self.port = self._loopback.start(_app(self))
        return self

    def stop(self) -> None:
        """Shut the server down and wait for its thread."""
        self._loopback.stop()


def _line(payload: dict) -> bytes:
    return (json.dumps(payload, ensure_ascii=False) + "\n").encode()


def _app(fake: FakeOllama) -> Starlette:
    async def chat(request: Request) -> Response:
        body = json.loads(await request.body())
        with fake._lock:
            fake.requests.append((request.url.path, body))
        script = fake._next()
        if script.delay_s:
            await asyncio.sleep(script.delay_s)
        if script.status:
            return JSONResponse({"error": script.message}, status_code=script.status)
        if body.get("model") not in fake.models:
            return JSONResponse({"error": f'model "{body.get("model")}" not found, try pulling it first'},
                                status_code=404)
        text = script.text
        chunks = script.chunks if script.chunks is not None else [text[i:i + 3] for i in range(0, len(text), 3)]
        return StreamingResponse(_stream(body["model"], script, chunks), media_type="application/x-ndjson")

    async def _stream(model: str, script: Script, chunks: list[str]) -> AsyncIterator[bytes]:
        def stamp() -> str:
            return time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())

        for n, piece in enumerate(chunks, start=1):
            yield _line({"model": model, "created_at": stamp(),
                         "message": {"role": "assistant", "content": piece}, "done": False})
            if script.malformed and n == 1:
                yield b'{"model": "' + model.encode() + b'", "message": {\n'
            if script.error_after == n:
                yield _line({"error": script.message})
                return
            if script.cut_after == n:
                return
            if script.stall_after == n:
                await asyncio.sleep(script.stall_s)
        final: dict[str, Any] = {
            "model": model, "created_at": stamp(), "message": {"role": "assistant", "content": ""},
            "done_reason": script.done_reason, "done": True, "total_duration": 5_000_000,
            "load_duration": 1_000_000, "prompt_eval_duration": 1_000_000,
            "eval_count": script.eval_count if script.eval_count is not None else len(chunks),
            "eval_duration": 2_000_000,
        }
        if not script.cached_prompt:
            final["prompt_eval_count"] = script.prompt_eval_count
        yield _line(final)

    async def tags(request: Request) -> Response:
        return JSONResponse({"models": [{"name": m, "model": m} for m in fake.models]})

    return Starlette(routes=[Route("/api/chat", chat, methods=["POST"]), Route("/api/tags", tags, methods=["GET"])])


@pytest.fixture(scope="session")
def fake_ollama_server() -> Any:
    """One fake Ollama server for the whole test session."""
    server = FakeOllama().start()
    yield server
    server.stop()


@pytest.fixture
def fake_ollama(fake_ollama_server: FakeOllama) -> Any:
    """The session's fake Ollama with a clean script and request log for this test."""
    fake_ollama_server.reset()
    yield fake_ollama_server
    fake_ollama_server.reset()
