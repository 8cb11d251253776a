import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.conftest import ROOT
from tests.fakes.openai_server import FakeOpenAI


@pytest.fixture(autouse=True)
def _no_real_llm(monkeypatch):
    """Answer extractively unless a test points OPENAI_* at the fake; a developer's key stays unused."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def start_server(fake_openai: FakeOpenAI, tmp_path) -> Iterator[Callable[..., str]]:
    """Start `uvicorn app.main:app` in a subprocess on a free port, sharing the test database and Redis and
    pointing OPENAI_* at the fake; extra env vars (limits) per call. Returns the base URL."""
    procs: list[tuple[subprocess.Popen, object]] = []

    def start(**env_extra: str) -> str:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = os.environ | {"PYTHONPATH": str(ROOT / "backend"), "PRELOAD_MODELS": "0",
                            "OPENAI_BASE_URL": fake_openai.base_url, "OPENAI_API_KEY": "test-key"} | env_extra
        path = tmp_path / f"uvicorn-{port}.log"
        log = open(path, "wb")  # noqa: SIM115 - closed at teardown
        proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1",
                                 "--port", str(port), "--log-level", "warning"],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        procs.append((proc, log))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    return base
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.close()
                pytest.fail(f"uvicorn did not start:\n{path.read_text()}")
            time.sleep(0.2)

    yield start
    for proc, log in procs:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def server(start_server) -> str:
    """One API server with the default limits."""
    return start_server()
