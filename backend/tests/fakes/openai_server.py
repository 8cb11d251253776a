"""A loopback OpenAI-compatible HTTP server, so tests run the real `openai` client code.

Use it as a pytest plugin from the root conftest::

    pytest_plugins = ["tests.fakes.openai_server"]

    async def test_answer(fake_openai):
        fake_openai.reply("배송은 2~3일 걸립니다.")        # next chat completion streams this
        fake_openai.fail(429)                               # ...or answers HTTP 429 (OpenAI error body)
        fake_openai.reply("늦게", delay_s=2)               # ...or waits 2 s before the headers
        fake_openai.reply("멈춤", stall_after=1, stall_s=2) # ...or stalls after the first delta
        fake_openai.reply("x", malformed=True)              # ...or sends a non-JSON SSE chunk
        fake_openai.reply(echo_system=True)                 # ...or recites the request's system message
        model = OpenAIChatModel(api_key="test", base_url=fake_openai.base_url)
        ...
        body = fake_openai.chat_requests[-1]                # the JSON body we sent

`fake_openai_env` also points OPENAI_BASE_URL / OPENAI_API_KEY at the server. With nothing
queued, chat answers `DEFAULT_REPLY`. Embeddings are deterministic per text (`fake_embedding`),
deliberately not unit length, `embedding_dim` wide unless the request asks for `dimensions`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import threading
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
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
    chunks: list[str] | None = None  # the content deltas; default: the text cut into short pieces
    send_usage: bool = True  # honour stream_options.include_usage (False: behave like an old server)
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str = "stop"
    status: int | None = None  # answer with this HTTP error instead
    message: str = "fake failure"
    delay_s: float = 0.0  # before the response headers
    stall_after: int | None = None  # sleep stall_s after this many content deltas
    stall_s: float = 0.0
    malformed: bool = False  # send a broken JSON chunk after the first delta
    error_after: int | None = None  # send an OpenAI in-stream error event after this many deltas
    echo_system: bool = False  # answer with the request's system message, word for word (a leaking model)


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeOpenAI:
    """The server state tests script and inspect; thread-safe because uvicorn runs elsewhere."""

    embedding_dim: int = 1536
    models: list[str] = field(default_factory=lambda: ["gpt-4o-mini", "text-embedding-3-small"])
    requests: list[RecordedRequest] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, deque[Script]] = {"chat": deque(), "embeddings": deque()}
        self._loopback = LoopbackServer("fake OpenAI server", self.host)

    # -- scripting ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """The `/v1` base URL to hand to the client."""
        return f"http://{self.host}:{self.port}/v1"

    def reply(self, text: str = DEFAULT_REPLY, **script: Any) -> None:
        """Queue the next chat completion (see `Script` for the knobs)."""
        self.queue("chat", Script(text=text, **script))

    def fail(self, status: int, message: str = "fake failure", *, endpoint: str = "chat",
             times: int = 1) -> None:
        """Queue `times` HTTP errors with an OpenAI-style error body."""
        for _ in range(times):
            self.queue(endpoint, Script(status=status, message=message))

    def queue(self, endpoint: str, script: Script) -> None:
        """Queue a raw script for "chat" or "embeddings"."""
        with self._lock:
            self._queues[endpoint].append(script)

    def reset(self) -> None:
        """Forget queued scripts and recorded requests."""
        with self._lock:
            for q in self._queues.values():
                q.clear()
            self.requests.clear()
            self.embedding_dim = 1536

    @property
    def chat_requests(self) -> list[Any]:
        """JSON bodies of the chat completion requests received, oldest first."""
        return [r.body for r in self.requests if r.path.endswith("/chat/completions")]

    @property
    def embedding_requests(self) -> list[Any]:
        """JSON bodies of the embedding requests received, oldest first."""
        return [r.body for r in self.requests if r.path.endswith("/embeddings")]

    def _next(self, endpoint: str) -> Script:
        with self._lock:
            q = self._queues[endpoint]
            return q.popleft() if q else Script()

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> FakeOpenAI:
        """Serve on a free loopback port in a daemon thread; return once accepting."""
        self.port = self._loopback.start(_app(self))
        return self

    def stop(self) -> None:
        """Shut the server down and wait for its thread."""
        self._loopback.stop()


def fake_embedding(text: str, dim: int) -> np.ndarray:
    """The deterministic, not normalised, vector the fake returns for `text`."""
    seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
    return (np.random.default_rng(seed).standard_normal(dim) * 3.0).astype(np.float32)


def _error(status: int, message: str) -> JSONResponse:
    kind = {429: "rate_limit_exceeded", 401: "invalid_api_key"}.get(status, "server_error")
    return JSONResponse({"error": {"message": message, "type": kind, "param": None, "code": kind}},
                        status_code=status)


def _pieces(text: str) -> list[str]:
    return [text[i:i + 3] for i in range(0, len(text), 3)]


def _usage(fake_body: dict, script: Script, chunks: list[str]) -> dict[str, int]:
    prompt = script.prompt_tokens
    if prompt is None:
        prompt = sum(len(str(m.get("content", ""))) for m in fake_body.get("messages", []))
    completion = script.completion_tokens if script.completion_tokens is not None else len(chunks)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _app(fake: FakeOpenAI) -> Starlette:
    async def record(request: Request) -> Any:
        raw = await request.body()
        body = json.loads(raw) if raw else None
        with fake._lock:
            fake.requests.append(RecordedRequest(request.method, request.url.path, dict(request.headers),
                                                 body))
        return body

    async def chat(request: Request) -> Response:
        body = await record(request)
        script = fake._next("chat")
        if script.delay_s:
            await asyncio.sleep(script.delay_s)
        if script.status:
            return _error(script.status, script.message)
        if script.echo_system:
            script.text = next((m["content"] for m in body["messages"] if m["role"] == "system"), "")
        chunks = script.chunks if script.chunks is not None else _pieces(script.text)
        model = body.get("model", "gpt-4o-mini")
        if not body.get("stream"):
            return JSONResponse({
                "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": "".join(chunks)},
                             "logprobs": None, "finish_reason": script.finish_reason}],
                "usage": _usage(body, script, chunks),
            })
        with_usage = bool((body.get("stream_options") or {}).get("include_usage")) and script.send_usage
        events = _stream(body, script, chunks, model, with_usage)
        return StreamingResponse(events, media_type="text/event-stream")

    async def _stream(body: dict, script: Script, chunks: list[str], model: str,
                      with_usage: bool) -> AsyncIterator[bytes]:
        base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": model, "system_fingerprint": "fp_fake"}

        def event(choices: list, **extra: Any) -> bytes:
            payload = {**base, "choices": choices, **({"usage": None} if with_usage else {}), **extra}
            return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode()

        def delta(d: dict, finish: str | None = None) -> list:
            return [{"index": 0, "delta": d, "logprobs": None, "finish_reason": finish}]

        yield event(delta({"role": "assistant", "content": ""}))
        for n, piece in enumerate(chunks, start=1):
            yield event(delta({"content": piece}))
            if script.malformed and n == 1:
                yield b'data: {"id": "chatcmpl-fake", "choices": [\n\n'
            if script.error_after == n:
                err = {"error": {"message": script.message, "type": "server_error"}}
                yield f"data: {json.dumps(err)}\n\n".encode()
                return
            if script.stall_after == n:
                await asyncio.sleep(script.stall_s)
        yield event(delta({}, script.finish_reason))
        if with_usage:
            yield event([], usage=_usage(body, script, chunks))
        yield b"data: [DONE]\n\n"

    async def embeddings(request: Request) -> Response:
        body = await record(request)
        script = fake._next("embeddings")
        if script.delay_s:
            await asyncio.sleep(script.delay_s)
        if script.status:
            return _error(script.status, script.message)
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        dim = body.get("dimensions") or fake.embedding_dim
        as_b64 = body.get("encoding_format") == "base64"
        data = []
        for i, text in enumerate(inputs):
            vec = fake_embedding(text, dim)
            emb: Any = base64.b64encode(vec.astype("<f4").tobytes()).decode() if as_b64 else vec.tolist()
            data.append({"object": "embedding", "index": i, "embedding": emb})
        data.reverse()  # real servers may answer out of order; clients must sort by index
        tokens = sum(len(t) for t in inputs)
        return JSONResponse({"object": "list", "data": data, "model": body["model"],
                             "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})

    async def models(request: Request) -> Response:
        await record(request)
        return JSONResponse({"object": "list", "data": [
            {"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in fake.models]})

    return Starlette(routes=[
        Route("/v1/chat/completions", chat, methods=["POST"]),
        Route("/v1/embeddings", embeddings, methods=["POST"]),
        Route("/v1/models", models, methods=["GET"]),
    ])


@pytest.fixture(scope="session")
def fake_openai_server() -> Any:
    """One fake server for the whole test session."""
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture
def fake_openai(fake_openai_server: FakeOpenAI) -> Any:
    """The session's fake server with a clean script and request log for this test."""
    fake_openai_server.reset()
    yield fake_openai_server
    fake_openai_server.reset()


@pytest.fixture
def fake_openai_env(fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    """Point OPENAI_BASE_URL / OPENAI_API_KEY at the fake server for code that reads the environment."""
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    return fake_openai
