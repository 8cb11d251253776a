"""Many chats at once against a real server process: no connection held while answers stream, overload
answered with 503 at once, every stream ended, and the next burst served like the first."""

import asyncio
import uuid

import httpx
from sqlalchemy import text

from app.core.db import read
from app.eval.load import Chat, burst
from tests.conftest import make_actor, make_workspace
from tests.fakes.openai_server import FakeOpenAI, Script
from tests.helpers import MINOR_SIGNUP, clone_demo, new_session, patch_settings


async def idle_in_transaction() -> int:
    """Connections of ours left open inside a transaction (a connection held while nothing is read)."""
    return (await read(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sangdam' "
                            "AND state LIKE 'idle in transaction%'"))).scalar()


async def checked_out(remote: httpx.AsyncClient) -> int:
    return (await remote.get("/readyz")).json()["load"]["db_pool"]["checked_out"]


async def settle(remote: httpx.AsyncClient) -> tuple[int, int]:
    """Pool checkouts and idle transactions once the server has had a moment to finish its saves."""
    for _ in range(50):
        got = (await checked_out(remote), await idle_in_transaction())
        if got == (0, 0):
            break
        await asyncio.sleep(0.1)
    return got


async def openai_workspace(client, actor, **retrieval) -> str:
    ws = (await make_workspace(client, actor))["id"]
    await clone_demo(ws)
    await patch_settings(client, actor, ws, qa={"chat_provider": "openai", "llm_followups": False},
                         retrieval={"llm_rerank": False} | retrieval)
    return ws


async def test_a_streaming_answer_holds_no_database_connection(client, fake_openai: FakeOpenAI, server):
    actor = await make_actor(client)
    ws = await openai_workspace(client, actor)
    sid = await new_session(client, actor, ws)
    fake_openai.reply("네, 법정대리인 동의가 있으면 가입할 수 있습니다.", stall_after=1, stall_s=3)
    async with httpx.AsyncClient(base_url=server, headers=actor.headers, timeout=30) as remote:
        async with remote.stream("POST", f"/api/v1/workspaces/{ws}/chat/sessions/{sid}/messages",
                                 json={"content": MINOR_SIGNUP}) as r:
            lines = r.aiter_lines()
            async for line in lines:
                if line.startswith("event: token"):
                    break
            # The model is stalled mid-answer: the server waits for it holding nothing.
            assert await checked_out(remote) == 0
            assert await idle_in_transaction() == 0
            rest = [line async for line in lines]
        assert "event: done" in rest


async def test_a_burst_with_failures_and_disconnects_gives_every_connection_back(client, fake_openai: FakeOpenAI,
                                                                                  server):
    actor = await make_actor(client)
    ws = await openai_workspace(client, actor)
    for i in range(12):  # answers: some fail (400 is not retried), some stall and are abandoned, most complete
        fake_openai.queue("chat", Script(status=400, message="bad request") if i % 4 == 0 else
                          Script(text="네, 가능합니다. 자세한 조건을 안내해 드릴게요.", stall_after=1, stall_s=2))
    async with httpx.AsyncClient(base_url=server, timeout=60) as remote:
        chat = await Chat.login(remote, uuid.UUID(ws), actor.user.email, "pw-123456")

        async def leave_early(i: int) -> str:
            sid = await chat.new_session()
            async with remote.stream("POST", f"/api/v1/workspaces/{ws}/chat/sessions/{sid}/messages",
                                     json={"content": f"{MINOR_SIGNUP} {i}"}, headers=chat.headers) as r:
                async for line in r.aiter_lines():
                    if line.startswith("event: sources"):
                        return "left"
            return "ended"

        outcomes, _ = await burst(chat, 8)
        left = await asyncio.gather(*[leave_early(i) for i in range(4)])
        kinds = sorted({o.kind for o in outcomes})
        # A model failure is an error event inside the stream, never a broken stream or a 500.
        assert all(k == "done" or k.startswith("error:") for k in kinds), kinds
        assert "done" in kinds and any(k.startswith("error:") for k in kinds)
        assert left == ["left"] * 4
        assert await settle(remote) == (0, 0)
        # Every question has its answer saved, whatever became of its stream.
        for _ in range(100):
            rows = dict((await read(text("SELECT role, count(*) FROM chat_messages WHERE workspace_id = :ws "
                                         "GROUP BY role"), {"ws": ws})).all())
            if rows.get("assistant") == 12:
                break
            await asyncio.sleep(0.2)
        assert rows == {"user": 12, "assistant": 12}, rows
        unpaired = (await read(text("SELECT count(*) FROM chat_messages a LEFT JOIN chat_messages q "
                                    "ON q.id = a.reply_to_id AND q.role = 'user' "
                                    "WHERE a.workspace_id = :ws AND a.role = 'assistant' AND q.id IS NULL"),
                               {"ws": ws})).scalar()
        assert unpaired == 0
        assert await settle(remote) == (0, 0)


async def test_overload_is_answered_at_once_and_the_next_burst_is_served_alike(client, fake_openai: FakeOpenAI,
                                                                              start_server):
    # One answer planned at a time and two waiting; the model's re-rank makes each plan take half a second.
    base = start_server(CHAT_PLAN_CONCURRENCY="1", CHAT_PLAN_QUEUE="2")
    actor = await make_actor(client)
    ws = await openai_workspace(client, actor, llm_rerank=True)
    async with httpx.AsyncClient(base_url=base, timeout=60) as remote:
        chat = await Chat.login(remote, uuid.UUID(ws), actor.user.email, "pw-123456")
        bursts = []
        for round_ in range(2):
            for _ in range(20):
                fake_openai.queue("chat", Script(text="1", delay_s=0.5))
            outcomes, _ = await burst(chat, 10, offset=round_ * 10)
            bursts.append(sorted(o.kind for o in outcomes))
            overloaded = [o for o in outcomes if o.kind == "http:503"]
            assert len(overloaded) >= 5, bursts
            assert all(o.retry_after and int(o.retry_after) >= 1 for o in overloaded)
            assert all(o.kind in ("done", "http:503") for o in outcomes), bursts
            assert await settle(remote) == (0, 0)
            fake_openai.reset()
        assert bursts[0] == bursts[1]

        sid = await chat.new_session()
        fake_openai.queue("chat", Script(text="1", delay_s=1.0))
        slow = asyncio.create_task(chat.ask_sse(sid, MINOR_SIGNUP))
        await asyncio.sleep(0.2)
        others = [await chat.new_session() for _ in range(3)]
        r = (await asyncio.gather(*[remote.post(f"/api/v1/workspaces/{ws}/chat/sessions/{s}/messages",
                                                json={"content": "정산은 언제 되나요"}, headers=chat.headers)
                                    for s in others]))
        refused = [x for x in r if x.status_code == 503]
        assert refused and refused[0].json()["error"] == "overloaded" and refused[0].json()["message"]
        assert refused[0].json()["retry_after"] == int(refused[0].headers["retry-after"])
        assert (await slow).kind == "done"
