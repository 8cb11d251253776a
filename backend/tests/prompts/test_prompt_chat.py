"""Label moves change the very next chat answer; each answer records the prompt versions it ran."""

import uuid

from app.prompts.defaults import DEFAULTS
from tests.conftest import make_actor, make_workspace
from tests.helpers import MINOR_SIGNUP, ask, clone_demo, first, new_session, patch_settings

API = "/api/v1/admin/prompts"
OFF_TOPIC = "강남역 근처 파스타 맛집 알려줘"


async def save(client, admin, key: str, template: str, **extra) -> dict:
    r = await client.post(f"{API}/{key}/versions", json={"template": template, **extra}, headers=admin.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def move(client, admin, key: str, version: int, ws: str | None = None) -> None:
    r = await client.put(f"{API}/{key}/labels/production", json={"version": version, "workspace_id": ws},
                         headers=admin.headers)
    assert r.status_code == 200, r.text


async def workspace(client, *, llm: bool) -> dict:
    owner = await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    await clone_demo(ws)
    if llm:
        await patch_settings(client, owner, ws, qa={"chat_provider": "openai", "llm_followups": False},
                             retrieval={"llm_rerank": False})
    return {"owner": owner, "ws": ws, "sid": await new_session(client, owner, ws)}


async def last_answer(client, w: dict) -> dict:
    r = await client.get(f"/api/v1/workspaces/{w['ws']}/chat/sessions/{w['sid']}/messages", headers=w["owner"].headers)
    return r.json()["items"][-1]


def system_sent(fake) -> str:
    return fake.chat_requests[-1]["messages"][0]["content"]


async def test_moving_production_changes_the_next_answer_and_rolling_back_restores_it(client, admin, fake_openai_env):
    w = await workspace(client, llm=True)
    marker = f"[버전 표식 {uuid.uuid4().hex[:8]}]"
    await ask(client, w["owner"], w["ws"], w["sid"], MINOR_SIGNUP)
    before = await last_answer(client, w)
    assert marker not in system_sent(fake_openai_env)
    assert set(before["prompt_versions"]) == {"chat.system"}

    v = await save(client, admin, "chat.system", DEFAULTS["chat.system"] + "\n" + marker, temperature=0.9,
                   max_tokens=77)
    await ask(client, w["owner"], w["ws"], w["sid"], MINOR_SIGNUP)
    assert marker not in system_sent(fake_openai_env)  # saved, not yet activated
    await move(client, admin, "chat.system", v["version"])
    await ask(client, w["owner"], w["ws"], w["sid"], MINOR_SIGNUP)
    sent = fake_openai_env.chat_requests[-1]
    assert marker in sent["messages"][0]["content"]
    assert (sent["temperature"], sent["max_tokens"]) == (0.9, 77)  # the version's model settings
    assert (await last_answer(client, w))["prompt_versions"] == {"chat.system": v["id"]}

    r = await client.post(f"{API}/chat.system/labels/production/rollback", json={}, headers=admin.headers)
    assert r.status_code == 200
    await ask(client, w["owner"], w["ws"], w["sid"], MINOR_SIGNUP)
    assert marker not in system_sent(fake_openai_env)
    assert (await last_answer(client, w))["prompt_versions"] == before["prompt_versions"]


async def test_a_workspace_override_wins_for_that_workspace_only(client, admin, fake_openai_env):
    a, b = await workspace(client, llm=True), await workspace(client, llm=True)
    marker = f"[A 전용 {uuid.uuid4().hex[:8]}]"
    v = await save(client, admin, "chat.system", marker + "\n" + DEFAULTS["chat.system"])
    await move(client, admin, "chat.system", v["version"], ws=a["ws"])

    await ask(client, a["owner"], a["ws"], a["sid"], MINOR_SIGNUP)
    assert marker in system_sent(fake_openai_env)
    await ask(client, b["owner"], b["ws"], b["sid"], MINOR_SIGNUP)
    assert marker not in system_sent(fake_openai_env)
    assert (await last_answer(client, a))["prompt_versions"]["chat.system"] == v["id"]
    assert (await last_answer(client, b))["prompt_versions"]["chat.system"] != v["id"]

    r = await client.delete(f"{API}/chat.system/labels/production", params={"workspace_id": a["ws"]},
                            headers=admin.headers)
    assert r.status_code == 204
    await ask(client, a["owner"], a["ws"], a["sid"], MINOR_SIGNUP)
    assert marker not in system_sent(fake_openai_env)


async def test_without_a_model_the_refusal_suggestion_is_a_prompt_and_recorded(client, admin):
    w = await workspace(client, llm=False)
    events = await ask(client, w["owner"], w["ws"], w["sid"], MINOR_SIGNUP)
    assert first(events, "done")["refused"] is False
    assert (await last_answer(client, w))["prompt_versions"] == {}  # an extractive answer runs no prompt

    v = await save(client, admin, "chat.suggestion", "혹시 이런 질문을 찾으셨나요: {question}")
    await move(client, admin, "chat.suggestion", v["version"], ws=w["ws"])
    await ask(client, w["owner"], w["ws"], w["sid"], OFF_TOPIC)
    refused = await last_answer(client, w)
    assert refused["refused"] is True and "혹시 이런 질문을 찾으셨나요: " in refused["content"]
    assert refused["prompt_versions"] == {"chat.suggestion": v["id"]}


async def test_versions_are_compared_by_feedback_and_refusals_over_their_answers(client, admin):
    w = await workspace(client, llm=False)
    a = await save(client, admin, "chat.suggestion", "A안: {question}")
    b = await save(client, admin, "chat.suggestion", "B안: {question}")
    ids = []
    for version, n in ((a, 2), (b, 1)):
        await move(client, admin, "chat.suggestion", version["version"], ws=w["ws"])
        for _ in range(n):
            await ask(client, w["owner"], w["ws"], w["sid"], OFF_TOPIC)
            ids.append((await last_answer(client, w))["id"])
    r = await client.post(f"/api/v1/workspaces/{w['ws']}/chat/messages/{ids[0]}/feedback", json={"rating": -1},
                          headers=w["owner"].headers)
    assert r.status_code == 204

    r = await client.get(f"{API}/chat.suggestion/stats", params={"workspace_id": w["ws"]}, headers=admin.headers)
    assert r.status_code == 200
    by_version = {s["version"]: s for s in r.json()["items"]}
    assert {k: by_version[a["version"]][k] for k in ("messages", "feedback_up", "feedback_down", "refusals")} == \
        {"messages": 2, "feedback_up": 0, "feedback_down": 1, "refusals": 2}
    assert by_version[b["version"]]["messages"] == 1 and by_version[b["version"]]["refusal_rate"] == 1.0
    other = (await make_workspace(client, w["owner"], "다른 곳"))["id"]
    r = await client.get(f"{API}/chat.suggestion/stats", params={"workspace_id": other}, headers=admin.headers)
    assert all(s["messages"] == 0 for s in r.json()["items"])


async def test_a_stranger_cannot_read_the_recorded_versions_of_another_workspace(client, admin):
    w = await workspace(client, llm=False)
    await ask(client, w["owner"], w["ws"], w["sid"], OFF_TOPIC)
    stranger = await make_actor(client)
    r = await client.get(f"/api/v1/workspaces/{w['ws']}/chat/sessions/{w['sid']}/messages", headers=stranger.headers)
    assert r.status_code == 404
