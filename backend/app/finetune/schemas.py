import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.jobs.schemas import JobRead


class AdapterParams(BaseModel):
    """Hyper-parameters of a retrieval adapter (defaults: app.finetune.jobs.DEFAULTS)."""

    rank: int = Field(16, ge=1, le=384)
    epochs: int = Field(10, ge=1, le=200)
    lr: float = Field(0.001, gt=0, le=1)
    tau: float = Field(0.05, gt=0, le=1)
    decay: float = Field(0.001, ge=0, le=1)
    batch: int = Field(128, ge=8, le=1024)
    holdout_pct: int = Field(20, ge=2, le=60)
    sentences_per_entry: int = Field(1, ge=0, le=10)
    patience: int = Field(3, ge=1, le=50)
    min_gain: float = Field(0.005, ge=-1, le=1)  # below 0: activate whatever the result
    # "never" by default: on the SmartStore FAQ a held-out gain on pseudo-queries came with a loss on real
    # questions (docs/benchmarks.md), so a person decides after `make eval`
    activate: Literal["if_better", "never"] = "never"
    seed: int = Field(0, ge=0, le=2**31)


class ChatParams(BaseModel):
    """A chat-model fine-tuning job's options (the API's own defaults when left out)."""

    base_model: str = Field("gpt-4o-mini-2024-07-18", min_length=1, max_length=200)
    n_epochs: int | None = Field(None, ge=1, le=50)
    batch_size: int | None = Field(None, ge=1, le=256)
    learning_rate_multiplier: float | None = Field(None, gt=0, le=10)
    suffix: str | None = Field(None, max_length=40, pattern=r"^[a-zA-Z0-9_-]*$")
    poll_s: float = Field(30.0, ge=0.05, le=3600)


class FinetuneCreate(BaseModel):
    kind: Literal["adapter", "openai"]
    adapter: AdapterParams = Field(default_factory=AdapterParams)
    chat: ChatParams = Field(default_factory=ChatParams)


class MetricRead(BaseModel):
    step: int
    train_loss: float | None
    val_loss: float | None
    hit_at_1: float | None
    mrr: float | None


class EventRead(BaseModel):
    id: int
    level: str
    message: str
    created_at: datetime


class FinetuneJobRead(BaseModel):
    job: JobRead
    stage: str | None
    params: dict
    metrics: list[MetricRead]
    events: list[EventRead]


class FinetuneJobList(BaseModel):
    items: list[JobRead]


class AdapterRead(BaseModel):
    id: uuid.UUID
    version: int
    name: str  # in the model catalogue
    base_provider: str
    base_model: str
    rank: int
    active: bool
    report: dict
    job_id: uuid.UUID | None
    created_at: datetime
    activated_at: datetime | None


class AdapterList(BaseModel):
    items: list[AdapterRead]
    active_id: uuid.UUID | None


class RollbackRead(BaseModel):
    active: AdapterRead | None  # None: the plain embedding model again


class PseudoQueryRead(BaseModel):
    text: str
    entry_id: uuid.UUID
    source: str
    split: str


class DatasetPreview(BaseModel):
    total: int
    counts: dict[str, dict[str, int]]
    items: list[PseudoQueryRead]


class ValidationErrorRead(BaseModel):
    line: int
    error: str
    message: str


class ChatDatasetReport(BaseModel):
    examples: int
    errors: list[ValidationErrorRead]
    stats: dict


class ChatModelRead(BaseModel):
    provider: str
    name: str
    base_model: str
    job_id: uuid.UUID | None
    created_at: datetime


class ChatModelList(BaseModel):
    items: list[ChatModelRead]


class DatasetFile(BaseModel):
    """A JSON Lines file to save (the SPA offers `content` as a download named `filename`)."""

    filename: str
    lines: int
    content: str
