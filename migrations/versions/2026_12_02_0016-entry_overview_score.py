"""Knowledge entries carry an overview score (knowledge_entries.overview): how much an entry reads as the
help centre's guide to a whole task, derived from the knowledge's structure at import (knowledge/structure.py)

Revision ID: 0016
Revises: 0006
Create Date: 2026-12-02 00:00:00+00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # 0 until the workspace's structure is computed: the importer does it after every import, and the
    # `make eval --reuse` path (an idempotent step) for workspaces imported before this revision.
    op.add_column("knowledge_entries", sa.Column("overview", sa.Float(), nullable=False, server_default="0"))
    op.add_column("knowledge_entries", sa.Column("siblings", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column("knowledge_entries", "siblings")
    op.drop_column("knowledge_entries", "overview")
