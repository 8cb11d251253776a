"""Learned aliases: a thumbs-up indexes the question as another way of asking the cited entry."""

import uuid

from sqlalchemy import select

from app.core.db import sessionmaker
from app.models import KnowledgeChunk
from app.retrieval import service as retrieval
from app.workspaces import service as workspaces
from tests.conftest import make_actor, make_workspace
from tests.helpers import ask, clone_demo, entry_ids, first, new_session
from tests.retrieval.test_bm25 import lexicon, recount

QUESTION = "미성년자도 스토어 열 수 있어요?"
TITLE = "만 19세 미만 미성년자도 판매자로 가입할 수 있나요?"


async def alias_rows(entry_id) -> list[KnowledgeChunk]:
    async with sessionmaker()() as s:
        return list((await s.execute(select(KnowledgeChunk).where(
            KnowledgeChunk.entry_id == uuid.UUID(entry_id), KnowledgeChunk.kind == "alias")
            .order_by(KnowledgeChunk.embedding_dim))).scalars())


async def dense_for(ws_id, entry_id, query: str) -> float:
    async with sessionmaker()() as s:
        settings = (await workspaces.load_settings(session=s, ws_id=uuid.UUID(ws_id))).retrieval
        hits = (await retrieval.search(ws_id=uuid.UUID(ws_id), query=query, settings=settings,
                                       limit=30)).hits
    return next(h.dense for h in hits if str(h.entry_id) == entry_id)


async def test_thumbs_up_teaches_an_alias_and_taking_it_back_forgets_it(client):
    actor = await make_actor(client)
    ws = await make_workspace(client, actor)
    await clone_demo(ws["id"])
    entry = (await entry_ids(ws["id"]))[TITLE]
    sid = await new_session(client, actor, ws["id"])
    events = await ask(client, actor, ws["id"], sid, QUESTION)
    assert first(events, "sources")["sources"][0]["entry_id"] == entry
    before = await dense_for(ws["id"], entry, QUESTION)
    feedback = f"/api/v1/workspaces/{ws['id']}/chat/messages/{first(events, 'done')['message_id']}/feedback"

    assert (await client.post(feedback, json={"rating": 1}, headers=actor.headers)).status_code == 204
    rows = await alias_rows(entry)
    assert [(r.text, r.embedding_dim, bool(r.lexemes)) for r in rows] == [(QUESTION, 384, True), (QUESTION, 512, False)]
    assert await dense_for(ws["id"], entry, QUESTION) > before + 0.02  # the alias itself now matches
    assert await lexicon(ws["id"]) == await recount(ws["id"])

    await client.post(feedback, json={"rating": 1}, headers=actor.headers)  # no duplicate
    assert len(await alias_rows(entry)) == 2

    r = await client.patch(f"/api/v1/workspaces/{ws['id']}/knowledge/{entry}", json={"answer": "네, 가능합니다."},
                           headers=actor.headers)
    assert r.status_code == 200
    assert [r.text for r in await alias_rows(entry)] == [QUESTION, QUESTION]  # survives re-indexing

    assert (await client.post(feedback, json={"rating": 0}, headers=actor.headers)).status_code == 204
    assert await alias_rows(entry) == []
    assert await lexicon(ws["id"]) == await recount(ws["id"])


async def test_refusals_and_followup_titles_teach_nothing(client):
    actor = await make_actor(client)
    ws = await make_workspace(client, actor)
    await clone_demo(ws["id"])
    sid = await new_session(client, actor, ws["id"])
    refused = await ask(client, actor, ws["id"], sid, "강남역 근처 파스타 맛집 알려줘")
    assert first(refused, "done")["refused"]
    url = f"/api/v1/workspaces/{ws['id']}/chat/messages/{first(refused, 'done')['message_id']}/feedback"
    assert (await client.post(url, json={"rating": 1}, headers=actor.headers)).status_code == 204
    titled = await ask(client, actor, ws["id"], sid, TITLE)  # asking the title itself adds no alias
    url = f"/api/v1/workspaces/{ws['id']}/chat/messages/{first(titled, 'done')['message_id']}/feedback"
    assert (await client.post(url, json={"rating": 1}, headers=actor.headers)).status_code == 204
    async with sessionmaker()() as s:
        count = len((await s.execute(select(KnowledgeChunk.id).where(
            KnowledgeChunk.workspace_id == uuid.UUID(ws["id"]), KnowledgeChunk.kind == "alias"))).all())
    assert count == 0
