"""Per-user chat limits (real server, real Redis): past them a 429 with Retry-After, in the envelope."""

import httpx

from tests.conftest import make_actor, make_workspace
from tests.helpers import clone_demo


async def test_messages_and_new_conversations_past_the_limits_get_429(client, start_server):
    base = start_server(CHAT_MESSAGES_PER_MINUTE="3", CHAT_SESSIONS_PER_HOUR="2")
    actor, other = await make_actor(client), await make_actor(client)
    ws = (await make_workspace(client, actor))["id"]
    await clone_demo(ws)
    async with httpx.AsyncClient(base_url=base, timeout=60) as remote:
        sessions = [await remote.post(f"/api/v1/workspaces/{ws}/chat/sessions", json={}, headers=actor.headers)
                    for _ in range(3)]
        assert [r.status_code for r in sessions] == [201, 201, 429]
        assert sessions[2].json()["error"] == "rate_limited"
        sid = sessions[0].json()["id"]
        url = f"/api/v1/workspaces/{ws}/chat/sessions/{sid}/messages?stream=false"
        sent = [await remote.post(url, json={"content": f"정산은 언제 되나요 {i}"}, headers=actor.headers)
                for i in range(4)]
        assert [r.status_code for r in sent] == [200, 200, 200, 429]
        body, retry = sent[3].json(), int(sent[3].headers["retry-after"])
        assert body["error"] == "rate_limited" and body["message"] and 1 <= body["retry_after"] == retry <= 60
        messages = (await remote.get(f"/api/v1/workspaces/{ws}/chat/sessions/{sid}/messages",
                                     headers=actor.headers)).json()["items"]
        assert len(messages) == 6  # the refused message left nothing behind
        # The limits are per user: another member of another workspace is not held back.
        ws2 = (await make_workspace(client, other))["id"]
        r = await remote.post(f"/api/v1/workspaces/{ws2}/chat/sessions", json={}, headers=other.headers)
        assert r.status_code == 201
