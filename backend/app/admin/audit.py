"""The audit log: who changed what, when. Entries are written in the same transaction as the change."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEntry


def record(session: AsyncSession, *, actor_id: uuid.UUID | None, action: str, workspace_id: uuid.UUID | None = None,
           target_type: str = "", target_id: Any = None, detail: dict | None = None) -> None:
    """Add an audit entry to `session`; it commits (or rolls back) with the change it describes."""
    session.add(AuditEntry(actor_id=actor_id, action=action, workspace_id=workspace_id, target_type=target_type,
                           target_id=None if target_id is None else str(target_id), detail=detail or {}))


async def recent(*, session: AsyncSession, limit: int, before: datetime | None = None,
                 workspace_id: uuid.UUID | None = None, action: str | None = None) -> list[AuditEntry]:
    """The newest entries first, optionally older than `before`, for one workspace or one action prefix."""
    stmt = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id).limit(limit)
    if before is not None:
        stmt = stmt.where(AuditEntry.created_at < before)
    if workspace_id is not None:
        stmt = stmt.where(AuditEntry.workspace_id == workspace_id)
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action, autoescape=True))
    return list(await session.scalars(stmt))
