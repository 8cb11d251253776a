"""Follow-ups from the knowledge's structure and from use: knowledge_entries.position (the entry's place in
its source file, which groups entries by task) and followup_stats (clicks on follow-ups, and answers rated up
after one, per pair of entries)

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-02 00:00:00+00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0015"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Entries imported before this revision keep no position (their file order is not known); a re-import sets it.
    op.add_column("knowledge_entries", sa.Column("position", sa.Integer(), nullable=True))
    op.create_index("ix_entries_ws_position", "knowledge_entries", ["workspace_id", "position"])
    op.create_table(
        "followup_stats",
        sa.Column("workspace_id", UUID(as_uuid=True), sa.ForeignKey("workspaces.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("from_entry_id", UUID(as_uuid=True), sa.ForeignKey("knowledge_entries.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("to_entry_id", UUID(as_uuid=True), sa.ForeignKey("knowledge_entries.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("clicks", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("upvotes", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("followup_stats")
    op.drop_index("ix_entries_ws_position", table_name="knowledge_entries")
    op.drop_column("knowledge_entries", "position")
