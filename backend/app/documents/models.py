"""The documents domain's tables (migration 0010). Their pieces are rows of `knowledge_chunks` (app.models)."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, _created, _id, _ws_fk

STATUSES = ("queued", "indexing", "ready", "failed")


class Document(Base):
    """An uploaded file: what it is, which version is current, and how far its indexing got."""

    __tablename__ = "documents"
    id: Mapped[uuid.UUID] = _id()
    workspace_id: Mapped[uuid.UUID] = _ws_fk()
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    title: Mapped[str] = mapped_column(String(255), nullable=False)
    file_type: Mapped[str] = mapped_column(String(16), nullable=False)  # pdf, docx, hwpx, hwp, xlsx, csv, ...
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)  # sha256 of the current version's bytes
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="queued", server_default="queued")
    error: Mapped[str | None] = mapped_column(Text)
    page_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    piece_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    job_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("jobs.id", ondelete="SET NULL"))
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False)
    __table_args__ = (
        UniqueConstraint("workspace_id", "content_hash", name="uq_document_ws_hash"),
        Index("ix_documents_ws_created", "workspace_id", "created_at"),
        CheckConstraint("status in ('queued','indexing','ready','failed')", name="ck_document_status"),
    )


class DocumentFile(Base):
    """The bytes of a document's current version and its extracted text units ({page, section, text})."""

    __tablename__ = "document_files"
    document_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    workspace_id: Mapped[uuid.UUID] = _ws_fk()
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    data = mapped_column(LargeBinary, nullable=False)
    units: Mapped[list] = mapped_column(JSONB, nullable=False, default=list, server_default="[]")


class DocumentSummary(Base):
    """One summary of a document, with the parameters and prompt version it was made with."""

    __tablename__ = "document_summaries"
    id: Mapped[uuid.UUID] = _id()
    workspace_id: Mapped[uuid.UUID] = _ws_fk()
    document_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)
    document_version: Mapped[int] = mapped_column(Integer, nullable=False)
    length: Mapped[str] = mapped_column(String(8), nullable=False)
    format: Mapped[str] = mapped_column(String(16), nullable=False)
    focus: Mapped[str | None] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(16), nullable=False)  # extractive, single_pass, refine
    provider: Mapped[str | None] = mapped_column(String(50))
    model: Mapped[str | None] = mapped_column(String(200))
    prompt_version_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("prompt_versions.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    citations: Mapped[list] = mapped_column(JSONB, nullable=False, default=list, server_default="[]")
    latency_ms: Mapped[dict] = mapped_column(JSONB, nullable=False, default=dict, server_default="{}")
    prompt_tokens: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    completion_tokens: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _created()
    __table_args__ = (
        Index("ix_summaries_ws_doc_created", "workspace_id", "document_id", "created_at"),
        CheckConstraint("status in ('complete','interrupted','failed')", name="ck_summary_status"),
    )
