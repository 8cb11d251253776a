"""Tables of the templates domain (imported by app.models so alembic and the app see them)."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, _created, _id, _ws_fk


class DocTemplate(Base):
    """A workspace's document template; its definition lives in immutable versions, the newest is current."""

    __tablename__ = "doc_templates"
    id: Mapped[uuid.UUID] = _id()
    workspace_id: Mapped[uuid.UUID] = _ws_fk()
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    current_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    __table_args__ = (Index("ix_doc_templates_ws_name", "workspace_id", "name"),)


class DocTemplateVersion(Base):
    """One immutable definition of a template: fields, sections and the uploaded layout file, if any."""

    __tablename__ = "doc_template_versions"
    id: Mapped[uuid.UUID] = _id()
    workspace_id: Mapped[uuid.UUID] = _ws_fk()
    template_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("doc_templates.id", ondelete="CASCADE"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    fields: Mapped[list] = mapped_column(JSONB, nullable=False, default=list)
    sections: Mapped[list] = mapped_column(JSONB, nullable=False, default=list)
    layout_kind: Mapped[str | None] = mapped_column(String(8))  # docx | hwpx
    layout_filename: Mapped[str | None] = mapped_column(String(255))
    layout = mapped_column(LargeBinary, nullable=True)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _created()
    __table_args__ = (UniqueConstraint("template_id", "version", name="uq_doc_template_version"),
                      Index("ix_doc_template_versions_ws_template", "workspace_id", "template_id"))


class GeneratedDocument(Base):
    """A document generated from a template version: field values, sections with their sources, edits."""

    __tablename__ = "generated_documents"
    id: Mapped[uuid.UUID] = _id()
    workspace_id: Mapped[uuid.UUID] = _ws_fk()
    # A deleted template leaves its documents readable and exportable (without the layout).
    template_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("doc_templates.id", ondelete="SET NULL"))
    template_version_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("doc_template_versions.id", ondelete="SET NULL"))
    template_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    template_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    values: Mapped[dict] = mapped_column(JSONB, nullable=False, default=dict)
    sections: Mapped[list] = mapped_column(JSONB, nullable=False, default=list)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="generating")
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    __table_args__ = (Index("ix_generated_documents_ws_created", "workspace_id", "created_at"),)


class GeneratedDocumentRevision(Base):
    """The sections of a generated document as they were before an edit or a re-generation."""

    __tablename__ = "generated_document_revisions"
    id: Mapped[uuid.UUID] = _id()
    workspace_id: Mapped[uuid.UUID] = _ws_fk()
    document_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("generated_documents.id", ondelete="CASCADE"), nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    sections: Mapped[list] = mapped_column(JSONB, nullable=False, default=list)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = _created()
    __table_args__ = (Index("ix_generated_document_revisions_ws_doc", "workspace_id", "document_id", "revision"),)
