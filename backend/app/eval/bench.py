"""`make bench`: import speed, retrieval latency, chat under load over loopback (bursts of 50 and 100 simultaneous
new chats, SSE and JSON, each twice; then 5, 10 and 20 new chats per second), API CPU and memory; and documents
(a 100-page PDF extracted and indexed, the extractive summary's first token: app/documents/bench.py).

Prints one JSON line of figures; docs/benchmarks.md records them with the command.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import psutil

from app.chat.pipeline import plan_answer
from app.core.db import sessionmaker
from app.eval import load
from app.eval.dashboard_bench import dashboard_bench
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


LEVELS = [  # (name, kind, size): simultaneous bursts twice each (the second must be served like the first),
    # then open-loop arrival rates in new chats per second
    ("burst_sse_50", "sse", 50), ("burst_sse_50_again", "sse", 50),
    ("burst_sse_100", "sse", 100), ("burst_sse_100_again", "sse", 100),
    ("burst_json_50", "json", 50), ("burst_json_100", "json", 100), ("burst_json_100_one_session", "json_one", 100),
    ("burst_sse_50_after_overload", "sse", 50),
    ("rate_5_per_s", "rate", 5), ("rate_10_per_s", "rate", 10), ("rate_20_per_s", "rate", 20),
]


class ReadyWatch:
    """Samples the API's /readyz load figures while a level runs: peak pool checkouts and planning queue."""

    def __init__(self, client: httpx.AsyncClient, interval_s: float = 0.05):
        self.client, self.interval_s = client, interval_s
        self.peak = {"pool_checked_out_peak": 0, "planning_waiting_peak": 0}
        self._task: asyncio.Task | None = None

    async def _loop(self) -> None:
        while True:
            try:
                load = (await self.client.get("/readyz", timeout=5)).json()["load"]
                self.peak["pool_checked_out_peak"] = max(self.peak["pool_checked_out_peak"],
                                                         load["db_pool"]["checked_out"])
                self.peak["planning_waiting_peak"] = max(self.peak["planning_waiting_peak"],
                                                         load["chat_planning"]["waiting"])
            except (httpx.HTTPError, KeyError, ValueError):
                pass
            await asyncio.sleep(self.interval_s)

    def __enter__(self) -> "ReadyWatch":
        self._task = asyncio.create_task(self._loop())
        return self

    def __exit__(self, *exc) -> None:
        if self._task:
            self._task.cancel()


async def chat_load(base: str, ws_id: uuid.UUID, email: str, password: str, proc: psutil.Process | None,
                    rate_seconds: float, only: set[str] | None = None) -> dict:
    """Every level of LEVELS against the API on loopback, measured from the client side."""
    limits = httpx.Limits(max_connections=2000, max_keepalive_connections=200)
    out: dict = {}
    async with httpx.AsyncClient(base_url=base, timeout=load.CLIENT_TIMEOUT_S, limits=limits) as client, \
            httpx.AsyncClient(base_url=base) as probe:
        chat = await load.Chat.login(client, ws_id, email, password)
        # No warm-up: the first burst meets a server that has answered nothing yet, as after a deploy. (A warmed
        # server is why the old 50-stream figure never met the pool deadlock a cold one fell into.)
        watch_db = load.PoolWatch(os.environ["DATABASE_URL"])
        offset = 0
        for name, kind, size in LEVELS:
            if only and name not in only:
                continue
            cpu0, pg0 = _cpu_s(proc), _postgres_cpu_s()
            watch_db.start()
            with ReadyWatch(probe) as watch:
                if kind == "rate":
                    outcomes, wall = await load.open_loop(chat, size, rate_seconds, offset)
                else:
                    mode = "sse" if kind == "sse" else "json"
                    outcomes, wall = await load.burst(chat, size, mode, one_session=kind == "json_one", offset=offset)
            offset += len(outcomes)
            figures = load.summarize(outcomes, wall) | watch.peak | await watch_db.stop()
            answered = max(1, figures["completed"])
            figures |= {"api_cpu_ms_per_answer": round((_cpu_s(proc) - cpu0) * 1000 / answered, 1),
                        "postgres_cpu_ms_per_answer": round((_postgres_cpu_s() - pg0) * 1000 / answered, 1),
                        "api_rss_mb": _worker_rss_mb(proc) if proc else None}
            if kind == "rate":
                figures["rate_per_s"], figures["seconds"] = size, rate_seconds
            out[name] = figures
            print(f"{name}: {json.dumps(figures, ensure_ascii=False)}", file=sys.stderr, flush=True)
            await asyncio.sleep(2)  # let the last answers' saves finish before the next level
        await watch_db.close()
    return out


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def main(faq: Path, reuse: bool, workers: int = 1, rate_seconds: float = 60,
               only: set[str] | None = None) -> dict:
    if only and only <= {"documents", "dashboard"}:  # these levels need no FAQ import nor API server
        figures = {}
        if "documents" in only:
            figures["documents"] = await documents_level()
        if "dashboard" in only:
            figures["dashboard"] = await dashboard_bench()
        return figures
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
    env = os.environ | {"PYTHONPATH": str(ROOT / "backend"), "LOGIN_MAX_ATTEMPTS": "1000",
                          # one load-generating user sends every chat
                          "CHAT_MESSAGES_PER_MINUTE": "1000000", "CHAT_SESSIONS_PER_HOUR": "1000000"}
    # As in production (infra/api.Dockerfile): uvicorn with `workers` processes, each with its own models.
    api = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port),
                            "--workers", str(workers), "--log-level", "warning", "--no-proxy-headers"], cwd=ROOT, env=env)
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
        figures["chat_load"] = await chat_load(base, ws_id, email, password, proc, rate_seconds, only)
        figures["api_rss_mb_after_load"] = _worker_rss_mb(proc)
    finally:
        api.terminate()
        api.wait(10)
    if not only or "documents" in only:
        figures["documents"] = await documents_level()
    if not only or "dashboard" in only:  # last: its million messages would weigh on the chat levels' database
        figures["dashboard"] = await dashboard_bench()
        print(f"dashboard: {json.dumps(figures['dashboard'])}", file=sys.stderr, flush=True)
    return figures


async def documents_level() -> dict:
    """A generated 100-page PDF: extraction and indexing speed, extractive summary first-token time."""
    from app.documents.bench import measure

    figures = await measure(pages=100)
    print(f"documents: {figures}", file=sys.stderr)
    return figures


def cli() -> None:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--faq", required=True)
    parser.add_argument("--rate-seconds", type=float, default=60, help="length of each arrival-rate level")
    parser.add_argument("--only", default="", help="comma-separated level names (default: all of LEVELS, then "
                        "documents and dashboard); `--only documents` or `--only dashboard` runs one alone")
    parser.add_argument("--reuse", action="store_true", help="reuse a workspace imported from the same file")
    parser.add_argument("--workers", type=int, default=1,
                        help="uvicorn worker processes (production runs 2; on two cores 2 measured slower than 1)")
    args = parser.parse_args()

    async def body(faq: Path) -> None:
        only = {n for n in args.only.split(",") if n} or None
        print(json.dumps(await main(faq, args.reuse, args.workers, args.rate_seconds, only), ensure_ascii=False))

    run_cli(args, body)


if __name__ == "__main__":
    cli()
