"""The chat pipeline over the OpenAI-compatible provider, against the loopback fake server."""

import pytest

from app.core.config import get_settings
from tests.conftest import make_actor, make_workspace
from tests.helpers import (
    MINOR_DOCUMENTS,
    MINOR_SIGNUP,
    ask,
    clone_demo,
    demo_entries,
    entry_ids,
    first,
    new_session,
    patch_settings,
    streamed_text,
)

REPLY = "네, 법정대리인 동의를 받으면 만 19세 미만도 판매자로 가입할 수 있습니다."


def url(ws_id, tail: str = "") -> str:
    return f"/api/v1/workspaces/{ws_id}{tail}"


@pytest.fixture
async def demo(client, fake_openai_env):
    actor = await make_actor(client)
    ws = (await make_workspace(client, actor, "LLM 데모"))["id"]
    await clone_demo(ws)
    # These tests script each model call in order; the re-rank call has its own tests below.
    await patch_settings(client, actor, ws, qa={"chat_provider": "openai", "llm_followups": False, "temperature": 0.4},
                         retrieval={"llm_rerank": False})
    return {"actor": actor, "ws": ws, "sid": await new_session(client, actor, ws), "fake": fake_openai_env,
            "entries": await entry_ids(ws)}


async def last_message(client, demo) -> dict:
    r = await client.get(url(demo["ws"], f"/chat/sessions/{demo['sid']}/messages"), headers=demo["actor"].headers)
    return r.json()["items"][-1]


async def test_streams_the_model_reply_grounded_in_sources(client, demo):
    fake = demo["fake"]
    fake.reply(REPLY, prompt_tokens=321, completion_tokens=9)
    events = await ask(client, demo["actor"], demo["ws"], demo["sid"], MINOR_SIGNUP)

    names = [n for n, _ in events]
    assert names[:2] == ["meta", "sources"] and names[-2:] == ["followups", "done"]
    assert streamed_text(events) == REPLY and names.count("token") > 1
    done = first(events, "done")
    assert done["refused"] is False and done["usage"] == {"prompt_tokens": 321, "completion_tokens": 9}

    assert len(fake.chat_requests) == 1
    sent = fake.chat_requests[0]
    assert sent["stream"] is True and sent["model"] == "gpt-4o-mini" and sent["temperature"] == 0.4
    system, user = sent["messages"][0], sent["messages"][-1]
    assert system["role"] == "system" and user == {"role": "user", "content": MINOR_SIGNUP}
    cited = first(events, "sources")["sources"][0]
    assert cited["question"] == MINOR_SIGNUP
    answer = next(e["answer"] for e in demo_entries() if e["question"] == MINOR_SIGNUP)
    assert answer in system["content"] and MINOR_SIGNUP in system["content"]
    assert "스마트스토어 상담봇" in system["content"]  # the workspace's display name

    stored = await last_message(client, demo)
    assert stored["content"] == REPLY and stored["status"] == "complete"


async def test_history_is_sent_and_elliptical_turn_is_rewritten(client, demo):
    fake = demo["fake"]
    fake.reply(REPLY)
    await ask(client, demo["actor"], demo["ws"], demo["sid"], "미성년자도 판매자 가입 돼요?")
    fake.reply(MINOR_DOCUMENTS)  # the rewrite request
    fake.reply("법정대리인 동의서와 가족관계증명서가 필요합니다.")
    events = await ask(client, demo["actor"], demo["ws"], demo["sid"], "그럼 서류는요?")

    assert first(events, "meta")["standalone_query"] == MINOR_DOCUMENTS
    assert first(events, "sources")["sources"][0]["entry_id"] == demo["entries"][MINOR_DOCUMENTS]
    rewrite, answer = fake.chat_requests[1], fake.chat_requests[2]
    assert "그럼 서류는요?" in rewrite["messages"][0]["content"]
    roles = [(m["role"], m["content"]) for m in answer["messages"][1:]]
    assert roles == [("user", "미성년자도 판매자 가입 돼요?"), ("assistant", REPLY), ("user", "그럼 서류는요?")]


async def test_refusal_does_not_call_the_model(client, demo):
    events = await ask(client, demo["actor"], demo["ws"], demo["sid"], "강남역 근처 파스타 맛집 알려줘")
    assert first(events, "done")["refused"] is True
    assert demo["fake"].chat_requests == []


async def test_server_error_yields_error_event_and_failed_message(client, demo):
    demo["fake"].fail(500, times=2)  # the client retries once
    events = await ask(client, demo["actor"], demo["ws"], demo["sid"], MINOR_SIGNUP)
    assert [n for n, _ in events] == ["meta", "sources", "error"]
    assert first(events, "error")["error"] == "llm_unavailable" and first(events, "error")["message"]

    stored = await last_message(client, demo)
    assert stored["role"] == "assistant" and stored["status"] == "failed" and stored["content"] == ""
    assert stored["id"] == first(events, "meta")["assistant_message_id"]


async def test_json_variant_reports_llm_failure(client, demo):
    demo["fake"].fail(503, times=2)
    r = await client.post(url(demo["ws"], f"/chat/sessions/{demo['sid']}/messages?stream=false"),
                          json={"content": MINOR_SIGNUP}, headers=demo["actor"].headers)
    assert r.status_code == 502 and r.json()["error"] == "llm_unavailable"


async def test_timeout_before_first_byte(client, demo, monkeypatch):
    monkeypatch.setattr(get_settings(), "llm_timeout_seconds", 0.5)
    demo["fake"].reply(REPLY, delay_s=3)
    demo["fake"].reply(REPLY, delay_s=3)
    events = await ask(client, demo["actor"], demo["ws"], demo["sid"], MINOR_SIGNUP)
    assert [n for n, _ in events] == ["meta", "sources", "error"]
    assert first(events, "error")["error"] == "llm_timeout"
    assert (await last_message(client, demo))["status"] == "failed"


async def test_stall_mid_stream_keeps_partial_answer(client, demo, monkeypatch):
    monkeypatch.setattr(get_settings(), "llm_timeout_seconds", 0.5)
    demo["fake"].reply(REPLY, stall_after=1, stall_s=3)
    events = await ask(client, demo["actor"], demo["ws"], demo["sid"], MINOR_SIGNUP)
    names = [n for n, _ in events]
    assert names == ["meta", "sources", "token", "error"]
    assert first(events, "error")["error"] == "llm_timeout"
    stored = await last_message(client, demo)
    assert stored["status"] == "failed" and stored["content"] == streamed_text(events) == REPLY[:3]


# ---- re-ranking the candidates with the model (retrieval/rerank.py) ------------------------------------------

@pytest.fixture
async def reranking(client, demo):
    await patch_settings(client, demo["actor"], demo["ws"], retrieval={"llm_rerank": True})
    return demo


def prompt_candidates(request: dict) -> list[str]:
    """The candidate titles, in the order the re-rank prompt numbered them."""
    text = request["messages"][0]["content"]
    return [line.split(". ", 1)[1] for line in text.splitlines() if line[:1].isdigit() and ". " in line]


async def test_rerank_puts_the_entry_the_model_names_first(client, reranking):
    demo, fake = reranking, reranking["fake"]
    fake.reply("3", prompt_tokens=120, completion_tokens=1)
    fake.reply(REPLY, prompt_tokens=321, completion_tokens=9)
    events = await ask(client, demo["actor"], demo["ws"], demo["sid"], MINOR_SIGNUP)

    ranking, answer = fake.chat_requests
    assert ranking["temperature"] == 0 and ranking["max_tokens"] <= 20
    prompt = ranking["messages"][0]["content"]
    assert MINOR_SIGNUP in prompt and "[후보 도움말]" in prompt
    shown = prompt_candidates(ranking)
    assert len(shown) >= 3 and shown[0].endswith(MINOR_SIGNUP)  # the local ranking, as shown to the model
    picked = shown[2]
    cited = first(events, "sources")["sources"][0]
    assert picked.endswith(cited["question"]) and cited["question"] != MINOR_SIGNUP
    picked_answer = next(e["answer"] for e in demo_entries() if e["question"] == cited["question"])
    assert picked_answer in answer["messages"][0]["content"]  # the answer is grounded in the chosen entry
    done = first(events, "done")
    assert streamed_text(events) == REPLY and done["latency_ms"]["rerank"] > 0
    assert done["usage"] == {"prompt_tokens": 441, "completion_tokens": 10}  # the re-rank call's tokens count too
    stored = await last_message(client, demo)
    assert stored["sources"][0]["entry_id"] == cited["entry_id"]


@pytest.mark.parametrize("verdict", ["0", "잘 모르겠습니다", "99"])
async def test_rerank_reply_naming_no_candidate_keeps_the_local_order(client, reranking, verdict):
    demo, fake = reranking, reranking["fake"]
    fake.reply(verdict)
    fake.reply(REPLY)
    events = await ask(client, demo["actor"], demo["ws"], demo["sid"], MINOR_SIGNUP)
    assert first(events, "sources")["sources"][0]["question"] == MINOR_SIGNUP
    assert streamed_text(events) == REPLY and len(fake.chat_requests) == 2


async def test_rerank_failure_keeps_the_local_order_and_still_answers(client, reranking):
    demo, fake = reranking, reranking["fake"]
    fake.fail(500, times=2)  # the re-rank call (the client retries once)
    fake.reply(REPLY)
    events = await ask(client, demo["actor"], demo["ws"], demo["sid"], MINOR_SIGNUP)
    assert [n for n, _ in events][-2:] == ["followups", "done"]
    assert first(events, "sources")["sources"][0]["question"] == MINOR_SIGNUP
    assert streamed_text(events) == REPLY


async def test_rerank_is_not_asked_for_a_refusal(client, reranking):
    events = await ask(client, reranking["actor"], reranking["ws"], reranking["sid"], "강남역 근처 파스타 맛집 알려줘")
    assert first(events, "done")["refused"] is True
    assert reranking["fake"].chat_requests == []
