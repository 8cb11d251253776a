import uuid
from collections import Counter

import httpx
import pytest
from sqlalchemy import select

from app.core.db import sessionmaker
from app.models import KnowledgeChunk
from tests.conftest import add_member, login, make_actor, make_user, make_workspace
from tests.helpers import MINOR_SIGNUP, clone_demo, demo_entries


def url(ws_id, tail: str = "") -> str:
    return f"/api/v1/workspaces/{ws_id}{tail}"


@pytest.fixture(scope="module")
async def demo(app):
    """One workspace holding the demo knowledge, shared by the read-only tests of this module."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        user = await make_user()
        headers = {"Authorization": f"Bearer {(await login(c, user.email))['access_token']}"}
        ws = (await c.post("/api/v1/workspaces", json={"name": "지식 데모"}, headers=headers)).json()
    await clone_demo(ws["id"])
    return {"ws": ws["id"], "headers": headers}


async def chunks_of(entry_id, model: str = "multilingual-e5-small") -> list[KnowledgeChunk]:
    """The entry's chunks embedded with `model` (each piece also has a USE signal row)."""
    async with sessionmaker()() as s:
        return list((await s.execute(select(KnowledgeChunk).where(KnowledgeChunk.entry_id == uuid.UUID(entry_id),
                                                                  KnowledgeChunk.embedding_model == model)
                                     .order_by(KnowledgeChunk.kind, KnowledgeChunk.ord))).scalars())


async def test_create_indexes_update_reindexes_delete_cascades(client):
    owner = await make_actor(client)
    ws = await make_workspace(client, owner)
    body = {"question": "선물 포장 서비스를 제공할 수 있나요?",
            "answer": "네, 상품 옵션에 선물 포장을 추가하면 됩니다.",
            "category": "상품 관리", "related": ["상품 옵션은 어떻게 만드나요?"]}
    r = await client.post(url(ws["id"], "/knowledge"), json=body, headers=owner.headers)
    assert r.status_code == 201, r.text
    entry = r.json()
    assert {k: entry[k] for k in body} == body

    chunks = await chunks_of(entry["id"])
    assert [c.kind for c in chunks] == ["answer", "question"]
    assert all(c.embedding_dim == 384 and c.embedding_model == "multilingual-e5-small" for c in chunks)
    assert all(c.embedding is not None and len(c.embedding) == 384 for c in chunks)
    assert all(c.lexemes for c in chunks)
    assert "선물 포장" in chunks[0].text and chunks[1].text.startswith("[상품 관리]")
    signals = await chunks_of(entry["id"], model="use-multilingual-v3")
    assert [(c.kind, c.text, c.embedding_dim, c.lexemes) for c in signals] == [
        (c.kind, c.text, 512, None) for c in chunks]

    r = await client.patch(url(ws["id"], f"/knowledge/{entry['id']}"),
                           json={"answer": "아니요, 선물 포장은 현재 지원하지 않습니다."}, headers=owner.headers)
    assert r.status_code == 200
    assert r.json()["answer"] == "아니요, 선물 포장은 현재 지원하지 않습니다."
    assert r.json()["question"] == body["question"] and r.json()["category"] == "상품 관리"
    assert r.json()["updated_at"] > entry["updated_at"]
    after = await chunks_of(entry["id"])
    assert {c.id for c in after}.isdisjoint({c.id for c in chunks})
    assert "지원하지 않습니다" in after[0].text and "추가하면" not in after[0].text

    got = await client.get(url(ws["id"], f"/knowledge/{entry['id']}"), headers=owner.headers)
    assert got.status_code == 200 and got.json()["answer"].startswith("아니요")

    r = await client.delete(url(ws["id"], f"/knowledge/{entry['id']}"), headers=owner.headers)
    assert r.status_code == 204
    assert await chunks_of(entry["id"]) == []
    r = await client.get(url(ws["id"], f"/knowledge/{entry['id']}"), headers=owner.headers)
    assert r.status_code == 404
    assert r.json() == {"error": "not_found", "message": "Knowledge entry not found."}


async def test_create_rules(client):
    owner, editor, member = await make_actor(client), await make_actor(client), await make_actor(client)
    ws = await make_workspace(client, owner)
    await add_member(client, owner, ws["id"], editor, "editor")
    await add_member(client, owner, ws["id"], member, "member")
    body = {"question": "반품 배송비는 누가 내나요?", "answer": "단순 변심이면 구매자가 부담합니다."}

    r = await client.post(url(ws["id"], "/knowledge"), json=body, headers=member.headers)
    assert r.status_code == 403 and r.json()["error"] == "forbidden"
    r = await client.post(url(ws["id"], "/knowledge"), json=body, headers=editor.headers)
    assert r.status_code == 201 and r.json()["category"] is None and r.json()["related"] == []
    entry_id = r.json()["id"]
    r = await client.post(url(ws["id"], "/knowledge"), json=body, headers=owner.headers)
    assert r.status_code == 409 and r.json()["error"] == "conflict"

    for bad in ({"question": "x", "answer": "y"}, {"question": "질문입니다"}, body | {"extra": 1}):
        r = await client.post(url(ws["id"], "/knowledge"), json=bad, headers=owner.headers)
        assert r.status_code == 422 and r.json()["error"] == "validation_error", bad

    r = await client.patch(url(ws["id"], f"/knowledge/{entry_id}"), json={"answer": "바뀜"}, headers=member.headers)
    assert r.status_code == 403
    r = await client.delete(url(ws["id"], f"/knowledge/{entry_id}"), headers=member.headers)
    assert r.status_code == 403
    r = await client.get(url(ws["id"], f"/knowledge/{entry_id}"), headers=member.headers)
    assert r.status_code == 200 and r.json()["answer"] == body["answer"]
    r = await client.get(url(ws["id"], f"/knowledge/{uuid.uuid4()}"), headers=owner.headers)
    assert r.status_code == 404


async def test_list_paging_search_and_category(client, demo):
    entries = demo_entries()
    h = demo["headers"]
    page = (await client.get(url(demo["ws"], "/knowledge?limit=10"), headers=h)).json()
    assert page["total"] == len(entries) and len(page["items"]) == 10
    rest = (await client.get(url(demo["ws"], "/knowledge?limit=200&offset=10"), headers=h)).json()
    assert len(rest["items"]) == len(entries) - 10
    assert not {e["id"] for e in page["items"]} & {e["id"] for e in rest["items"]}

    found = (await client.get(url(demo["ws"], "/knowledge"), params={"q": "미성년자"}, headers=h)).json()
    expected = {e["question"] for e in entries if "미성년자" in e["question"] or "미성년자" in e["answer"]}
    assert found["total"] == len(expected) >= 2 and MINOR_SIGNUP in expected
    assert {e["question"] for e in found["items"]} == expected

    category = entries[0]["category"]
    in_cat = (await client.get(url(demo["ws"], "/knowledge"), params={"category": category, "limit": 200},
                               headers=h)).json()
    assert in_cat["total"] == sum(e["category"] == category for e in entries)
    assert {e["category"] for e in in_cat["items"]} == {category}

    both = (await client.get(url(demo["ws"], "/knowledge"), params={"category": category, "q": "미성년자"},
                             headers=h)).json()
    assert MINOR_SIGNUP in {e["question"] for e in both["items"]}
    assert both["total"] == len({q for q in expected if any(e["question"] == q and e["category"] == category
                                                                for e in entries)})

    none = (await client.get(url(demo["ws"], "/knowledge"), params={"q": "존재하지않는검색어"}, headers=h)).json()
    assert none == {"items": [], "total": 0}
    r = await client.get(url(demo["ws"], "/knowledge?limit=0"), headers=h)
    assert r.status_code == 422 and r.json()["error"] == "validation_error"


async def test_categories_with_counts(client, demo):
    expected = Counter(e["category"] for e in demo_entries() if e.get("category"))
    r = await client.get(url(demo["ws"], "/knowledge/categories"), headers=demo["headers"])
    assert r.status_code == 200
    items = r.json()["items"]
    assert {i["name"]: i["count"] for i in items} == dict(expected)
    assert [i["count"] for i in items] == sorted((i["count"] for i in items), reverse=True)
