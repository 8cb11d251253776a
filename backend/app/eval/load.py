"""Load on loopback for `make bench`: bursts of simultaneous chats and open-loop arrival rates.

Every request is bounded in time and every loop in count; the target is always a server this process started
(or the caller's own `make run` on 127.0.0.1). Results are classified the way a user would see them: an answer
that ended with `done`, an `error` event (by code), a connection broken mid-stream, an HTTP status other than
200 (a deliberate 503 is counted apart from the rest), or no answer within the client's limit.
"""

import asyncio
import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

QUESTIONS = ["미성년자도 판매자 가입 되나요", "정산은 언제 들어와요", "반품 배송비 누가 내요", "상품 카테고리 바꾸고 싶어요",
             "스마트스토어 수수료 얼마에요", "해외에서도 판매자 등록 가능?", "묶음배송 설정 방법", "리뷰 삭제 요청할 수 있나요",
             "강남역 맛집 추천", "사업자 전환 어떻게 해요"]
TAILS = ["", "궁금해요", "알려주세요", "문의드려요", "어떻게 되나요", "ㅠㅠ", "급해요", "빨리요", "질문이요", "혹시요"]
CLIENT_TIMEOUT_S = 90


def question(i: int) -> str:
    """A distinct question per index, so no answer comes from the query-embedding cache."""
    q, tail = QUESTIONS[i % len(QUESTIONS)], TAILS[i // len(QUESTIONS) % len(TAILS)]
    return f"{q} {tail} {i // (len(QUESTIONS) * len(TAILS))}".strip() if i >= len(QUESTIONS) * len(TAILS) \
        else f"{q} {tail}".strip()


@dataclass
class Outcome:
    kind: str  # done | error:<code> | broken | http:<status> | timeout
    first_token_ms: float | None = None
    total_ms: float = 0.0
    retry_after: str | None = None


@dataclass
class Chat:
    """A logged-in user of one workspace, on one server."""

    client: httpx.AsyncClient
    ws_id: uuid.UUID
    headers: dict = field(default_factory=dict)

    @classmethod
    async def login(cls, client: httpx.AsyncClient, ws_id: uuid.UUID, email: str, password: str) -> "Chat":
        r = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
        r.raise_for_status()
        return cls(client, ws_id, {"Authorization": f"Bearer {r.json()['access_token']}"})

    async def new_session(self) -> str:
        r = await self.client.post(f"/api/v1/workspaces/{self.ws_id}/chat/sessions", json={}, headers=self.headers)
        r.raise_for_status()
        return r.json()["id"]

    def _url(self, sid: str) -> str:
        return f"/api/v1/workspaces/{self.ws_id}/chat/sessions/{sid}/messages"

    async def ask_sse(self, sid: str, content: str) -> Outcome:
        """One streamed answer, read to its end."""
        t0 = time.perf_counter()
        first, event = None, None
        try:
            async with self.client.stream("POST", self._url(sid), json={"content": content},
                                          headers=self.headers, timeout=CLIENT_TIMEOUT_S) as r:
                if r.status_code != 200:
                    await r.aread()
                    return Outcome(f"http:{r.status_code}", total_ms=_ms(t0), retry_after=r.headers.get("retry-after"))
                async for line in r.aiter_lines():
                    if line.startswith("event:"):
                        event = line[6:].strip()
                        if event == "token" and first is None:
                            first = _ms(t0)
                    elif line.startswith("data:") and event in ("done", "error"):
                        code = "done" if event == "done" else f"error:{json.loads(line[5:]).get('error')}"
                        return Outcome(code, first, _ms(t0))
            return Outcome("broken", first, _ms(t0))  # the stream ended without done or error
        except httpx.TimeoutException:
            return Outcome("timeout", first, _ms(t0))
        except httpx.TransportError:
            return Outcome("broken", first, _ms(t0))

    async def ask_json(self, sid: str, content: str) -> Outcome:
        """One non-streamed answer (`?stream=false`)."""
        t0 = time.perf_counter()
        try:
            r = await self.client.post(self._url(sid) + "?stream=false", json={"content": content},
                                       headers=self.headers, timeout=CLIENT_TIMEOUT_S)
        except httpx.TimeoutException:
            return Outcome("timeout", total_ms=_ms(t0))
        except httpx.TransportError:
            return Outcome("broken", total_ms=_ms(t0))
        if r.status_code != 200:
            return Outcome(f"http:{r.status_code}", total_ms=_ms(t0), retry_after=r.headers.get("retry-after"))
        return Outcome("done", _ms(t0), _ms(t0))


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


class PoolWatch:
    """Samples our connections in pg_stat_activity while load runs: the peak in use (a statement running or a
    transaction open) and the peak left idle inside a transaction (a connection held while nothing is read)."""

    def __init__(self, database_url: str, interval_s: float = 0.05):
        self.engine = create_async_engine(database_url, pool_size=1, max_overflow=0)
        self.interval_s = interval_s
        self.peak_busy = self.peak_idle_in_tx = 0
        self._task: asyncio.Task | None = None

    async def sample(self) -> tuple[int, int]:
        async with self.engine.connect() as conn:
            row = (await conn.execute(text(
                "SELECT count(*) FILTER (WHERE state <> 'idle'), count(*) FILTER (WHERE state LIKE 'idle in%') "
                "FROM pg_stat_activity WHERE application_name = 'sangdam' AND pid <> pg_backend_pid()"))).one()
        return int(row[0]), int(row[1])

    async def _loop(self) -> None:
        while True:
            busy, idle_tx = await self.sample()
            self.peak_busy, self.peak_idle_in_tx = max(self.peak_busy, busy), max(self.peak_idle_in_tx, idle_tx)
            await asyncio.sleep(self.interval_s)

    def start(self) -> None:
        self.peak_busy = self.peak_idle_in_tx = 0
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> dict:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        return {"db_busy_peak": self.peak_busy, "db_idle_in_transaction_peak": self.peak_idle_in_tx}

    async def close(self) -> None:
        await self.engine.dispose()


def summarize(outcomes: list[Outcome], wall_s: float) -> dict:
    """Counts by kind and first-token percentiles of the answers that completed."""
    from app.eval.run import pct

    kinds = Counter(o.kind for o in outcomes)
    firsts = [o.first_token_ms for o in outcomes if o.kind == "done" and o.first_token_ms is not None]
    overloaded = kinds.pop("http:503", 0)
    done = kinds.pop("done", 0)
    return {"sent": len(outcomes), "completed": done, "overloaded_503": overloaded,
            "errors": sum(kinds.values()), "errors_by_kind": dict(sorted(kinds.items())),
            "first_token_p50_ms": pct(firsts, 0.5), "first_token_p95_ms": pct(firsts, 0.95),
            "first_token_p99_ms": pct(firsts, 0.99),
            "retry_after": sorted({o.retry_after for o in outcomes if o.retry_after}), "wall_s": round(wall_s, 2)}


async def burst(chat: Chat, n: int, mode: str = "sse", one_session: bool = False, offset: int = 0) -> tuple[list[Outcome], float]:
    """`n` chat messages sent at once, each in a new session (or all in one); return outcomes and wall time."""
    sids = [await chat.new_session()] * n if one_session else [await chat.new_session() for _ in range(n)]
    ask = chat.ask_sse if mode == "sse" else chat.ask_json
    t0 = time.perf_counter()
    outcomes = await asyncio.gather(*[ask(sid, question(offset + i)) for i, sid in enumerate(sids)])
    return list(outcomes), time.perf_counter() - t0


async def open_loop(chat: Chat, rate: float, seconds: float, offset: int = 0) -> tuple[list[Outcome], float]:
    """New chats arriving at `rate` per second for `seconds`, whether or not earlier ones have finished."""
    n = int(rate * seconds)
    sids = [await chat.new_session() for _ in range(n)]
    t0 = time.perf_counter()
    tasks = []
    for i, sid in enumerate(sids):
        delay = t0 + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(chat.ask_sse(sid, question(offset + i))))
    outcomes = await asyncio.gather(*tasks)
    return list(outcomes), time.perf_counter() - t0
