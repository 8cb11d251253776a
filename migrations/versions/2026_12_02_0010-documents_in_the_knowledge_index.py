"""Documents in the knowledge index: uploaded files, their pieces beside the FAQ chunks, and their summaries

The unused `documents` / `document_chunks` tables of 0001 did not fit the hybrid index (no lexemes, no BM25,
no USE rows, one embedding column of their own). They are reshaped:
- `documents` describes an upload (type, content hash, version, status, pages); `document_files` holds its
  bytes and the extracted text units (page / section), read by the indexing job and the preview;
- a document's pieces live in `knowledge_chunks` (kind 'document', entry_id NULL, document_id / page / section
  set, the two rows of a piece sharing `piece_id`), so the one search statement, the lexicon triggers and the
  HNSW indexes cover them; `unit_id` (the entry, or the piece) is what the search ranks;
- `document_summaries` keeps every summary with its parameters and prompt version.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-02 00:00:00+00:00
"""
from collections.abc import Sequence

import pgvector.sqlalchemy
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0010"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXED_DIMS = (384, 1536)


def _uuid(name: str, *args, **kw) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), *args, **kw)


def _created() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)


def upgrade() -> None:
    for dim in INDEXED_DIMS:
        op.execute(f"DROP INDEX IF EXISTS ix_doc_chunks_hnsw_{dim}")
    op.drop_table("document_chunks")
    op.drop_table("documents")
    op.create_table(
        "documents",
        _uuid("id", primary_key=True),
        _uuid("workspace_id", sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("file_type", sa.String(16), nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("status", sa.String(16), nullable=False, server_default="queued"),
        sa.Column("error", sa.Text),
        sa.Column("page_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("piece_count", sa.Integer, nullable=False, server_default="0"),
        _uuid("job_id", sa.ForeignKey("jobs.id", ondelete="SET NULL")),
        _uuid("created_by", sa.ForeignKey("users.id", ondelete="SET NULL")),
        _created(),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.UniqueConstraint("workspace_id", "content_hash", name="uq_document_ws_hash"),
        sa.CheckConstraint("status in ('queued','indexing','ready','failed')", name="ck_document_status"),
    )
    op.create_index("ix_documents_ws_created", "documents", ["workspace_id", "created_at"])
    op.create_table(
        "document_files",
        _uuid("document_id", sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
        _uuid("workspace_id", sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("units", JSONB, nullable=False, server_default="[]"),
    )
    op.create_table(
        "document_summaries",
        _uuid("id", primary_key=True),
        _uuid("workspace_id", sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
        _uuid("document_id", sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("document_version", sa.Integer, nullable=False),
        sa.Column("length", sa.String(8), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("focus", sa.Text),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("provider", sa.String(50)),
        sa.Column("model", sa.String(200)),
        _uuid("prompt_version_id", sa.ForeignKey("prompt_versions.id", ondelete="SET NULL")),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("content", sa.Text, nullable=False, server_default=""),
        sa.Column("citations", JSONB, nullable=False, server_default="[]"),
        sa.Column("latency_ms", JSONB, nullable=False, server_default="{}"),
        sa.Column("prompt_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("completion_tokens", sa.Integer, nullable=False, server_default="0"),
        _uuid("created_by", sa.ForeignKey("users.id", ondelete="SET NULL")),
        _created(),
        sa.CheckConstraint("status in ('complete','interrupted','failed')", name="ck_summary_status"),
    )
    op.create_index("ix_summaries_ws_doc_created", "document_summaries", ["workspace_id", "document_id", "created_at"])

    op.alter_column("knowledge_chunks", "entry_id", nullable=True)
    op.add_column("knowledge_chunks", _uuid("document_id", sa.ForeignKey("documents.id", ondelete="CASCADE")))
    op.add_column("knowledge_chunks", _uuid("piece_id"))
    op.add_column("knowledge_chunks", sa.Column("page", sa.Integer))
    op.add_column("knowledge_chunks", sa.Column("section", sa.Text))
    op.execute("ALTER TABLE knowledge_chunks ADD COLUMN unit_id uuid "
               "GENERATED ALWAYS AS (coalesce(entry_id, piece_id)) STORED")
    op.drop_constraint("ck_chunk_kind", "knowledge_chunks")
    op.create_check_constraint("ck_chunk_kind", "knowledge_chunks", "kind in ('question','answer','alias','document')")
    op.create_check_constraint("ck_chunk_owner", "knowledge_chunks",
                               "(entry_id IS NULL) <> (document_id IS NULL) AND (document_id IS NULL) = (piece_id IS NULL)")
    op.create_index("ix_chunks_ws_unit", "knowledge_chunks", ["workspace_id", "unit_id"])
    op.create_index("ix_chunks_ws_document", "knowledge_chunks", ["workspace_id", "document_id"],
                    postgresql_where=sa.text("document_id IS NOT NULL"))


def downgrade() -> None:
    op.execute("DELETE FROM knowledge_chunks WHERE document_id IS NOT NULL")
    op.drop_index("ix_chunks_ws_document", table_name="knowledge_chunks")
    op.drop_index("ix_chunks_ws_unit", table_name="knowledge_chunks")
    op.drop_constraint("ck_chunk_owner", "knowledge_chunks")
    op.drop_constraint("ck_chunk_kind", "knowledge_chunks")
    op.create_check_constraint("ck_chunk_kind", "knowledge_chunks", "kind in ('question','answer','alias')")
    for column in ("unit_id", "section", "page", "piece_id", "document_id"):
        op.drop_column("knowledge_chunks", column)
    op.alter_column("knowledge_chunks", "entry_id", nullable=False)
    op.drop_index("ix_summaries_ws_doc_created", table_name="document_summaries")
    op.drop_table("document_summaries")
    op.drop_table("document_files")
    op.drop_index("ix_documents_ws_created", table_name="documents")
    op.drop_table("documents")
    op.create_table(
        "documents",
        _uuid("id", primary_key=True),
        _uuid("workspace_id", sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("summary", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        _uuid("created_by", sa.ForeignKey("users.id", ondelete="SET NULL")),
        _created(),
    )
    op.create_index("ix_documents_ws_created", "documents", ["workspace_id", "created_at"])
    op.create_table(
        "document_chunks",
        _uuid("id", primary_key=True),
        _uuid("workspace_id", sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
        _uuid("document_id", sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("ord", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("embedding", pgvector.sqlalchemy.vector.VECTOR(), nullable=True),
        sa.Column("embedding_dim", sa.Integer),
    )
    op.create_index("ix_doc_chunks_ws_doc", "document_chunks", ["workspace_id", "document_id"])
    for dim in INDEXED_DIMS:
        op.execute(f"CREATE INDEX ix_doc_chunks_hnsw_{dim} ON document_chunks USING hnsw "
                   f"((embedding::vector({dim})) vector_cosine_ops) WHERE embedding_dim = {dim}")
