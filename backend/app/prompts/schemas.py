import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.chat.schemas import FollowupRead, SourceRead
from app.core.types import SafeStr

Label = Literal["production", "staging"]


class PromptSummary(BaseModel):
    key: str
    description: str
    variables: list[str]  # the placeholders every version must use, e.g. ["question", "sources"]
    versions: int
    latest_version: int
    production_version: int | None  # the platform's production label
    staging_version: int | None
    overrides: int  # workspaces with a label of their own


class PromptList(BaseModel):
    items: list[PromptSummary]


class PromptVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    version: int
    template: str
    note: str
    model: str | None  # None: the workspace's (or the caller's) default
    temperature: float | None
    max_tokens: int | None
    builtin: bool  # the text of app/prompts/defaults.py
    created_by: uuid.UUID | None
    author: str | None = None  # the author's email (None for built-ins)
    created_at: datetime


class PromptLabelRead(BaseModel):
    label: Label
    workspace_id: uuid.UUID | None  # None: platform-wide; else that workspace's override
    workspace_name: str | None
    version: int
    previous_version: int | None  # where the label pointed before its last move (what roll back restores)
    updated_at: datetime
    updated_by: str | None


class PromptDetail(BaseModel):
    key: str
    description: str
    variables: list[str]
    versions: list[PromptVersionRead]  # newest first
    labels: list[PromptLabelRead]


class ModelSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: SafeStr | None = Field(None, min_length=1, max_length=200)
    temperature: float | None = Field(None, ge=0, le=2)
    max_tokens: int | None = Field(None, ge=1, le=8192)


class PromptVersionCreate(ModelSettings):
    template: SafeStr = Field(min_length=1, max_length=20000)
    note: SafeStr = Field("", max_length=500)


class LabelMove(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1, le=1_000_000)
    workspace_id: uuid.UUID | None = None  # None: the platform's label


class LabelScope(BaseModel):
    model_config = ConfigDict(extra="forbid")
    workspace_id: uuid.UUID | None = None


class PromptDiff(BaseModel):
    key: str
    old: PromptVersionRead
    new: PromptVersionRead
    changed: list[str]  # the fields that differ: template, model, temperature, max_tokens


class VersionStat(BaseModel):
    version_id: uuid.UUID
    version: int
    messages: int
    feedback_up: int
    feedback_down: int
    refusals: int
    refusal_rate: float | None


class PromptStats(BaseModel):
    key: str
    items: list[VersionStat]


class PlaygroundRun(BaseModel):
    model_config = ConfigDict(extra="forbid")
    workspace_id: uuid.UUID
    question: SafeStr = Field(min_length=1, max_length=2000)
    version: int | None = Field(None, ge=1, le=1_000_000)  # a stored version; with neither: the workspace's production
    draft: PromptVersionCreate | None = None  # unsaved text and settings


class PlaygroundResult(BaseModel):
    key: str
    version: int | None  # None: the draft
    prompt_used: bool  # False: this run never needed the prompt (e.g. no model configured: extractive answer)
    note: str | None  # why the prompt was not used
    answer: str
    refused: bool
    provider: str
    standalone_query: str
    sources: list[SourceRead]
    followups: list[FollowupRead]
    prompt_versions: dict[str, str]  # every prompt the run used ({key: version id}, "draft" for the draft)
    latency_ms: dict[str, float]  # retrieval, rewrite, rerank, first_token, total
