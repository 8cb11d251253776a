"""Platform-admin views: users, workspaces, usage."""

import uuid
from datetime import datetime

from fastapi import APIRouter, Query
from sqlalchemy import text

from app.admin import audit
from app.admin.schemas import AdminUserList, AdminWorkspaceList, AuditList, UsageList
from app.core.db import SessionDep
from app.core.deps import AdminUser

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/users", response_model=AdminUserList)
async def list_users(_: AdminUser, session: SessionDep):
    """Every user with their workspace count."""
    rows = (await session.execute(text(
        "select u.id, u.email, u.name, u.is_admin, u.is_active, u.created_at, count(m.workspace_id) as workspaces "
        "from users u left join memberships m on m.user_id = u.id group by u.id order by u.created_at"
    ))).mappings().all()
    return {"items": [dict(r) for r in rows]}


@router.get("/workspaces", response_model=AdminWorkspaceList)
async def list_workspaces(_: AdminUser, session: SessionDep):
    """Every workspace with member and knowledge counts."""
    rows = (await session.execute(text(
        "select w.id, w.name, w.slug, w.created_at, "
        "(select count(*) from memberships m where m.workspace_id = w.id) as members, "
        "(select count(*) from knowledge_entries e where e.workspace_id = w.id) as entries "
        "from workspaces w order by w.created_at"
    ))).mappings().all()
    return {"items": [dict(r) for r in rows]}


@router.get("/usage", response_model=UsageList)
async def usage(_: AdminUser, session: SessionDep, days: int = Query(30, ge=1, le=3660)):
    """Per-workspace answer counts, refusals, feedback, tokens and latency over the last `days`."""
    rows = (await session.execute(text(
        "select w.id as workspace_id, w.name as workspace_name, count(m.id) as messages, "
        "count(m.id) filter (where m.refused) as refusals, "
        "count(m.id) filter (where m.feedback = 1) as feedback_up, "
        "count(m.id) filter (where m.feedback = -1) as feedback_down, "
        "coalesce(sum(m.prompt_tokens), 0) as prompt_tokens, "
        "coalesce(sum(m.completion_tokens), 0) as completion_tokens, "
        "percentile_cont(0.5) within group (order by (m.latency_ms->>'total')::float) as latency_p50_ms, "
        "percentile_cont(0.95) within group (order by (m.latency_ms->>'total')::float) as latency_p95_ms "
        "from workspaces w left join chat_messages m on m.workspace_id = w.id and m.role = 'assistant' "
        "and m.created_at > now() - make_interval(days => :days) "
        "group by w.id order by messages desc, w.name"
    ), {"days": max(1, min(days, 365))})).mappings().all()
    return {"items": [dict(r) for r in rows]}


@router.get("/audit", response_model=AuditList)
async def audit_log(_: AdminUser, session: SessionDep, limit: int = Query(50, ge=1, le=500),
                    before: datetime | None = None, workspace_id: uuid.UUID | None = None,
                    action: str | None = Query(None, max_length=80)):
    """The audit log, newest first; page with `before` (the last entry's created_at)."""
    rows = await audit.recent(session=session, limit=limit, before=before, workspace_id=workspace_id, action=action)
    return {"items": rows}
