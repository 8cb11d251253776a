"""Dashboard, quotas and users: follow-up clicks on questions, dashboard indexes, model prices, workspace quotas,
invite-link tokens and password resets

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 00:00:00+00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What a million tokens cost, by the name answers record in chat_messages.provider (admins edit them).
PRICES = [("openai", 0.15, 0.60), ("ollama", 0, 0), ("extractive", 0, 0), ("refusal", 0, 0)]


def upgrade() -> None:
    # The follow-up a question was sent by clicking (no foreign key: the click stays counted if the entry goes).
    op.add_column("chat_messages", sa.Column("followup_entry_id", UUID(as_uuid=True)))
    # The dashboard and the quota check read a workspace's messages of one role over a period.
    op.create_index("ix_messages_ws_role_created", "chat_messages", ["workspace_id", "role", "created_at"],
                    postgresql_include=["prompt_tokens", "completion_tokens"])
    op.create_index("ix_messages_role_created", "chat_messages", ["role", "created_at"])
    op.create_table(
        "model_prices",
        sa.Column("model", sa.String(100), primary_key=True),
        sa.Column("input_usd_per_mtok", sa.Numeric(12, 4), nullable=False, server_default="0"),
        sa.Column("output_usd_per_mtok", sa.Numeric(12, 4), nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.bulk_insert(sa.table("model_prices", sa.column("model", sa.String), sa.column("input_usd_per_mtok", sa.Numeric),
                            sa.column("output_usd_per_mtok", sa.Numeric)),
                   [{"model": m, "input_usd_per_mtok": i, "output_usd_per_mtok": o} for m, i, o in PRICES])
    op.create_table(
        "workspace_quotas",
        sa.Column("workspace_id", UUID(as_uuid=True), sa.ForeignKey("workspaces.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("messages_per_day", sa.Integer),
        sa.Column("tokens_per_month", sa.BigInteger),
        sa.Column("updated_by", UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("messages_per_day >= 0 and tokens_per_month >= 0", name="ck_quota_nonnegative"),
    )
    op.add_column("workspace_invitations", sa.Column("token_hash", sa.String(64)))
    op.create_unique_constraint("uq_invitation_token", "workspace_invitations", ["token_hash"])
    op.create_table(
        "password_resets",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("user_id", UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_by", UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("password_resets")
    op.drop_constraint("uq_invitation_token", "workspace_invitations")
    op.drop_column("workspace_invitations", "token_hash")
    op.drop_table("workspace_quotas")
    op.drop_table("model_prices")
    op.drop_index("ix_messages_role_created", "chat_messages")
    op.drop_index("ix_messages_ws_role_created", "chat_messages")
    op.drop_column("chat_messages", "followup_entry_id")
