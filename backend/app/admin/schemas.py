import uuid
from datetime import datetime

from pydantic import BaseModel


class AdminUserRead(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    is_admin: bool
    is_active: bool
    created_at: datetime
    workspaces: int


class AdminUserList(BaseModel):
    items: list[AdminUserRead]


class AdminWorkspaceRead(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    created_at: datetime
    members: int
    entries: int


class AdminWorkspaceList(BaseModel):
    items: list[AdminWorkspaceRead]


class UsageRow(BaseModel):
    workspace_id: uuid.UUID
    workspace_name: str
    messages: int
    refusals: int
    feedback_up: int
    feedback_down: int
    prompt_tokens: int
    completion_tokens: int
    latency_p50_ms: float | None
    latency_p95_ms: float | None


class UsageList(BaseModel):
    items: list[UsageRow]


class AuditEntryRead(BaseModel):
    model_config = {"from_attributes": True}

    id: uuid.UUID
    actor_id: uuid.UUID | None
    workspace_id: uuid.UUID | None
    action: str
    target_type: str
    target_id: str | None
    detail: dict
    created_at: datetime


class AuditList(BaseModel):
    items: list[AuditEntryRead]
