"""`make bench`: import speed, retrieval latency, 50 concurrent chat streams over loopback, API memory.

Prints one JSON line of figures; docs/benchmarks.md records them with the command.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import psutil

from app.chat.pipeline import plan_answer
from app.core.db import sessionmaker
from app.eval.run import pct, run_cli, setup_workspace
from app.models import Membership
from app.users.service import ensure_user
from app.workspaces.service import load_settings

ROOT = Path(__file__).resolve().parents[3]
PROBES = ["미성년자도 판매자 가입 되나요", "정산은 언제 들어와요", "반품 배송비 누가 내요", "상품 카테고리 바꾸고 싶어요",
          "스마트스토어 수수료 얼마에요", "해외에서도 판매자 등록 가능?", "묶음배송 설정 방법", "리뷰 삭제 요청할 수 있나요",
          "강남역 맛집 추천", "사업자 전환 어떻게 해요"]
TAILS = ["", "궁금해요", "알려주세요", "문의드려요", "어떻게 되나요", "ㅠㅠ"]


async def retrieval_latency(ws_id: uuid.UUID, rounds: int = 10) -> dict:
    """Server-side plan latency (embed + keyword analysis + SQL + decision) on warm caches and cold queries."""
    async with sessionmaker()() as s:
        settings = await load_settings(session=s, ws_id=ws_id)
    times = []
    for r in range(rounds):
        for q in PROBES:
            plan = await plan_answer(ws_id=ws_id, settings=settings, history=[], message=f"{q} {r}" if r else q)
            times.append(plan.retrieval_ms)
    return {"retrieval_p50_ms": pct(times, 0.5), "retrieval_p95_ms": pct(times, 0.95), "n": len(times)}


async def _stream(client: httpx.AsyncClient, url: str, headers: dict, question: str) -> dict:
    t0 = time.perf_counter()
    first = None
    ok = False
    async with client.stream("POST", url, json={"content": question}, headers=headers) as r:
        if r.status_code != 200:
            return {"ok": False, "status": r.status_code}
        async for line in r.aiter_lines():
            if line.startswith("event: token") and first is None:
                first = (time.perf_counter() - t0) * 1000
            if line.startswith("event: done"):
                ok = True
            if line.startswith("event: error"):
                return {"ok": False, "status": "error-event"}
    return {"ok": ok, "first_token_ms": first, "total_ms": (time.perf_counter() - t0) * 1000}


def _cpu_s(proc: psutil.Process | None, children: bool = True) -> float:
    """CPU seconds of a process and (by default) its children (uvicorn workers)."""
    if proc is None:
        return 0.0
    total = 0.0
    for p in [proc, *(proc.children(recursive=True) if children else [])]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def _worker_rss_mb(proc: psutil.Process) -> list[float]:
    """RSS of each process serving requests: the workers, or the process itself when it has none."""
    procs = [p for p in proc.children(recursive=True) if p.memory_info().rss > 100 * 2**20] or [proc]
    return [round(p.memory_info().rss / 2**20, 1) for p in procs]


def _postgres_cpu_s() -> float:
    """CPU of every PostgreSQL process on this machine (the embedded server's backends and workers)."""
    return sum(_cpu_s(p, children=False) for p in psutil.process_iter(["name"])
               if (p.info["name"] or "").startswith("postgres"))


async def concurrent_streams(base: str, ws_id: uuid.UUID, email: str, password: str, n: int,
                             proc: psutil.Process | None = None) -> dict:
    """`n` chat streams at once, each in its own session, measured from the client side."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        tokens = (await client.post("/api/v1/auth/login", json={"email": email, "password": password})).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        sessions = [(await client.post(f"/api/v1/workspaces/{ws_id}/chat/sessions", json={}, headers=headers)).json()
                    for _ in range(n)]
        await _stream(client, f"/api/v1/workspaces/{ws_id}/chat/sessions/{sessions[0]['id']}/messages", headers,
                      "워밍업 질문입니다")
        me = psutil.Process()
        t0, cpu0, pg0, me0 = time.perf_counter(), _cpu_s(proc), _postgres_cpu_s(), _cpu_s(me, children=False)
        # Every stream asks a distinct text, so no answer comes from the query-embedding cache.
        results = await asyncio.gather(*[
            _stream(client, f"/api/v1/workspaces/{ws_id}/chat/sessions/{s['id']}/messages", headers,
                    f"{PROBES[i % len(PROBES)]} {TAILS[i // len(PROBES) % len(TAILS)]}") for i, s in enumerate(sessions)])
        wall, cpu = time.perf_counter() - t0, _cpu_s(proc) - cpu0
        pg, client_cpu = _postgres_cpu_s() - pg0, _cpu_s(me, children=False) - me0
    firsts = [r["first_token_ms"] for r in results if r.get("first_token_ms") is not None]
    return {"streams": n, "errors": sum(not r["ok"] for r in results), "first_token_p50_ms": pct(firsts, 0.5),
            "first_token_p99_ms": pct(firsts, 0.99), "total_p99_ms": pct([r.get("total_ms", 0) for r in results], 0.99),
            "wall_s": round(wall, 2),
            # Where the budget goes: CPU the API process spent per stream (the rest: PostgreSQL and this client).
            "api_cpu_ms_per_stream": round(cpu * 1000 / n, 1), "postgres_cpu_ms_per_stream": round(pg * 1000 / n, 1),
            "client_cpu_ms_per_stream": round(client_cpu * 1000 / n, 1)}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def main(faq: Path, streams: int, reuse: bool, workers: int = 1) -> dict:
    ws_id, owner_id, imported, seconds = await setup_workspace(faq, reuse)
    figures: dict = {"import": {"entries": imported["entries"], "seconds": None if imported.get("reused") else round(seconds, 1)}}
    print(f"import: {figures['import']}", file=sys.stderr)
    figures["retrieval"] = await retrieval_latency(ws_id)
    print(f"retrieval: {figures['retrieval']}", file=sys.stderr)
    password = uuid.uuid4().hex
    async with sessionmaker()() as s:
        user = await ensure_user(session=s, email=f"bench-{uuid.uuid4().hex[:8]}@sangdam.dev", password=password)
        s.add(Membership(workspace_id=ws_id, user_id=user.id, role="member"))
        await s.commit()
        email = user.email
    port = _free_port()
    env = os.environ | {"PYTHONPATH": str(ROOT / "backend"), "LOGIN_MAX_ATTEMPTS": "1000"}
    # As in production (infra/api.Dockerfile): uvicorn with `workers` processes, each with its own models.
    api = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port),
                            "--workers", str(workers), "--log-level", "warning"], cwd=ROOT, env=env)
    figures["api_workers"] = workers
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient() as c:
            for _ in range(300):
                try:
                    if (await c.get(base + "/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        proc = psutil.Process(api.pid)
        for _ in range(300):  # every worker has loaded its models (a worker serves only after its start-up)
            if len(proc.children()) >= (workers if workers > 1 else 0) and min(_worker_rss_mb(proc)) > 400:
                break
            await asyncio.sleep(0.2)
        figures["api_rss_mb_idle"] = _worker_rss_mb(proc)
        figures["chat_streams"] = await concurrent_streams(base, ws_id, email, password, streams, proc)
        figures["api_rss_mb_after_load"] = _worker_rss_mb(proc)
    finally:
        api.terminate()
        api.wait(10)
    return figures


def cli() -> None:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--faq", required=True)
    parser.add_argument("--streams", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="reuse a workspace imported from the same file")
    parser.add_argument("--workers", type=int, default=1,
                        help="uvicorn worker processes (production runs 2; on two cores 2 measured slower than 1)")
    args = parser.parse_args()

    async def body(faq: Path) -> None:
        print(json.dumps(await main(faq, args.streams, args.reuse, args.workers), ensure_ascii=False))

    run_cli(args, body)


if __name__ == "__main__":
    cli()
