"""Document templates (immutable versions with fields, sections and an optional .docx/.hwpx layout) and the
documents generated from them, with their revisions

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 00:00:00+00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ws() -> sa.Column:
    return sa.Column("workspace_id", sa.UUID(), sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)


def _user(name: str = "created_by") -> sa.Column:
    return sa.Column(name, sa.UUID(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


def _at(name: str = "created_at") -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "doc_templates",
        sa.Column("id", sa.UUID(), primary_key=True), _ws(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        _user(), _at(), _at("updated_at"),
    )
    op.create_index("ix_doc_templates_ws_name", "doc_templates", ["workspace_id", "name"])
    op.create_table(
        "doc_template_versions",
        sa.Column("id", sa.UUID(), primary_key=True), _ws(),
        sa.Column("template_id", sa.UUID(), sa.ForeignKey("doc_templates.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fields", JSONB(), nullable=False),
        sa.Column("sections", JSONB(), nullable=False),
        sa.Column("layout_kind", sa.String(8), nullable=True),
        sa.Column("layout_filename", sa.String(255), nullable=True),
        sa.Column("layout", sa.LargeBinary(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        _user(), _at(),
        sa.UniqueConstraint("template_id", "version", name="uq_doc_template_version"),
    )
    op.create_index("ix_doc_template_versions_ws_template", "doc_template_versions", ["workspace_id", "template_id"])
    op.create_table(
        "generated_documents",
        sa.Column("id", sa.UUID(), primary_key=True), _ws(),
        sa.Column("template_id", sa.UUID(), sa.ForeignKey("doc_templates.id", ondelete="SET NULL"), nullable=True),
        sa.Column("template_version_id", sa.UUID(),
                  sa.ForeignKey("doc_template_versions.id", ondelete="SET NULL"), nullable=True),
        sa.Column("template_name", sa.String(200), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("values", JSONB(), nullable=False),
        sa.Column("sections", JSONB(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        _user(), _at(), _at("updated_at"),
    )
    op.create_index("ix_generated_documents_ws_created", "generated_documents", ["workspace_id", "created_at"])
    op.create_table(
        "generated_document_revisions",
        sa.Column("id", sa.UUID(), primary_key=True), _ws(),
        sa.Column("document_id", sa.UUID(), sa.ForeignKey("generated_documents.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("sections", JSONB(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _at(),
    )
    op.create_index("ix_generated_document_revisions_ws_doc", "generated_document_revisions",
                    ["workspace_id", "document_id", "revision"])


def downgrade() -> None:
    op.drop_table("generated_document_revisions")
    op.drop_table("generated_documents")
    op.drop_table("doc_template_versions")
    op.drop_table("doc_templates")
