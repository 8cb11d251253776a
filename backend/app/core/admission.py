"""Admission control: a bounded number of answers planned at once, a bounded queue, and 503 past it.

Planning an answer (embedding the question, the search statement, the decision) is CPU-bound; past what two
cores can do at once, more concurrency only makes every answer later. Requests over the limit wait their turn
in FIFO order; when the queue is full, or a turn does not come within the wait limit, the request is answered
at once with 503 and Retry-After instead of hanging until something times out.
"""

import asyncio
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.core.errors import AppError

EWMA = 0.2  # weight of the newest planning time in the running estimate


class Overloaded(AppError):
    status_code, code = 503, "overloaded"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
        self.come_back_in(retry_after)


class Admission:
    """At most `limit` holders at once, at most `queue` waiting, each waiting at most `wait_s`."""

    def __init__(self, *, limit: int, queue: int, wait_s: float):
        self.limit, self.queue, self.wait_s = limit, queue, wait_s
        self._slots = asyncio.Semaphore(limit)
        self.active = self.waiting = 0
        self._avg_s = 0.05  # running estimate of one turn's length, for Retry-After

    def retry_after(self) -> int:
        """Seconds until the queue as it stands has drained, rounded up (at least 1)."""
        return max(1, math.ceil((self.waiting + self.active) * self._avg_s / self.limit))

    def reserve(self) -> None:
        """Take a place in line now, or raise Overloaded; `slot(reserved=True)` then waits with it.

        A request reserves before it writes anything, so a full queue is answered 503 with nothing saved.
        """
        if self.active + self.waiting >= self.limit + self.queue:
            raise Overloaded("지금 질문이 많아 바로 답할 수 없습니다. 잠시 후 다시 시도해 주세요.",
                             retry_after=self.retry_after())
        self.waiting += 1

    def cancel(self) -> None:
        """Give back a reservation that will not be used."""
        self.waiting -= 1

    @asynccontextmanager
    async def slot(self, *, reserved: bool = False) -> AsyncIterator[None]:
        """Hold one slot for the body; wait for it in line (with a reservation, or taking one), or raise
        Overloaded when the line is full or the turn does not come within `wait_s`."""
        if not reserved:
            self.reserve()
        try:
            async with asyncio.timeout(self.wait_s):
                await self._slots.acquire()
        except TimeoutError:
            raise Overloaded("지금 질문이 많아 답이 늦어지고 있습니다. 잠시 후 다시 시도해 주세요.",
                             retry_after=self.retry_after()) from None
        finally:
            self.waiting -= 1
        self.active += 1
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.active -= 1
            self._avg_s += EWMA * (time.perf_counter() - t0 - self._avg_s)
            self._slots.release()

    def status(self) -> dict:
        return {"active": self.active, "waiting": self.waiting, "limit": self.limit, "queue": self.queue}


_planning: Admission | None = None


def planning() -> Admission:
    """The process-wide admission for planning chat answers (limits from settings)."""
    global _planning
    if _planning is None:
        from app.core.config import get_settings

        s = get_settings()
        _planning = Admission(limit=s.chat_plan_concurrency, queue=s.chat_plan_queue, wait_s=s.chat_plan_wait_seconds)
    return _planning
