"""Chat persistence under faults, against a real server process: a conversation deleted mid-answer, a client
that leaves at once, concurrent messages in one session."""

import asyncio
import json
import uuid

import httpx
from sqlalchemy import text

from app.core.db import read
from tests.conftest import make_actor, make_workspace
from tests.fakes.openai_server import FakeOpenAI, Script
from tests.helpers import MINOR_SIGNUP, clone_demo, new_session, patch_settings


async def messages(sid: str) -> list[dict]:
    rows = (await read(text("SELECT id, role, status, reply_to_id FROM chat_messages WHERE session_id = :s "
                            "ORDER BY created_at"), {"s": sid})).mappings().all()
    return [dict(r) for r in rows]


async def events_of(remote: httpx.AsyncClient, url: str, content: str, headers: dict) -> list[tuple[str, dict]]:
    out, name = [], None
    async with remote.stream("POST", url, json={"content": content}, headers=headers) as r:
        assert r.status_code == 200, await r.aread()
        async for line in r.aiter_lines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                out.append((name, json.loads(line[5:])))
    return out


async def test_deleting_a_conversation_mid_answer_ends_every_stream_with_an_error(client, fake_openai: FakeOpenAI,
                                                                                 server):
    actor = await make_actor(client)
    ws = (await make_workspace(client, actor))["id"]
    await clone_demo(ws)
    await patch_settings(client, actor, ws, qa={"chat_provider": "openai", "llm_followups": False},
                         retrieval={"llm_rerank": False})
    sid = await new_session(client, actor, ws)
    for _ in range(5):
        fake_openai.queue("chat", Script(text="네, 가능합니다. 조건을 안내해 드릴게요.", stall_after=1, stall_s=2))
    url = f"/api/v1/workspaces/{ws}/chat/sessions/{sid}/messages"
    async with httpx.AsyncClient(base_url=server, timeout=30) as remote:
        streams = [asyncio.create_task(events_of(remote, url, f"{MINOR_SIGNUP} {i}", actor.headers))
                   for i in range(5)]
        for _ in range(100):  # every answer has started streaming
            if len(fake_openai.chat_requests) == 5:
                break
            await asyncio.sleep(0.05)
        r = await remote.delete(f"/api/v1/workspaces/{ws}/chat/sessions/{sid}", headers=actor.headers)
        assert r.status_code == 204
        results = await asyncio.gather(*streams)
    for events in results:
        assert events[-1][0] == "error" and events[-1][1]["error"] == "conversation_deleted", events[-1]
    assert await messages(sid) == []  # nothing dangling


async def test_a_client_that_leaves_at_once_keeps_its_question_and_an_answer(client, server):
    actor = await make_actor(client)
    ws = (await make_workspace(client, actor))["id"]
    await clone_demo(ws)
    warm = await new_session(client, actor, ws)
    async with httpx.AsyncClient(base_url=server, timeout=60) as remote:  # the server's models are loaded
        await events_of(remote, f"/api/v1/workspaces/{ws}/chat/sessions/{warm}/messages", "정산 일정", actor.headers)
    sid = await new_session(client, actor, ws)
    async with httpx.AsyncClient(base_url=server, timeout=0.02) as remote:
        try:
            await remote.post(f"/api/v1/workspaces/{ws}/chat/sessions/{sid}/messages", json={"content": MINOR_SIGNUP},
                              headers=actor.headers)
        except httpx.TimeoutException:
            pass  # gone before the answer started
    for _ in range(300):
        rows = await messages(sid)
        if len(rows) == 2:
            break
        await asyncio.sleep(0.1)
    assert [m["role"] for m in rows] == ["user", "assistant"], rows
    assert rows[1]["reply_to_id"] == rows[0]["id"] and rows[1]["status"] in ("complete", "interrupted")


async def test_concurrent_messages_in_one_session_keep_their_pairs(client, server):
    actor = await make_actor(client)
    ws = (await make_workspace(client, actor))["id"]
    await clone_demo(ws)
    sid = await new_session(client, actor, ws)
    url = f"/api/v1/workspaces/{ws}/chat/sessions/{sid}/messages"
    questions = [MINOR_SIGNUP, "정산은 언제 되나요?", "반품 배송비는 누가 내나요?", "상품 등록은 어떻게 하나요?"]
    async with httpx.AsyncClient(base_url=server, timeout=60) as remote:
        results = await asyncio.gather(*[events_of(remote, url, q, actor.headers) for q in questions])
    pairs = {uuid.UUID(dict(e)["meta"]["assistant_message_id"]): uuid.UUID(dict(e)["meta"]["user_message_id"])
             for e in results}
    assert all(e[-1][0] == "done" for e in results)
    rows = await messages(sid)
    by_id = {m["id"]: m for m in rows}
    assert len(rows) == 8
    for answer_id, question_id in pairs.items():
        assert by_id[answer_id]["reply_to_id"] == question_id and by_id[question_id]["role"] == "user"
