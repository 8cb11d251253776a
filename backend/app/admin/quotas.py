"""Per-workspace quotas (questions a day, tokens a month), set by platform admins and checked before any model
call: past a limit a chat message gets 429 `quota_exceeded` with Retry-After (the next UTC day or month).

The counts are read from chat_messages through the (workspace_id, role, created_at) index, so they need no
counter kept beside them; two messages racing at the very limit may both pass (the quota is a budget, not a lock).
"""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin import audit
from app.admin.models import WorkspaceQuota
from app.admin.schemas import QuotaRead, QuotaUpdate
from app.core.db import read
from app.core.errors import AppError, NotFound
from app.models import Workspace

_USAGE = """
select q.messages_per_day, q.tokens_per_month,
       case when :all or q.messages_per_day is not null then
         (select count(*) from chat_messages m
          where m.workspace_id = w.id and m.role = 'user' and m.created_at >= :day) else 0 end as messages_today,
       case when :all or q.tokens_per_month is not null then
         (select coalesce(sum(m.prompt_tokens + m.completion_tokens), 0) from chat_messages m
          where m.workspace_id = w.id and m.role = 'assistant' and m.created_at >= :month) else 0 end as tokens_month
from workspaces w left join workspace_quotas q on q.workspace_id = w.id
where w.id = :ws
"""


def _bounds(now: datetime) -> tuple[datetime, datetime, datetime, datetime]:
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month = day.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    return day, day + timedelta(days=1), month, next_month


async def _usage(ws_id: uuid.UUID, *, counts_always: bool, session: AsyncSession | None = None) -> QuotaRead | None:
    day, next_day, month, next_month = _bounds(datetime.now(UTC))
    params = {"ws": ws_id, "day": day, "month": month, "all": counts_always}
    # Inside a request that already holds a connection, reuse it: a second one per request deadlocks the pool
    # when a burst of requests each hold one and wait for another.
    result = await session.execute(text(_USAGE), params) if session is not None else await read(text(_USAGE), params)
    row = result.mappings().first()
    if row is None:
        return None
    return QuotaRead(workspace_id=ws_id, messages_per_day=row["messages_per_day"],
                     tokens_per_month=row["tokens_per_month"], messages_today=row["messages_today"],
                     tokens_this_month=row["tokens_month"], day_resets_at=next_day, month_resets_at=next_month)


async def usage(*, ws_id: uuid.UUID) -> QuotaRead:
    """A workspace's quota and what it has used of it."""
    out = await _usage(ws_id, counts_always=True)
    if out is None:
        raise NotFound("Workspace not found.")
    return out


async def check(*, ws_id: uuid.UUID, session: AsyncSession | None = None) -> None:
    """Raise 429 quota_exceeded when the workspace has used up a quota (before any model call)."""
    q = await _usage(ws_id, counts_always=False, session=session)
    if q is None:
        return
    now = datetime.now(UTC)
    if q.messages_per_day is not None and q.messages_today >= q.messages_per_day:
        raise AppError(f"이 워크스페이스는 오늘 질문 한도({q.messages_per_day}건)를 모두 사용했습니다. "
                       "내일 다시 이용해 주세요.", code="quota_exceeded", status_code=429
                       ).come_back_in(int((q.day_resets_at - now).total_seconds()) + 1)
    if q.tokens_per_month is not None and q.tokens_this_month >= q.tokens_per_month:
        raise AppError("이 워크스페이스는 이번 달 토큰 한도를 모두 사용했습니다. 다음 달에 다시 이용해 주세요.",
                       code="quota_exceeded", status_code=429
                       ).come_back_in(int((q.month_resets_at - now).total_seconds()) + 1)


async def set_quota(*, session: AsyncSession, ws_id: uuid.UUID, actor_id: uuid.UUID, body: QuotaUpdate) -> QuotaRead:
    """Set (or lift, with nulls) a workspace's quota; audited."""
    if await session.get(Workspace, ws_id) is None:
        raise NotFound("Workspace not found.")
    row = await session.get(WorkspaceQuota, ws_id)
    before = {"messages_per_day": row.messages_per_day, "tokens_per_month": row.tokens_per_month} if row else {}
    if row is None:
        row = WorkspaceQuota(workspace_id=ws_id)
        session.add(row)
    row.messages_per_day, row.tokens_per_month, row.updated_by = body.messages_per_day, body.tokens_per_month, actor_id
    audit.record(session, actor_id=actor_id, action="quota.set", workspace_id=ws_id, target_type="workspace",
                 target_id=ws_id, detail={"before": before, "after": body.model_dump()})
    await session.commit()
    return await usage(ws_id=ws_id)
