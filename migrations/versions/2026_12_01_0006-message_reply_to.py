"""An answer names the question it answers (chat_messages.reply_to_id), so concurrent messages in one
session keep their pairs

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 22:00:00+00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("chat_messages", sa.Column(
        "reply_to_id", UUID(as_uuid=True), sa.ForeignKey("chat_messages.id", ondelete="CASCADE"), nullable=True))
    # Existing answers: the question right before them in their session.
    op.execute("""
        UPDATE chat_messages a SET reply_to_id = (
            SELECT q.id FROM chat_messages q
            WHERE q.session_id = a.session_id AND q.role = 'user' AND q.created_at <= a.created_at
            ORDER BY q.created_at DESC LIMIT 1)
        WHERE a.role = 'assistant'
    """)


def downgrade() -> None:
    op.drop_column("chat_messages", "reply_to_id")
