"""Knowledge entries: list, read, create, update, delete (each change re-indexes the entry)."""

import uuid

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, NotFound
from app.knowledge import ingest, structure
from app.knowledge.cleaning import CleanEntry
from app.knowledge.schemas import CategoryCount, EntryCreate, EntryUpdate
from app.models import KnowledgeEntry


async def list_entries(*, session: AsyncSession, ws_id: uuid.UUID, q: str | None, category: str | None,
                       offset: int, limit: int) -> tuple[list[KnowledgeEntry], int]:
    """A page of entries, filtered by a text search and category."""
    cond = [KnowledgeEntry.workspace_id == ws_id]
    if q:
        like = f"%{q.strip()}%"
        cond.append(or_(KnowledgeEntry.question.ilike(like), KnowledgeEntry.answer.ilike(like)))
    if category:
        cond.append(KnowledgeEntry.category == category)
    total = await session.scalar(select(func.count()).select_from(KnowledgeEntry).where(*cond))
    rows = (await session.execute(select(KnowledgeEntry).where(*cond)
                                  .order_by(KnowledgeEntry.category.nulls_last(), KnowledgeEntry.question)
                                  .offset(offset).limit(limit))).scalars().all()
    return list(rows), total


async def categories(*, session: AsyncSession, ws_id: uuid.UUID) -> list[CategoryCount]:
    """Categories with entry counts."""
    rows = await session.execute(
        select(KnowledgeEntry.category, func.count()).where(KnowledgeEntry.workspace_id == ws_id,
                                                           KnowledgeEntry.category.is_not(None))
        .group_by(KnowledgeEntry.category).order_by(func.count().desc()))
    return [CategoryCount(name=c, count=n) for c, n in rows]


async def get_entry(*, session: AsyncSession, ws_id: uuid.UUID, entry_id: uuid.UUID) -> KnowledgeEntry:
    """One entry of the workspace, or 404."""
    entry = (await session.execute(select(KnowledgeEntry).where(
        KnowledgeEntry.id == entry_id, KnowledgeEntry.workspace_id == ws_id))).scalar_one_or_none()
    if entry is None:
        raise NotFound("Knowledge entry not found.")
    return entry


async def create_entry(*, session: AsyncSession, ws_id: uuid.UUID, body: EntryCreate) -> KnowledgeEntry:
    """Add one entry and index it."""
    clean = CleanEntry(source_key=body.question.strip(), question=body.question.strip(), answer=body.answer.strip(),
                       category=(body.category or None), related=body.related)
    existing = await session.scalar(select(KnowledgeEntry.id).where(
        KnowledgeEntry.workspace_id == ws_id, KnowledgeEntry.key_hash == ingest.key_hash(clean.source_key)))
    if existing:
        raise Conflict("An entry with this question already exists.")
    entry = await ingest.upsert_entries(session=session, ws_id=ws_id, entries=[clean], first_position=None)
    await structure.refresh(session=session, ws_id=ws_id)
    await session.commit()
    return entry[0]


async def update_entry(*, session: AsyncSession, ws_id: uuid.UUID, entry_id: uuid.UUID,
                       body: EntryUpdate) -> KnowledgeEntry:
    """Change an entry and re-index it."""
    entry = await get_entry(session=session, ws_id=ws_id, entry_id=entry_id)
    for field, value in body.model_dump(exclude_unset=True).items():
        setattr(entry, field, value.strip() if isinstance(value, str) else value)
    await ingest.reindex_entry(session=session, ws_id=ws_id, entry=entry)
    await structure.refresh(session=session, ws_id=ws_id)
    await session.commit()
    await session.refresh(entry)  # updated_at is set by the database (onupdate) and expired after the flush
    return entry


async def delete_entry(*, session: AsyncSession, ws_id: uuid.UUID, entry_id: uuid.UUID) -> None:
    """Delete an entry and its chunks."""
    entry = await get_entry(session=session, ws_id=ws_id, entry_id=entry_id)
    await session.delete(entry)
    await session.flush()
    await structure.refresh(session=session, ws_id=ws_id)
    await session.commit()
