"""Bogus logins against a loopback API while /healthz is timed: `make login-bench`.

Each round sends `concurrency` simultaneous logins with wrong passwords (half for an existing account, half for
unknown emails, so both the real and the dummy argon2 check run) while a prober asks /healthz back to back.
Password hashing at production cost (SANGDAM_ENV=dev) must not stall the event loop: the target is a /healthz
p95 under 100 ms. Everything is bounded: loopback only, at most 64 logins a round, 10 rounds, 60 s in all.
The login limits are raised on the server this script starts, so every login reaches the password check.
"""

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parents[3]
TARGET_P95_MS = 100.0
MAX_CONCURRENCY, MAX_ROUNDS, MAX_SECONDS = 64, 10, 60.0
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _figures(samples_ms: list[float]) -> dict:
    if not samples_ms:
        return {"n": 0}
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1),
            "max_ms": round(ordered[-1], 1)}


async def _probe(client: httpx.AsyncClient, stop: asyncio.Event, out: list[float]) -> None:
    """Time /healthz back to back (a 10 ms pause between) until told to stop."""
    while not stop.is_set():
        start = time.perf_counter()
        r = await client.get("/healthz")
        r.raise_for_status()
        out.append((time.perf_counter() - start) * 1000)
        await asyncio.sleep(0.01)


async def _idle(client: httpx.AsyncClient, seconds: float = 1.5) -> list[float]:
    stop, out = asyncio.Event(), []
    task = asyncio.create_task(_probe(client, stop, out))
    await asyncio.sleep(seconds)
    stop.set()
    await task
    return out


async def _create_user() -> str:
    from app.core.db import dispose_engine, sessionmaker
    from app.users.service import ensure_user

    email = f"login-load-{uuid.uuid4().hex[:8]}@sangdam.dev"
    async with sessionmaker()() as s:
        await ensure_user(session=s, email=email, password=uuid.uuid4().hex)
        await s.commit()
    await dispose_engine()
    return email


async def run(base: str, email: str, concurrency: int, rounds: int) -> dict:
    """Idle /healthz, then `rounds` bursts of bogus logins with /healthz timed throughout."""
    limits = httpx.Limits(max_connections=concurrency + 4)
    async with httpx.AsyncClient(base_url=base, timeout=30) as probe, \
            httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as logins:
        idle = await _idle(probe)
        loaded: list[float] = []
        login_ms: list[float] = []
        codes: Counter = Counter()

        async def bogus(i: int) -> None:
            who = email if i % 2 else f"nobody-{uuid.uuid4().hex[:8]}@sangdam.dev"
            start = time.perf_counter()
            r = await logins.post("/api/v1/auth/login", json={"email": who, "password": "wrong-password"})
            login_ms.append((time.perf_counter() - start) * 1000)
            codes[r.status_code] += 1

        stop = asyncio.Event()
        prober = asyncio.create_task(_probe(probe, stop, loaded))
        started = time.perf_counter()
        for _ in range(rounds):
            await asyncio.gather(*(bogus(i) for i in range(concurrency)))
        seconds = time.perf_counter() - started
        stop.set()
        await prober
    healthz = _figures(loaded)
    return {"concurrency": concurrency, "rounds": rounds, "seconds": round(seconds, 2),
            "logins_per_s": round(concurrency * rounds / seconds, 1), "login_status": dict(codes),
            "login": _figures(login_ms), "healthz_idle": _figures(idle), "healthz_under_load": healthz,
            "target_p95_ms": TARGET_P95_MS, "ok": healthz.get("p95_ms", 0) < TARGET_P95_MS}


async def _wait_ready(base: str, api: subprocess.Popen) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=2) as c:
        for _ in range(300):
            if api.poll() is not None:
                raise SystemExit(f"API exited with {api.returncode}")
            try:
                if (await c.get("/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit("API did not become ready in 60 s")


async def main(concurrency: int, rounds: int, hash_concurrency: int | None) -> dict:
    email = await _create_user()
    port = _free_port()
    env = os.environ | {"PYTHONPATH": str(ROOT / "backend"), "SANGDAM_ENV": "dev", "PRELOAD_MODELS": "0",
                        "LOGIN_MAX_ATTEMPTS": "100000", "LOGIN_MAX_ATTEMPTS_PER_ADDRESS": "100000"}
    if hash_concurrency:
        env["PASSWORD_HASH_CONCURRENCY"] = str(hash_concurrency)
    api = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.main:app", "--no-proxy-headers",
                            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        await _wait_ready(base, api)
        figures = await asyncio.wait_for(run(base, email, concurrency, rounds), MAX_SECONDS)
        figures["password_hash_concurrency"] = int(env.get("PASSWORD_HASH_CONCURRENCY", 0)) or "default"
        return figures
    finally:
        api.terminate()
        api.wait(10)


def cli() -> None:
    parser = argparse.ArgumentParser(prog="make login-bench", description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=32, help=f"logins at once (at most {MAX_CONCURRENCY})")
    parser.add_argument("--rounds", type=int, default=3, help=f"bursts (at most {MAX_ROUNDS})")
    parser.add_argument("--hash-concurrency", type=int, default=None, help="PASSWORD_HASH_CONCURRENCY of the server")
    parser.add_argument("--report", type=Path, default=None, help="write the figures as JSON here")
    args = parser.parse_args()
    if not (1 <= args.concurrency <= MAX_CONCURRENCY and 1 <= args.rounds <= MAX_ROUNDS):
        parser.error(f"--concurrency 1..{MAX_CONCURRENCY}, --rounds 1..{MAX_ROUNDS}")
    if urlparse(os.environ.get("DATABASE_URL", "")).hostname not in LOOPBACK | {None}:
        parser.error("runs only against loopback services (DATABASE_URL points elsewhere)")
    figures = asyncio.run(main(args.concurrency, args.rounds, args.hash_concurrency))
    text = json.dumps(figures, ensure_ascii=False, indent=2)
    print(text)
    if args.report:
        args.report.write_text(text + "\n", encoding="utf-8")
    sys.exit(0 if figures["ok"] else 1)


if __name__ == "__main__":
    cli()
