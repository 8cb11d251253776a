"""Documents of a workspace: upload (read and checked before anything is stored), new versions, listing,
preview and delete. Indexing runs in the `index_document` job (documents/jobs.py)."""

import asyncio
import hashlib
import uuid
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError, NotFound
from app.documents import extract
from app.documents import jobs as _kinds  # noqa: F401 - registers index_document
from app.documents.models import Document, DocumentFile
from app.jobs import service as jobs
from app.models import Job, KnowledgeChunk

KIND = "index_document"


def content_hash(data: bytes) -> str:
    """Identity of a file's content (a duplicate upload has the same)."""
    return hashlib.sha256(data).hexdigest()


async def read_upload(data: bytes, filename: str) -> extract.Extracted:
    """Extract the text (in a thread: parsing is CPU work), turning every way a file can fail into its status."""
    try:
        return await asyncio.to_thread(extract.extract, data, filename)
    except extract.UnsupportedType as exc:
        raise AppError(str(exc), code="unsupported_file", status_code=415) from exc
    except extract.TooLarge as exc:
        raise AppError(str(exc), code="too_many_pages", status_code=413) from exc
    except extract.DocumentUnreadable as exc:
        raise AppError(str(exc), code=exc.code, status_code=422) from exc


def _duplicate(existing: Document) -> AppError:
    err = AppError(f"This file is already uploaded as '{existing.filename}'.", code="duplicate_document",
                   status_code=409)
    err.extra = {"document_id": str(existing.id), "filename": existing.filename}
    return err


async def _check_duplicate(session: AsyncSession, ws_id: uuid.UUID, digest: str) -> None:
    existing = await session.scalar(select(Document).where(Document.workspace_id == ws_id,
                                                           Document.content_hash == digest))
    if existing is not None:
        raise _duplicate(existing)


async def _enqueue(session: AsyncSession, doc: Document, file: DocumentFile, user_id: uuid.UUID) -> Document:
    """Commit the document, its file and a new indexing job together, then queue the job."""
    try:
        await jobs.create_and_enqueue(session=session, ws_id=doc.workspace_id, kind=KIND, user_id=user_id,
                                      payload={"document_id": str(doc.id), "version": doc.version},
                                      extra=[doc, file])
    except IntegrityError as exc:  # the same file uploaded twice at once: the second loses
        await session.rollback()
        existing = await session.scalar(select(Document).where(Document.workspace_id == doc.workspace_id,
                                                               Document.content_hash == doc.content_hash))
        if existing is None:
            raise
        raise _duplicate(existing) from exc
    await session.refresh(doc)
    return doc


async def upload(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID, filename: str,
                 data: bytes) -> Document:
    """Store a new document and queue its indexing; 415/413/422/409 with nothing stored."""
    extracted = await read_upload(data, filename)
    digest = content_hash(data)
    await _check_duplicate(session, ws_id, digest)
    doc = Document(id=uuid.uuid4(), workspace_id=ws_id, filename=filename[:255], title=Path(filename).stem[:255],
                   file_type=extracted.file_type, size_bytes=len(data), content_hash=digest, version=1,
                   status="queued", page_count=extracted.page_count, created_by=user_id)
    file = DocumentFile(document_id=doc.id, workspace_id=ws_id, version=1, data=data,
                        units=[u.as_dict() for u in extracted.units])
    return await _enqueue(session, doc, file, user_id)


async def replace(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID, document_id: uuid.UUID,
                  filename: str, data: bytes) -> Document:
    """Upload a new version: the old pieces stay searchable until the job swaps them in one transaction."""
    doc = await get_document(session=session, ws_id=ws_id, document_id=document_id)
    extracted = await read_upload(data, filename)
    digest = content_hash(data)
    await _check_duplicate(session, ws_id, digest)
    doc.version += 1
    doc.filename, doc.file_type, doc.size_bytes, doc.content_hash = filename[:255], extracted.file_type, len(data), digest
    doc.status, doc.error, doc.page_count = "queued", None, extracted.page_count
    file = await session.get(DocumentFile, doc.id)
    file.version, file.data, file.units = doc.version, data, [u.as_dict() for u in extracted.units]
    return await _enqueue(session, doc, file, user_id)


async def list_documents(*, session: AsyncSession, ws_id: uuid.UUID) -> list[tuple[Document, Job | None]]:
    """The workspace's documents, newest first, each with its latest indexing job."""
    rows = await session.execute(
        select(Document, Job).outerjoin(Job, (Job.id == Document.job_id) & (Job.workspace_id == ws_id))
        .where(Document.workspace_id == ws_id).order_by(Document.created_at.desc(), Document.id))
    return [(d, j) for d, j in rows.all()]


async def get_document(*, session: AsyncSession, ws_id: uuid.UUID, document_id: uuid.UUID) -> Document:
    """One document of the workspace, or 404."""
    doc = await session.scalar(select(Document).where(Document.id == document_id, Document.workspace_id == ws_id))
    if doc is None:
        raise NotFound("Document not found.")
    return doc


async def get_with_job(*, session: AsyncSession, ws_id: uuid.UUID,
                       document_id: uuid.UUID) -> tuple[Document, Job | None]:
    """One document and its latest indexing job, or 404."""
    doc = await get_document(session=session, ws_id=ws_id, document_id=document_id)
    job = await session.scalar(select(Job).where(Job.id == doc.job_id, Job.workspace_id == ws_id)) \
        if doc.job_id else None
    return doc, job


async def units(*, session: AsyncSession, ws_id: uuid.UUID, document_id: uuid.UUID,
                page: int | None = None) -> list[dict]:
    """The document's extracted text units (the preview), of one page when `page` is given."""
    await get_document(session=session, ws_id=ws_id, document_id=document_id)
    stored = await session.scalar(select(DocumentFile.units).where(DocumentFile.document_id == document_id,
                                                                   DocumentFile.workspace_id == ws_id))
    return [u for u in stored or [] if page is None or u.get("page") == page]


async def delete_document(*, session: AsyncSession, ws_id: uuid.UUID, document_id: uuid.UUID) -> None:
    """Delete a document with its pieces, vectors, file and summaries."""
    doc = await get_document(session=session, ws_id=ws_id, document_id=document_id)
    await session.execute(delete(KnowledgeChunk).where(KnowledgeChunk.workspace_id == ws_id,
                                                       KnowledgeChunk.document_id == doc.id))
    await session.delete(doc)
    await session.commit()
