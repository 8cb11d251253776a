"""A workspace's dashboard, quota and review queue (mounted under /workspaces/{workspace_id})."""

import uuid
from datetime import date

from fastapi import APIRouter, Query

from app.admin import dashboard, quotas, review
from app.admin.access import EditorOrAdmin, OwnerOrAdmin
from app.admin.schemas import AliasAdded, AliasCreate, DashboardRead, QuotaRead, ReviewList
from app.core.db import SessionDep
from app.core.errors import error_responses

router = APIRouter(tags=["dashboard"])


@router.get("/dashboard", response_model=DashboardRead, responses=error_responses(400, 403, 404))
async def workspace_dashboard(ws: OwnerOrAdmin, start: date | None = None, end: date | None = None):
    """Usage and quality of this workspace from `start` to `end` (UTC days, inclusive; default the last 30)."""
    start, end = dashboard.period(start, end)
    return await dashboard.dashboard(ws_id=ws.id, start=start, end=end)


@router.get("/quota", response_model=QuotaRead, responses=error_responses(403, 404))
async def workspace_quota(ws: OwnerOrAdmin):
    """The workspace's quota and what it has used of it today and this month (owners and admins)."""
    return await quotas.usage(ws_id=ws.id)


@router.get("/review", response_model=ReviewList, responses=error_responses(403, 404))
async def review_queue(ws: EditorOrAdmin, limit: int = Query(50, ge=1, le=200)):
    """Recent answers rated down or refused, newest first (owners, editors, admins)."""
    return ReviewList(items=await review.queue(ws_id=ws.id, limit=limit))


@router.post("/review/{message_id}/alias", response_model=AliasAdded, responses=error_responses(403, 404))
async def add_alias(message_id: uuid.UUID, body: AliasCreate, ws: EditorOrAdmin, session: SessionDep):
    """Teach the reviewed answer's question to an entry as another way of asking it."""
    return await review.add_alias(session=session, ws_id=ws.id, actor_id=ws.user.id, message_id=message_id,
                                  entry_id=body.entry_id)
