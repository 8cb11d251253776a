"""Admission control: a bounded number at once, a bounded FIFO queue, 503 past it, slots always given back."""

import asyncio

import pytest

from app.core.admission import Admission, Overloaded


async def test_holders_beyond_the_limit_wait_in_order_and_the_rest_are_refused_at_once():
    gate = Admission(limit=2, queue=2, wait_s=5)
    release = asyncio.Event()
    order: list[int] = []

    async def worker(i: int) -> str:
        try:
            async with gate.slot():
                order.append(i)
                await release.wait()
            return "served"
        except Overloaded as exc:
            assert exc.status_code == 503 and exc.headers["Retry-After"] == str(exc.retry_after)
            return "refused"

    tasks = [asyncio.create_task(worker(i)) for i in range(6)]
    await asyncio.sleep(0.05)
    assert (gate.active, gate.waiting) == (2, 2)
    assert sum(t.done() for t in tasks) == 2 and all(t.result() == "refused" for t in tasks[4:])
    release.set()
    results = await asyncio.gather(*tasks)
    assert results == ["served"] * 4 + ["refused"] * 2
    assert order == [0, 1, 2, 3]  # first come, first served
    assert (gate.active, gate.waiting) == (0, 0)


async def test_a_turn_that_does_not_come_in_time_is_refused_and_leaves_no_trace():
    gate = Admission(limit=1, queue=5, wait_s=0.1)
    async with gate.slot():
        with pytest.raises(Overloaded) as info:
            async with gate.slot():
                pass
        assert info.value.retry_after >= 1
        assert gate.waiting == 0
    async with gate.slot():  # the slot came back
        assert gate.active == 1


async def test_a_holder_that_fails_or_is_cancelled_gives_its_slot_back():
    gate = Admission(limit=1, queue=1, wait_s=1)
    with pytest.raises(RuntimeError):
        async with gate.slot():
            raise RuntimeError("planning failed")

    async def hold():
        async with gate.slot():
            await asyncio.sleep(10)

    task = asyncio.create_task(hold())
    await asyncio.sleep(0.02)
    waiter = asyncio.create_task(hold())
    await asyncio.sleep(0.02)
    assert (gate.active, gate.waiting) == (1, 1)
    waiter.cancel()  # a client that leaves while waiting
    task.cancel()
    await asyncio.gather(task, waiter, return_exceptions=True)
    assert (gate.active, gate.waiting) == (0, 0)
    async with asyncio.timeout(1), gate.slot():
        pass
