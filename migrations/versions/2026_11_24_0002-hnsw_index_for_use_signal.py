"""HNSW index for the 512-dim USE signal rows (the refusal's nearest-neighbour lookup)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 15:30:00+00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX ix_chunks_hnsw_512 ON knowledge_chunks USING hnsw "
        "((embedding::vector(512)) vector_cosine_ops) WHERE embedding_dim = 512"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_chunks_hnsw_512")
