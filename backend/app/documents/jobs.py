"""The `index_document` job: extract, chunk and embed one version of a document, then swap its pieces into the
knowledge index in one transaction (a re-upload replaces the old pieces there; searches see one or the other).

Idempotent: the vectors are computed with no transaction open, and the swap checks the document is still at the
job's version, so a job run twice, or overtaken by a newer upload, changes nothing it should not.
"""

import asyncio
import uuid

from sqlalchemy import delete, select, update

from app.core.db import sessionmaker
from app.documents import chunking, extract
from app.documents.models import Document, DocumentFile
from app.jobs.registry import register
from app.jobs.runner import Step
from app.knowledge import ingest
from app.models import KnowledgeChunk

STAGE_EXTRACTING, STAGE_CHUNKING, STAGE_EMBEDDING = "extracting", "chunking", "embedding"
EMBED_BATCH = 32  # pieces per progress report


async def _fail(document_id: uuid.UUID, version: int, message: str) -> None:
    async with sessionmaker()() as session:
        await session.execute(update(Document).where(Document.id == document_id, Document.version == version)
                              .values(status="failed", error=message[:2000]))
        await session.commit()


@register("index_document", fatal=(extract.DocumentUnreadable, extract.TooLarge), timeout_s=1800)
async def index_document(step: Step):
    """Index the document version named in the payload (one step: its vectors are kept in memory until the swap)."""
    ws_id, state = step.job.workspace_id, step.state
    document_id, version = uuid.UUID(state["document_id"]), int(state["version"])
    async with sessionmaker()() as session:
        doc = await session.scalar(select(Document).where(Document.id == document_id, Document.workspace_id == ws_id))
        file = await session.get(DocumentFile, document_id) if doc is not None else None
        if doc is None or file is None or doc.version != version or file.version != version:
            return {"skipped": "the document was deleted or a newer version uploaded"}
        doc.status = "indexing"
        stored_units, data, filename = list(file.units), bytes(file.data), doc.filename
        embedder = await ingest.workspace_embedder(session, ws_id)
        await session.commit()

    try:
        await step.progress(0, 1, stage=STAGE_EXTRACTING)
        if stored_units:  # read at upload (that is where a bad file got its 422)
            units = [extract.Unit(**u) for u in stored_units]
        else:
            units = (await asyncio.to_thread(extract.extract, data, filename)).units
        await step.progress(1, 1, stage=STAGE_EXTRACTING)
        await step.progress(0, len(units), stage=STAGE_CHUNKING)
        pieces = await asyncio.to_thread(chunking.chunk, units)
        await step.progress(len(units), len(units), stage=STAGE_CHUNKING)
    except (extract.DocumentUnreadable, extract.TooLarge) as exc:
        await _fail(document_id, version, str(exc))
        raise

    rows: list[dict] = []
    await step.progress(0, len(pieces), stage=STAGE_EMBEDDING)
    for start in range(0, len(pieces), EMBED_BATCH):
        batch = pieces[start:start + EMBED_BATCH]
        places = [{"document": document_id, "piece": uuid.uuid4(), "page": p.page, "section": p.section}
                  for p in batch]
        rows += await ingest.piece_rows(ws_id, [(None, "document", p.ord, p.text) for p in batch], embedder,
                                        places=places)
        await step.progress(start + len(batch), len(pieces), stage=STAGE_EMBEDDING)

    async with sessionmaker()() as session:
        current = await session.scalar(select(Document.version).where(
            Document.id == document_id, Document.workspace_id == ws_id).with_for_update())
        if current != version:
            return {"skipped": "the document was deleted or a newer version uploaded"}
        await session.execute(delete(KnowledgeChunk).where(KnowledgeChunk.workspace_id == ws_id,
                                                           KnowledgeChunk.document_id == document_id))
        await ingest.insert_rows(session, rows)
        await session.execute(update(Document).where(Document.id == document_id).values(
            status="ready", error=None, piece_count=len(pieces)))
        await session.commit()
    return {"document_id": str(document_id), "version": version, "pieces": len(pieces), "units": len(units)}
