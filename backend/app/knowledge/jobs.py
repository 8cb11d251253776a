"""Knowledge jobs: import a file, re-embed a workspace. Each is a chain of resumable steps (see app.jobs.runner)
that keep their place in the job's payload, so a slow machine only makes more steps."""

import uuid
from collections.abc import Sequence

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import sessionmaker
from app.jobs import service as jobs
from app.jobs.registry import MORE, register
from app.jobs.runner import Step
from app.knowledge import ingest, structure
from app.knowledge.cleaning import CleanEntry, clean_all
from app.knowledge.parsing import KnowledgeFormatError, load_knowledge
from app.models import Job, JobUpload, KnowledgeEntry

STAGE_INDEXING, STAGE_EMBEDDING = "indexing", "embedding_answers"  # progress.stage of an import job


async def enqueue_import(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID, filename: str,
                         data: bytes) -> Job:
    """Store the upload beside a new import job and queue it."""
    return await jobs.create_and_enqueue(session=session, ws_id=ws_id, kind="import_knowledge", user_id=user_id,
                                         payload={"filename": filename, "bytes": len(data)},
                                         extra=[JobUpload(filename=filename, data=data)])


async def enqueue_reembed(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID | None) -> Job:
    """Queue a re-embedding of the workspace's knowledge."""
    return await jobs.create_and_enqueue(session=session, ws_id=ws_id, kind="reembed_knowledge", user_id=user_id)


async def count_changed(session: AsyncSession, ws_id: uuid.UUID, entries: Sequence[CleanEntry]) -> int:
    """How many of `entries` are new or changed (the import job's result reports that, not the ORM rows)."""
    stored = dict((await session.execute(select(KnowledgeEntry.key_hash, KnowledgeEntry.content_hash)
                                          .where(KnowledgeEntry.workspace_id == ws_id))).all())
    return len({ingest.key_hash(e.source_key) for e in entries
                if stored.get(ingest.key_hash(e.source_key)) != ingest.content_hash(e)})


async def _analyze(session: AsyncSession) -> None:
    # Fresh statistics after a bulk load, so the first searches get good plans (measured: retrieval p50
    # 62 ms right after importing the SmartStore FAQ, 39 ms once the tables were analysed).
    for table in ("knowledge_entries", "knowledge_chunks", "knowledge_lexicon"):
        await session.execute(text(f"ANALYZE {table}"))
    await session.commit()


async def import_file(*, session: AsyncSession, ws_id: uuid.UUID, filename: str, data: bytes,
                      progress: ingest.Progress | None = None, defer_answers: bool = False) -> dict:
    """Parse, clean and upsert a knowledge file into a workspace; return counts.

    The index is complete on return, unless `defer_answers`: then the entries are searchable (the titles'
    vectors, every piece's keywords) and the answer pieces' vectors of a local model (and of USE) are left for
    `ingest.fill_vectors` (the import job's second phase).
    """
    entries = clean_all(load_knowledge(data, filename))
    before = await ingest.count_entries(session, ws_id)
    indexed = await count_changed(session, ws_id, entries)
    await ingest.upsert_entries(session=session, ws_id=ws_id, entries=entries, progress=progress,
                                defer_answers=defer_answers)
    await structure.refresh(session=session, ws_id=ws_id)
    await session.commit()
    if indexed:
        await _analyze(session)
    if not defer_answers:
        await ingest.fill_vectors(session=session, ws_id=ws_id)  # what an interrupted import job left behind
    after = await ingest.count_entries(session, ws_id)
    return {"entries": len(entries), "created": after - before, "indexed": indexed}


@register("import_knowledge", fatal=(KnowledgeFormatError,))
async def import_knowledge(step: Step):
    """One step of an import: entries for the step's time budget (phase 1: indexed and searchable), then answer
    vectors (phase 2). The upload stays until both are done; the place reached is kept in the payload."""
    job, state = step.job, step.state
    async with sessionmaker()() as session:
        upload = await session.get(JobUpload, job.id)
        if upload is None:
            raise KnowledgeFormatError("The uploaded file is gone.")
        if not state.get("indexed_all"):
            if await _index_entries(step, session, upload) is MORE or step.out_of_time():
                return MORE
        total = state.get("vectors", 0)
        if total:
            async def report(done: int, pending: int) -> None:
                await step.progress(max(0, total - pending + done), total, stage=STAGE_EMBEDDING)

            await ingest.fill_vectors(session=session, ws_id=job.workspace_id, progress=report,
                                      deadline=step.deadline)
            if await ingest.pending_vectors(session, job.workspace_id):
                return MORE
        created = await ingest.count_entries(session, job.workspace_id) - state["before"]
        await session.delete(upload)
        await session.commit()
    return {"entries": state["entries"], "created": created, "indexed": state["indexed"]}


async def _index_entries(step: Step, session: AsyncSession, upload: JobUpload):
    """Phase 1 from the entry the last step reached; MORE when the budget ran out first."""
    ws_id, state = step.job.workspace_id, step.state
    entries = clean_all(load_knowledge(upload.data, upload.filename))
    if "before" not in state:  # counted once, before the first entry is written
        await step.save(before=await ingest.count_entries(session, ws_id), entries=len(entries), offset=0,
                        indexed=await count_changed(session, ws_id, entries))
    offset = state["offset"]

    async def report(done: int, _: int) -> None:
        await step.progress(offset + done, len(entries), stage=STAGE_INDEXING, offset=offset + done)

    handled = await ingest.upsert_entries(session=session, ws_id=ws_id, entries=entries[offset:],
                                          progress=report, defer_answers=True, deadline=step.deadline,
                                          first_position=offset)
    if offset + len(handled) < len(entries):
        return MORE
    await structure.refresh(session=session, ws_id=ws_id)  # which entries are guides to a task, among all
    await session.commit()
    if state["indexed"]:
        await _analyze(session)
    pending = await ingest.pending_vectors(session, ws_id)
    await step.save(indexed_all=True, **({"stage": STAGE_EMBEDDING, "vectors": pending} if pending else {}))
    return None


_STALE_DOCUMENTS = text("""
SELECT d.id, d.version FROM documents d
WHERE d.workspace_id = :ws AND d.status IN ('ready', 'indexing', 'queued')
  AND NOT EXISTS (SELECT 1 FROM knowledge_chunks c WHERE c.workspace_id = :ws AND c.document_id = d.id
                  AND c.embedding_model = :model)
ORDER BY d.created_at, d.id
""")


async def _reindex_documents(session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID | None) -> int:
    """Queue the indexing job of each document whose pieces the workspace's model has not embedded."""
    from app.documents.service import KIND  # documents build on the knowledge index, not the other way round

    embedder = await ingest.workspace_embedder(session, ws_id)
    stale = (await session.execute(_STALE_DOCUMENTS, {"ws": ws_id, "model": embedder.name})).all()
    for document_id, version in stale:
        await jobs.create_and_enqueue(session=session, ws_id=ws_id, kind=KIND, user_id=user_id,
                                      payload={"document_id": str(document_id), "version": version})
    return len(stale)


@register("reembed_knowledge")
async def reembed_knowledge(step: Step):
    """One step of a re-embedding: batches of entries, in creation order from where the last step stopped; then
    every uploaded document whose pieces are not yet in the workspace's model gets its indexing job again (it
    re-chunks and re-embeds the current version, and swaps its pieces in one transaction)."""
    ws_id, state = step.job.workspace_id, step.state
    async with sessionmaker()() as session:
        if "total" not in state:
            await step.save(total=await ingest.count_entries(session, ws_id), reembedded=0, cursor=None)
        while True:
            n, cursor = await ingest.reembed_next(session=session, ws_id=ws_id, after=state["cursor"])
            if not n:
                if "documents" not in state:
                    await step.save(documents=await _reindex_documents(session, ws_id, step.job.created_by))
                return {"entries": state["reembedded"], "documents": state["documents"]}
            done = state["reembedded"] + n
            await step.progress(done, max(done, state["total"]), reembedded=done, cursor=cursor)
            if step.out_of_time():
                return MORE
