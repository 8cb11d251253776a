"""Chat reads prompts through an in-process cache; a label move reaches every API process at once."""

import uuid

import httpx
from sqlalchemy import text

from app.core.db import sessionmaker
from app.core.queue import get_queue
from app.prompts import service
from app.prompts.defaults import DEFAULTS
from tests.conftest import make_actor, make_workspace
from tests.helpers import MINOR_SIGNUP, clone_demo, new_session, parse_sse, patch_settings

API = "/api/v1/admin/prompts"


async def test_the_cache_serves_reads_until_the_redis_counter_moves(client, admin):
    ws = uuid.uuid4()  # no labels of its own: the platform's version
    before = await service.active_prompt("chat.suggestion", ws_id=ws)
    r = await client.post(f"{API}/chat.suggestion/versions", json={"template": "캐시 {question}"}, headers=admin.headers)
    new_id = r.json()["id"]
    # Another process moves the label in the database...
    async with sessionmaker()() as s:
        await s.execute(text("update prompt_labels set version_id = :v from prompts p where p.id = prompt_id "
                             "and p.key = 'chat.suggestion' and label = 'production' and workspace_id is null"),
                        {"v": new_id})
        await s.commit()
    assert (await service.active_prompt("chat.suggestion", ws_id=ws)).version_id == before.version_id  # cached
    # ...and increments the counter, as every label move does after its commit.
    await (await get_queue()).incr(service.GENERATION_KEY)
    assert str((await service.active_prompt("chat.suggestion", ws_id=ws)).version_id) == new_id


def chat(base: str, headers: dict, ws: str, sid: str) -> list:
    r = httpx.post(f"{base}/api/v1/workspaces/{ws}/chat/sessions/{sid}/messages", json={"content": MINOR_SIGNUP},
                   headers=headers, timeout=120)
    assert r.status_code == 200, r.text
    return parse_sse(r.text)


async def test_a_label_moved_through_one_api_process_changes_the_next_answer_of_another(client, admin, fake_openai,
                                                                                       start_server):
    first, second = start_server(), start_server()
    owner = await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    await clone_demo(ws)
    await patch_settings(client, owner, ws, qa={"chat_provider": "openai", "llm_followups": False},
                         retrieval={"llm_rerank": False})
    sid = await new_session(client, owner, ws)
    marker = f"[다른 프로세스 {uuid.uuid4().hex[:8]}]"

    chat(second, owner.headers, ws, sid)  # the second process now holds the current version in its cache
    assert marker not in fake_openai.chat_requests[-1]["messages"][0]["content"]
    async with httpx.AsyncClient(base_url=first, timeout=30) as api:
        r = await api.post(f"{API}/chat.system/versions", json={"template": DEFAULTS["chat.system"] + marker},
                           headers=admin.headers)
        assert r.status_code == 201, r.text
        r = await api.put(f"{API}/chat.system/labels/production", json={"version": r.json()["version"],
                                                                          "workspace_id": ws}, headers=admin.headers)
        assert r.status_code == 200, r.text
    chat(second, owner.headers, ws, sid)
    assert marker in fake_openai.chat_requests[-1]["messages"][0]["content"]
