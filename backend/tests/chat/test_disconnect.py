"""A client that goes away mid-answer: the partial answer is kept, marked interrupted (real server process)."""

import asyncio
import json
import time

import httpx

from tests.conftest import make_actor, make_workspace
from tests.helpers import MINOR_SIGNUP, clone_demo, new_session, patch_settings

REPLY = "네, 법정대리인 동의를 받으면 가입할 수 있습니다."


async def test_disconnect_keeps_partial_answer_as_interrupted(client, fake_openai, server):
    actor = await make_actor(client)
    ws = (await make_workspace(client, actor))["id"]
    await clone_demo(ws)
    # one scripted model call: the answer (the re-rank call is tested in test_chat_openai.py)
    await patch_settings(client, actor, ws, qa={"chat_provider": "openai", "llm_followups": False},
                         retrieval={"llm_rerank": False})
    sid = await new_session(client, actor, ws)
    fake_openai.reply(REPLY, stall_after=1, stall_s=8)

    got: list[str] = []
    async with httpx.AsyncClient(base_url=server, headers=actor.headers, timeout=60) as remote:
        async with remote.stream("POST", f"/api/v1/workspaces/{ws}/chat/sessions/{sid}/messages",
                                 json={"content": MINOR_SIGNUP}) as r:
            assert r.status_code == 200
            event = None
            async for line in r.aiter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event == "token":
                    got.append(json.loads(line[5:])["text"])
                    break
        # leaving the block closes the connection mid-stream

        assert got == [REPLY[:3]]
        deadline = time.monotonic() + 20
        while True:
            items = (await remote.get(f"/api/v1/workspaces/{ws}/chat/sessions/{sid}/messages")).json()["items"]
            if len(items) == 2 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
    assert [m["role"] for m in items] == ["user", "assistant"], items
    assistant = items[1]
    assert assistant["status"] == "interrupted" and assistant["content"] == REPLY[:3]
    assert assistant["followups"] == [] and assistant["sources"]
