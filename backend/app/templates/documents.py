"""Generated documents: list, read, edit by hand (each edit keeps the previous text as a revision), delete."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from app.core.errors import AppError, NotFound
from app.templates.models import GeneratedDocument, GeneratedDocumentRevision
from app.templates.schemas import GeneratedDocumentUpdate


async def get_document(*, session: AsyncSession, ws_id: uuid.UUID, document_id: uuid.UUID,
                       lock: bool = False) -> GeneratedDocument:
    """One of the workspace's documents, or 404."""
    stmt = select(GeneratedDocument).where(GeneratedDocument.id == document_id,
                                           GeneratedDocument.workspace_id == ws_id)
    doc = (await session.execute(stmt.with_for_update() if lock else stmt)).scalar_one_or_none()
    if doc is None:
        raise NotFound("Document not found.")
    return doc


async def list_documents(*, session: AsyncSession, ws_id: uuid.UUID, template_id: uuid.UUID | None,
                         offset: int, limit: int) -> tuple[list[GeneratedDocument], int]:
    """Documents newest first (optionally of one template), and how many there are."""
    cond = [GeneratedDocument.workspace_id == ws_id]
    if template_id is not None:
        cond.append(GeneratedDocument.template_id == template_id)
    total = await session.scalar(select(func.count()).select_from(GeneratedDocument).where(*cond))
    rows = (await session.execute(select(GeneratedDocument).where(*cond)
                                  .order_by(GeneratedDocument.created_at.desc()).offset(offset).limit(limit))
            ).scalars().all()
    return list(rows), int(total or 0)


def snapshot(session: AsyncSession, doc: GeneratedDocument, note: str) -> None:
    """Keep the document's current title and sections as a revision, and count a new one."""
    session.add(GeneratedDocumentRevision(workspace_id=doc.workspace_id, document_id=doc.id, revision=doc.revision,
                                          title=doc.title, sections=doc.sections, note=note))
    doc.revision += 1
    doc.updated_at = datetime.now(UTC)


async def update_document(*, session: AsyncSession, ws_id: uuid.UUID, document_id: uuid.UUID,
                          body: GeneratedDocumentUpdate) -> GeneratedDocument:
    """Change the title and sections' text by hand; nothing changes when a key is unknown (422)."""
    doc = await get_document(session=session, ws_id=ws_id, document_id=document_id, lock=True)
    sections = [dict(s) for s in doc.sections]
    by_key = {s["key"]: s for s in sections}
    for edit in body.sections:
        if edit.key not in by_key:
            raise AppError(f"sections.{edit.key}: this document has no such section", code="validation_error",
                           status_code=422)
    changed = [e for e in body.sections if by_key[e.key]["content"] != e.content]
    if not changed and (body.title is None or body.title == doc.title):
        return doc
    snapshot(session, doc, "편집")
    for edit in changed:
        by_key[edit.key] |= {"content": edit.content, "edited": True,
                             "status": "complete" if edit.content.strip() else by_key[edit.key]["status"]}
    if body.title is not None:
        doc.title = body.title.strip()
    doc.sections = sections
    flag_modified(doc, "sections")
    await session.commit()
    return doc


async def list_revisions(*, session: AsyncSession, ws_id: uuid.UUID, document_id: uuid.UUID):
    """Earlier states of a document, newest first."""
    await get_document(session=session, ws_id=ws_id, document_id=document_id)
    return (await session.execute(select(GeneratedDocumentRevision).where(
        GeneratedDocumentRevision.workspace_id == ws_id, GeneratedDocumentRevision.document_id == document_id)
        .order_by(GeneratedDocumentRevision.revision.desc()))).scalars().all()


async def delete_document(*, session: AsyncSession, ws_id: uuid.UUID, document_id: uuid.UUID) -> None:
    """Delete a document and its revisions."""
    await session.delete(await get_document(session=session, ws_id=ws_id, document_id=document_id))
    await session.commit()
