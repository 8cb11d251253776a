"""Generating documents: extractive and model sections, unsupported sections, edits, re-generation."""

import re

import pytest

from app.prompts.service import active_template
from app.templates.knowledge import UNSUPPORTED
from tests.conftest import make_actor, make_workspace
from tests.helpers import MINOR_DOCUMENTS, clone_demo, demo_entries, parse_sse, patch_settings

OFF_TOPIC = "오늘 서울 날씨와 미세먼지 농도는 어떤가요?"


def url(ws, tail=""):
    return f"/api/v1/workspaces/{ws}{tail}"


TEMPLATE = {
    "name": "미성년 판매자 안내",
    "fields": [{"name": "customer", "label": "고객", "type": "text", "required": True},
               {"name": "visit", "label": "방문일", "type": "date"}],
    "sections": [
        {"key": "hello", "title": "인사", "kind": "text", "body": "{{ customer }}님 안녕하세요.{% if visit %} "
                                                               "{{ visit }}에 방문해 주세요.{% endif %}"},
        {"key": "documents", "title": "필요 서류", "kind": "knowledge", "body": MINOR_DOCUMENTS},
        {"key": "weather", "title": "날씨", "kind": "knowledge", "body": OFF_TOPIC},
    ],
}


@pytest.fixture
async def demo(client):
    actor = await make_actor(client)
    ws = (await make_workspace(client, actor, "생성 데모"))["id"]
    await clone_demo(ws)
    tpl = (await client.post(url(ws, "/templates"), json=TEMPLATE, headers=actor.headers)).json()
    return {"actor": actor, "ws": ws, "tpl": tpl}


async def generate(client, demo, values, **extra):
    r = await client.post(url(demo["ws"], f"/templates/{demo['tpl']['id']}/generate"),
                          json={"values": values, **extra}, headers=demo["actor"].headers, timeout=120)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/event-stream")
    return parse_sse(r.text)


async def stored(client, demo, doc_id):
    r = await client.get(url(demo["ws"], f"/generated-documents/{doc_id}"), headers=demo["actor"].headers)
    assert r.status_code == 200, r.text
    return r.json()


def _answer(question):
    return next(e["answer"] for e in demo_entries() if e["question"] == question)


def _sentences_of(text, source):
    """Every sentence of an extractive section is the source's own text."""
    body = re.sub(r"\s*\[\d+\]", "", text)
    flat = " ".join(source.split())
    return all(" ".join(line.split()) in flat for line in body.splitlines() if line.strip())


async def test_extractive_generation_streams_sections_cites_and_says_when_unsupported(client, demo):
    events = await generate(client, demo, {"customer": "홍길동", "visit": "2026-12-24"}, title="홍길동 안내")
    names = [n for n, _ in events]
    sections = [d["key"] for n, d in events if n == "section"]
    assert sections == ["hello", "documents", "weather"] and names[-1] == "done"
    assert names.index("sources") > names.index("section") and "error" not in names
    by_key: dict[str, str] = {}
    for n, d in events:
        if n == "token":
            by_key[d["key"]] = by_key.get(d["key"], "") + d["text"]
    assert by_key["hello"] == "홍길동님 안녕하세요. 2026-12-24에 방문해 주세요."
    sources = [d for n, d in events if n == "sources"]
    assert sources[0]["sources"][0]["question"] == MINOR_DOCUMENTS and sources[1]["sources"] == []

    done = events[-1][1]
    doc = await stored(client, demo, done["document_id"])
    assert doc["status"] == "complete" and doc["title"] == "홍길동 안내" and doc["template_version"] == 1
    assert doc["values"] == {"customer": "홍길동", "visit": "2026-12-24"}
    hello, docs, weather = doc["sections"]
    assert hello["content"] == by_key["hello"] and hello["status"] == "complete"
    assert docs["provider"] == "extractive" and docs["status"] == "complete"
    assert docs["sources"][0]["question"] == MINOR_DOCUMENTS
    # Each cited entry gives a paragraph of its own sentences, marked with its number; nothing else is written.
    paragraphs = docs["content"].split("\n\n")
    assert len(paragraphs) == len(docs["sources"])
    for i, (paragraph, source) in enumerate(zip(paragraphs, docs["sources"], strict=True), start=1):
        assert paragraph.endswith(f"[{i}]") and _sentences_of(paragraph, _answer(source["question"]))
    assert weather["status"] == "unsupported" and weather["content"] == UNSUPPORTED and weather["sources"] == []
    assert done["sections"] == [{"key": "hello", "status": "complete"}, {"key": "documents", "status": "complete"},
                                {"key": "weather", "status": "unsupported"}]


async def test_bad_values_are_422_naming_the_field_and_save_nothing(client, demo):
    tpl = demo["tpl"]["id"]
    for values, field in (({}, "customer"), ({"customer": "홍", "visit": "내일"}, "visit"),
                          ({"customer": "홍", "extra": "x"}, "extra")):
        r = await client.post(url(demo["ws"], f"/templates/{tpl}/generate"), json={"values": values},
                              headers=demo["actor"].headers)
        assert r.status_code == 422 and r.json()["message"].startswith(f"values.{field}:"), r.text
    listed = (await client.get(url(demo["ws"], "/generated-documents"), headers=demo["actor"].headers)).json()
    assert listed["total"] == 0


async def test_edit_keeps_revisions_and_a_section_regenerates_alone(client, demo):
    events = await generate(client, demo, {"customer": "김철수"})
    doc_id = events[-1][1]["document_id"]
    original = await stored(client, demo, doc_id)
    base = url(demo["ws"], f"/generated-documents/{doc_id}")
    r = await client.patch(base, json={"title": "고친 제목", "sections": [{"key": "documents", "content": "손으로 쓴 안내"}]},
                           headers=demo["actor"].headers)
    assert r.status_code == 200, r.text
    edited = r.json()
    assert edited["revision"] == 2 and edited["title"] == "고친 제목"
    assert edited["sections"][1] | {} == original["sections"][1] | {"content": "손으로 쓴 안내", "edited": True}
    r = await client.patch(base, json={"sections": [{"key": "nope", "content": "x"}]}, headers=demo["actor"].headers)
    assert r.status_code == 422 and "nope" in r.json()["message"]

    r = await client.post(f"{base}/sections/documents/regenerate", headers=demo["actor"].headers, timeout=120)
    assert r.status_code == 200, r.text
    events = parse_sse(r.text)
    assert [d["key"] for n, d in events if n == "section"] == ["documents"] and events[-1][0] == "done"
    again = await stored(client, demo, doc_id)
    assert again["sections"][1]["content"] == original["sections"][1]["content"]
    assert again["sections"][1]["edited"] is False and again["sections"][0] == original["sections"][0]
    assert again["revision"] == 3 and again["title"] == "고친 제목"

    revisions = (await client.get(f"{base}/revisions", headers=demo["actor"].headers)).json()["items"]
    assert [v["revision"] for v in revisions] == [2, 1]
    assert revisions[0]["sections"][1]["content"] == "손으로 쓴 안내" and revisions[1]["title"] == original["title"]
    r = await client.post(f"{base}/sections/unknown/regenerate", headers=demo["actor"].headers)
    assert r.status_code == 404


async def test_model_drafts_from_the_cited_entries_and_records_the_prompt(client, demo, fake_openai_env):
    await patch_settings(client, demo["actor"], demo["ws"], qa={"chat_provider": "openai"})
    draft = "법정대리인 동의서와 가족관계증명서를 제출해 주세요. [1]"
    fake_openai_env.reply(draft, prompt_tokens=200, completion_tokens=20)
    events = await generate(client, demo, {"customer": "이영희"})
    assert events[-1][0] == "done", events[-3:]
    # The unsupported section never reaches the model: one request, for the supported section.
    assert len(fake_openai_env.chat_requests) == 1
    sent = fake_openai_env.chat_requests[0]["messages"]
    assert sent[0]["role"] == "system" and _answer(MINOR_DOCUMENTS) in sent[0]["content"]
    assert "이영희" in sent[0]["content"] and "필요 서류" in sent[0]["content"]
    assert sent[1] == {"role": "user", "content": MINOR_DOCUMENTS}
    doc = await stored(client, demo, events[-1][1]["document_id"])
    docs = doc["sections"][1]
    assert docs["content"] == draft and docs["provider"] == "openai" and docs["status"] == "complete"
    # The built-in default ran: it is stored as the prompt's version 1, the production label's target.
    version_id, _ = await active_template("templates.section")
    assert docs["prompt_version_id"] == str(version_id)
    assert doc["sections"][2]["content"] == UNSUPPORTED


async def test_model_saying_unsupported_marks_the_section(client, demo, fake_openai_env):
    await patch_settings(client, demo["actor"], demo["ws"], qa={"chat_provider": "openai"})
    fake_openai_env.reply(UNSUPPORTED)
    events = await generate(client, demo, {"customer": "박"})
    doc = await stored(client, demo, events[-1][1]["document_id"])
    assert doc["sections"][1]["status"] == "unsupported" and doc["sections"][1]["sources"] == []


async def test_a_model_failure_ends_with_error_and_a_failed_document(client, demo, fake_openai_env):
    await patch_settings(client, demo["actor"], demo["ws"], qa={"chat_provider": "openai"})
    fake_openai_env.fail(400, "bad request")
    events = await generate(client, demo, {"customer": "최"})
    assert events[-1][0] == "error" and events[-1][1]["key"] == "documents"
    doc_id = next(d["document_id"] for n, d in events if n == "section")
    doc = await stored(client, demo, doc_id)
    assert doc["status"] == "failed" and doc["sections"][0]["status"] == "complete"
    assert doc["sections"][1]["status"] == "failed" and doc["sections"][2]["status"] == "pending"
