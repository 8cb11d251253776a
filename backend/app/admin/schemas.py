import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field


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


# ---- dashboard -------------------------------------------------------------------------------------------

class Percentiles(BaseModel):
    p50: float | None  # milliseconds, interpolated (percentile_cont)
    p95: float | None


class LatencyRead(BaseModel):
    retrieval: Percentiles
    first_token: Percentiles
    total: Percentiles


class DashboardTotals(BaseModel):
    questions: int
    active_users: int  # distinct users who asked something in the period
    answers: int
    refusals: int
    refusal_rate: float | None  # refusals / answers
    followups_offered: int  # answers that offered follow-up questions
    followup_clicks: int  # questions sent by clicking a follow-up
    followup_click_rate: float | None  # clicks / answers that offered follow-ups
    feedback_up: int
    feedback_down: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float


class DashboardDay(BaseModel):
    day: date
    questions: int
    active_users: int
    followup_clicks: int
    answers: int
    refusals: int
    feedback_up: int
    feedback_down: int
    prompt_tokens: int
    completion_tokens: int
    latency_total: Percentiles


class ModelUsage(BaseModel):
    model: str  # as answers record it (chat_messages.provider)
    answers: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None  # None: no price listed for this model


class PromptVersionUsage(BaseModel):
    prompt_version_id: uuid.UUID | None  # None: answers without a prompt (extractive, refusals)
    prompt_key: str | None
    version: int | None
    answers: int
    refusals: int
    refusal_rate: float | None
    feedback_up: int
    feedback_down: int


class DashboardRead(BaseModel):
    workspace_id: uuid.UUID | None  # None: every workspace
    start: date
    end: date  # inclusive; days are UTC
    totals: DashboardTotals
    latency: LatencyRead
    days: list[DashboardDay]
    models: list[ModelUsage]
    prompt_versions: list[PromptVersionUsage]


class ModelPriceRead(BaseModel):
    model_config = {"from_attributes": True}
    model: str
    input_usd_per_mtok: float
    output_usd_per_mtok: float


class ModelPriceList(BaseModel):
    items: list[ModelPriceRead]


class ModelPriceUpdate(BaseModel):
    input_usd_per_mtok: float = Field(ge=0, le=100_000)
    output_usd_per_mtok: float = Field(ge=0, le=100_000)


# ---- review queue ----------------------------------------------------------------------------------------

class ReviewSource(BaseModel):
    entry_id: str
    question: str
    category: str | None = None


class ReviewFollowup(BaseModel):
    question: str
    entry_id: str | None = None


class ReviewItem(BaseModel):
    message_id: uuid.UUID
    created_at: datetime
    question: str  # what the user asked
    standalone_query: str | None  # the question as understood in context
    answer: str
    refused: bool
    feedback: int | None
    sources: list[ReviewSource]
    followups: list[ReviewFollowup]


class ReviewList(BaseModel):
    items: list[ReviewItem]


class AliasCreate(BaseModel):
    entry_id: uuid.UUID


class AliasAdded(BaseModel):
    entry_id: uuid.UUID
    alias: str
    added: bool  # False: the entry already had it (or it is the entry's own question)


# ---- quotas ----------------------------------------------------------------------------------------------

class QuotaUpdate(BaseModel):
    messages_per_day: int | None = Field(None, ge=0, le=10_000_000)  # None: unlimited
    tokens_per_month: int | None = Field(None, ge=0, le=10**13)


class QuotaRead(BaseModel):
    workspace_id: uuid.UUID
    messages_per_day: int | None
    tokens_per_month: int | None
    messages_today: int  # questions asked since 00:00 UTC
    tokens_this_month: int  # prompt + completion tokens since the 1st, 00:00 UTC
    day_resets_at: datetime
    month_resets_at: datetime


# ---- users -----------------------------------------------------------------------------------------------

class AdminUserUpdate(BaseModel):
    is_active: bool


class PasswordResetIssued(BaseModel):
    user_id: uuid.UUID
    token: str  # shown once; only its hash is kept
    reset_path: str  # the SPA page that takes the token (its fragment, never sent to a server)
    expires_at: datetime
