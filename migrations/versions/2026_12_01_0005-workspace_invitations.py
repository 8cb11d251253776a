"""Workspace invitations: adding a member is an invitation the person accepts

An owner invites an email; the invitee sees it under GET /invitations and accepts (a membership is made) or
declines. Nothing about the invitation says whether the email belongs to a registered user.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:00:00+00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workspace_invitations",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("workspace_id", sa.UUID(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("invited_by", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role in ('owner','editor','member')", name="ck_invitation_role"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invited_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "email", name="uq_invitation_workspace_email"),
    )
    op.create_index("ix_invitations_email", "workspace_invitations", ["email"])


def downgrade() -> None:
    op.drop_index("ix_invitations_email", table_name="workspace_invitations")
    op.drop_table("workspace_invitations")
