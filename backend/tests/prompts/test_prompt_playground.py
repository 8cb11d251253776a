"""The playground answers with a draft or a stored version through the chat pipeline; nothing is saved."""

import uuid

from sqlalchemy import func, select

from app.core.db import sessionmaker
from app.models import ChatMessage
from app.prompts.defaults import DEFAULTS
from tests.conftest import make_actor, make_workspace
from tests.helpers import MINOR_SIGNUP, clone_demo, patch_settings

API = "/api/v1/admin/prompts"
OFF_TOPIC = "강남역 근처 파스타 맛집 알려줘"


async def demo_ws(client, *, llm: bool) -> str:
    owner = await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    await clone_demo(ws)
    if llm:
        await patch_settings(client, owner, ws, qa={"chat_provider": "openai", "llm_followups": False},
                             retrieval={"llm_rerank": False})
    return ws


async def messages() -> int:
    async with sessionmaker()() as s:
        return await s.scalar(select(func.count()).select_from(ChatMessage))


async def play(client, admin, key: str, **body):
    return await client.post(f"{API}/{key}/playground", json=body, headers=admin.headers, timeout=120)


async def test_a_draft_runs_on_the_model_with_its_settings_and_nothing_is_saved(client, admin, fake_openai_env):
    ws = await demo_ws(client, llm=True)
    labels = (await client.get(f"{API}/chat.system", headers=admin.headers)).json()["labels"]
    count = await messages()
    fake_openai_env.reply("초안으로 답했습니다.")
    draft = {"template": "초안 지시문\n" + DEFAULTS["chat.system"], "temperature": 0.55}
    r = await play(client, admin, "chat.system", workspace_id=ws, question=MINOR_SIGNUP, draft=draft)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["answer"] == "초안으로 답했습니다." and body["prompt_used"] is True and body["version"] is None
    assert body["sources"][0]["question"] == MINOR_SIGNUP and body["provider"] == "openai"
    assert body["latency_ms"]["total"] > 0 and "first_token" in body["latency_ms"]
    assert body["prompt_versions"] == {"chat.system": "draft"}
    sent = fake_openai_env.chat_requests[-1]
    assert sent["messages"][0]["content"].startswith("초안 지시문") and sent["temperature"] == 0.55
    assert await messages() == count
    assert (await client.get(f"{API}/chat.system", headers=admin.headers)).json()["labels"] == labels


async def test_a_stored_version_can_be_tried_before_it_is_activated(client, admin, fake_openai_env):
    ws = await demo_ws(client, llm=True)
    r = await client.post(f"{API}/chat.system/versions", json={"template": "저장본\n" + DEFAULTS["chat.system"]},
                          headers=admin.headers)
    v = r.json()
    r = await play(client, admin, "chat.system", workspace_id=ws, question=MINOR_SIGNUP, version=v["version"])
    assert r.status_code == 200 and r.json()["version"] == v["version"]
    assert r.json()["prompt_versions"] == {"chat.system": v["id"]}
    assert fake_openai_env.chat_requests[-1]["messages"][0]["content"].startswith("저장본")


async def test_without_a_model_the_playground_answers_extractively_and_says_the_prompt_was_not_used(client, admin):
    ws = await demo_ws(client, llm=False)
    r = await play(client, admin, "chat.system", workspace_id=ws, question=MINOR_SIGNUP,
                   draft={"template": "무시됨 " + DEFAULTS["chat.system"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["provider"] == "extractive" and body["prompt_used"] is False
    assert "No language model" in body["note"] and body["answer"] and "무시됨" not in body["answer"]


async def test_a_suggestion_draft_shows_in_a_refusal_without_a_model(client, admin):
    ws = await demo_ws(client, llm=False)
    r = await play(client, admin, "chat.suggestion", workspace_id=ws, question=OFF_TOPIC,
                   draft={"template": "이 질문은 어떠세요? {question}"})
    body = r.json()
    assert body["refused"] is True and body["prompt_used"] is True and "이 질문은 어떠세요? " in body["answer"]


async def test_a_bad_draft_is_422_and_an_unknown_workspace_or_version_404(client, admin):
    ws = await demo_ws(client, llm=False)
    r = await play(client, admin, "chat.suggestion", workspace_id=ws, question=OFF_TOPIC,
                   draft={"template": "{question} {secret}"})
    assert r.status_code == 422 and "{secret}" in r.json()["message"]
    r = await play(client, admin, "chat.suggestion", workspace_id=str(uuid.uuid4()), question=OFF_TOPIC)
    assert r.status_code == 404
    r = await play(client, admin, "chat.suggestion", workspace_id=ws, question=OFF_TOPIC, version=999999)
    assert r.status_code == 404
