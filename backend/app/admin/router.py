"""Platform-admin views: users, workspaces, usage, the platform dashboard, model prices, quotas."""

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import select, text

from app.admin import audit, dashboard, quotas
from app.admin.models import ModelPrice
from app.admin.schemas import (
    AdminUserList,
    AdminUserRead,
    AdminUserUpdate,
    AdminWorkspaceList,
    AuditList,
    DashboardRead,
    ModelPriceList,
    ModelPriceRead,
    ModelPriceUpdate,
    PasswordResetIssued,
    QuotaRead,
    QuotaUpdate,
    UsageList,
)
from app.core.db import SessionDep
from app.core.deps import AdminUser
from app.core.errors import AppError, error_responses
from app.core.types import SafeStr
from app.users import service as users

router = APIRouter(prefix="/admin", tags=["admin"])


_USERS = ("select u.id, u.email, u.name, u.is_admin, u.is_active, u.created_at, count(m.workspace_id) as workspaces "
          "from users u left join memberships m on m.user_id = u.id {where} group by u.id order by u.created_at")


@router.get("/users", response_model=AdminUserList)
async def list_users(_: AdminUser, session: SessionDep):
    """Every user with their workspace count."""
    rows = (await session.execute(text(_USERS.format(where="")))).mappings().all()
    return {"items": [dict(r) for r in rows]}


@router.patch("/users/{user_id}", response_model=AdminUserRead, responses=error_responses(404, 409))
async def update_user(user_id: uuid.UUID, body: AdminUserUpdate, admin: AdminUser, session: SessionDep):
    """Disable (their tokens stop working at once) or enable an account; audited."""
    await users.set_active(session=session, admin=admin, user_id=user_id, active=body.is_active)
    return (await session.execute(text(_USERS.format(where="where u.id = :id")), {"id": user_id})).mappings().one()


@router.post("/users/{user_id}/password-reset", response_model=PasswordResetIssued, status_code=201,
             responses=error_responses(404))
async def reset_password(user_id: uuid.UUID, admin: AdminUser, session: SessionDep):
    """Issue a one-time password reset link for a user (shown once; no mail is sent); audited."""
    token, expires = await users.issue_reset(session=session, admin=admin, user_id=user_id)
    return PasswordResetIssued(user_id=user_id, token=token, reset_path=f"/reset-password#{token}", expires_at=expires)


@router.get("/dashboard", response_model=DashboardRead, responses=error_responses(400))
async def platform_dashboard(_: AdminUser, start: date | None = None, end: date | None = None):
    """Usage and quality over every workspace from `start` to `end` (UTC days, inclusive; default the last 30)."""
    start, end = dashboard.period(start, end)
    return await dashboard.dashboard(ws_id=None, start=start, end=end)


@router.get("/model-prices", response_model=ModelPriceList)
async def model_prices(_: AdminUser, session: SessionDep):
    """What a million tokens cost per model, as the dashboard's cost estimate uses them."""
    return {"items": list(await session.scalars(select(ModelPrice).order_by(ModelPrice.model)))}


@router.put("/model-prices/{model}", response_model=ModelPriceRead)
async def set_model_price(model: Annotated[SafeStr, Path(min_length=1, max_length=100)], body: ModelPriceUpdate,
                          admin: AdminUser, session: SessionDep):
    """Set a model's prices (USD per million input and output tokens); audited."""
    model = model.strip()
    if not model:
        raise AppError("A model name is required.", code="bad_model")
    row = await session.get(ModelPrice, model) or ModelPrice(model=model)
    row.input_usd_per_mtok, row.output_usd_per_mtok = body.input_usd_per_mtok, body.output_usd_per_mtok
    session.add(row)
    audit.record(session, actor_id=admin.id, action="price.set", target_type="model", target_id=model,
                 detail=body.model_dump())
    await session.commit()
    return row


@router.get("/workspaces/{workspace_id}/quota", response_model=QuotaRead, responses=error_responses(404))
async def get_quota(workspace_id: uuid.UUID, _: AdminUser):
    """A workspace's quota and usage."""
    return await quotas.usage(ws_id=workspace_id)


@router.put("/workspaces/{workspace_id}/quota", response_model=QuotaRead, responses=error_responses(404))
async def set_quota(workspace_id: uuid.UUID, body: QuotaUpdate, admin: AdminUser, session: SessionDep):
    """Set a workspace's questions a day and tokens a month (null: unlimited); audited."""
    return await quotas.set_quota(session=session, ws_id=workspace_id, actor_id=admin.id, body=body)


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
