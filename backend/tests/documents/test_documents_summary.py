"""Summaries stream in the chat's event style and are saved with their parameters: extractive without a model
(sentences of the document with their pages), one pass or a refine over sections with one (against the loopback
OpenAI server), and a client that leaves keeps the partial summary as interrupted."""

import asyncio
import json
import time

import httpx
import pytest

from app.documents import extract
from tests.conftest import make_actor, make_workspace, run_worker
from tests.documents import doc_fixtures as fx
from tests.helpers import parse_sse, patch_settings


def url(ws_id, doc_id, tail: str = "") -> str:
    return f"/api/v1/workspaces/{ws_id}/documents/{doc_id}/summaries{tail}"


@pytest.fixture
async def policy(client):
    owner = await make_actor(client)
    ws = (await make_workspace(client, owner, "요약"))["id"]
    r = await client.post(f"/api/v1/workspaces/{ws}/documents", files={"file": ("상담몰 이용 정책.pdf", fx.make_pdf())},
                          headers=owner.headers)
    assert r.status_code == 201, r.text
    await run_worker()
    return owner, ws, r.json()["id"]


async def summarize(client, owner, ws, doc_id, **body) -> list[tuple[str, dict]]:
    r = await client.post(url(ws, doc_id), json=body, headers=owner.headers, timeout=120)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/event-stream")
    return parse_sse(r.text)


def document_sentences() -> dict[str, int]:
    from app.documents.chunking import sentences

    return {s.text: s.page for s in sentences(extract.extract(fx.make_pdf(), "p.pdf").units)}


async def test_extractive_summary_quotes_sentences_with_their_pages(client, policy):
    owner, ws, doc_id = policy
    events = await summarize(client, owner, ws, doc_id, length="short", format="bullets")
    names = [n for n, _ in events]
    assert names[0] == "meta" and names[-1] == "done" and "token" in names and "progress" in names
    assert events[0][1]["mode"] == "extractive"
    done = events[-1][1]
    assert done["status"] == "complete" and "first_token" in done["latency_ms"]
    known = document_sentences()
    cited = done["citations"]
    assert len(cited) == 3
    for c in cited:  # never invented: every sentence is the document's, with its own page
        assert known[c["text"]] == c["page"]
    assert [c["page"] for c in cited] == sorted(c["page"] for c in cited)  # original order
    text = "".join(d["text"] for n, d in events if n == "token")
    assert text.count("\n") == 3 and all(line.startswith("- ") and line.endswith("]")
                                         for line in text.strip().split("\n"))
    saved = (await client.get(url(ws, doc_id), headers=owner.headers)).json()["items"]
    assert len(saved) == 1 and saved[0]["content"] == text and saved[0]["status"] == "complete"
    assert saved[0]["length"] == "short" and saved[0]["format"] == "bullets" and saved[0]["mode"] == "extractive"
    assert saved[0]["citations"] == cited


async def test_a_focus_question_and_length_change_what_is_kept(client, policy):
    owner, ws, doc_id = policy
    focused = (await summarize(client, owner, ws, doc_id, length="short", focus="반품 배송비와 환불 처리"))[-1][1]
    assert any(c["page"] == 3 for c in focused["citations"])
    long = (await summarize(client, owner, ws, doc_id, length="long"))[-1][1]
    assert len(long["citations"]) > len(focused["citations"])
    saved = (await client.get(url(ws, doc_id), headers=owner.headers)).json()["items"]
    assert [s["length"] for s in saved] == ["long", "short"] and saved[1]["focus"] == "반품 배송비와 환불 처리"


async def test_model_summary_in_one_pass_when_the_document_fits(client, policy, fake_openai_env):
    owner, ws, doc_id = policy
    await patch_settings(client, owner, ws, qa={"chat_provider": "openai"})
    reply = "상담몰은 단순 변심 반품을 10일 안에 받습니다 [p.3]. 포인트는 1년 동안 씁니다 [p.4]."
    fake_openai_env.reply(reply, prompt_tokens=900, completion_tokens=40)
    events = await summarize(client, owner, ws, doc_id, length="medium", format="paragraph")
    assert events[0][1]["mode"] == "single_pass" and events[0][1]["provider"] == "openai"
    assert "progress" not in [n for n, _ in events]
    assert "".join(d["text"] for n, d in events if n == "token") == reply
    done = events[-1][1]
    assert done["usage"] == {"prompt_tokens": 900, "completion_tokens": 40}
    assert {c["page"] for c in done["citations"]} == {3, 4}
    [request] = fake_openai_env.chat_requests
    prompt = request["messages"][0]["content"]
    assert "[p.3]" in prompt and "10일 이내에 신청할 수 있습니다" in prompt and "[p.1]" in prompt
    saved = (await client.get(url(ws, doc_id), headers=owner.headers)).json()["items"][0]
    assert saved["mode"] == "single_pass" and saved["model"] == "gpt-4o-mini" and saved["prompt_tokens"] == 900


async def test_model_summary_refines_over_sections_past_the_context(client, policy, fake_openai_env, monkeypatch):
    owner, ws, doc_id = policy
    # a served model with a small context: the four pages do not fit at once
    monkeypatch.setenv("EXTRA_MODELS", '[{"provider": "openai", "name": "tiny-ctx", "kind": "chat", '
                                       '"context_length": 1500}]')
    await patch_settings(client, owner, ws, qa={"chat_provider": "openai", "chat_model": "tiny-ctx"})
    monkeypatch.setattr("app.documents.summary.ANSWER_TOKENS", {"short": 300, "medium": 300, "long": 300})
    monkeypatch.setattr("app.documents.summary.PROMPT_RESERVE", 1000)  # leaves ~200 tokens of text a section
    for k in range(1, 10):
        fake_openai_env.reply(f"핵심 {k} [p.{min(k, 4)}]")
    events = await summarize(client, owner, ws, doc_id)
    assert events[0][1]["mode"] == "refine"
    progress = [d for n, d in events if n == "progress"]
    parts = progress[0]["total"]
    assert parts > 1 and [p["done"] for p in progress] == list(range(1, parts + 1))
    assert progress[-1]["message"] == f"구간 {parts} / {parts}"
    requests = fake_openai_env.chat_requests
    assert len(requests) == parts
    # each pass carries the summary so far; only the last one streams to the client
    assert "핵심 1 [p.1]" in requests[1]["messages"][0]["content"]
    assert "".join(d["text"] for n, d in events if n == "token") == f"핵심 {parts} [p.{min(parts, 4)}]"
    assert "10일 이내에 신청할 수 있습니다" in "".join(r["messages"][0]["content"] for r in requests)
    saved = (await client.get(url(ws, doc_id), headers=owner.headers)).json()["items"][0]
    assert saved["mode"] == "refine" and saved["model"] == "tiny-ctx" and saved["status"] == "complete"


async def test_extractive_mode_can_be_asked_for_beside_a_model(client, policy, fake_openai_env):
    owner, ws, doc_id = policy
    await patch_settings(client, owner, ws, qa={"chat_provider": "openai"})
    events = await summarize(client, owner, ws, doc_id, mode="extractive")
    assert events[0][1]["mode"] == "extractive" and fake_openai_env.chat_requests == []


async def test_disconnect_keeps_the_partial_summary_as_interrupted(client, fake_openai, server):
    owner = await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    doc = (await client.post(f"/api/v1/workspaces/{ws}/documents", files={"file": ("정책.pdf", fx.make_pdf())},
                             headers=owner.headers)).json()
    await patch_settings(client, owner, ws, qa={"chat_provider": "openai"})
    reply = "상담몰은 단순 변심 반품을 10일 안에 받습니다 [p.3]."
    fake_openai.reply(reply, stall_after=1, stall_s=8)
    got: list[str] = []
    async with httpx.AsyncClient(base_url=server, headers=owner.headers, timeout=60) as remote:
        async with remote.stream("POST", url(ws, doc["id"]), json={}) as r:
            assert r.status_code == 200
            event = None
            async for line in r.aiter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event == "token":
                    got.append(json.loads(line[5:])["text"])
                    break
        # leaving the block closes the connection mid-stream
        deadline = time.monotonic() + 20
        while True:
            items = (await remote.get(url(ws, doc["id"]))).json()["items"]
            if items or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
    assert got and len(items) == 1
    assert items[0]["status"] == "interrupted" and items[0]["content"] == "".join(got)
    assert reply.startswith(items[0]["content"]) and items[0]["content"] != reply


async def test_a_longer_document_embeds_only_the_sentences_of_its_most_central_pieces(client):
    from app.documents import summary
    from app.documents.chunking import chunk, sentences

    owner = await make_actor(client)
    ws = (await make_workspace(client, owner, "긴 요약"))["id"]
    data = fx.make_long_pdf(16)
    r = await client.post(f"/api/v1/workspaces/{ws}/documents", files={"file": ("긴 정책.pdf", data)},
                          headers=owner.headers)
    assert r.status_code == 201, r.text
    await run_worker()
    units = extract.extract(data, "p.pdf").units
    every = {(s.text, s.page) for s in sentences(units)}
    assert len(chunk(units)) > summary.PRESELECT_MIN  # more pieces than the pre-selection keeps

    events = await summarize(client, owner, ws, r.json()["id"], length="short", format="bullets")
    embedded = max(d["total"] for n, d in events if n == "progress")
    assert embedded < len(every)  # only the chosen pieces' sentences were embedded
    cited = events[-1][1]["citations"]
    assert len(cited) == 3 and all((c["text"], c["page"]) in every for c in cited)  # still the document's own
