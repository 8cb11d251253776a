"""Prompt management: immutable versions with model settings, labels (platform and per workspace), and the
versions each answer used (chat_messages.prompt_versions)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 00:00:00+00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_IMMUTABLE = ("""
CREATE FUNCTION prompt_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'prompt versions are immutable: save a new version instead';
END $$""", """
CREATE TRIGGER prompt_versions_immutable BEFORE UPDATE ON prompt_versions
  FOR EACH ROW EXECUTE FUNCTION prompt_versions_immutable()""")


def upgrade() -> None:
    op.add_column("prompt_versions", sa.Column("model", sa.String(200)))
    op.add_column("prompt_versions", sa.Column("temperature", sa.Float))
    op.add_column("prompt_versions", sa.Column("max_tokens", sa.Integer))
    op.add_column("prompt_versions", sa.Column("builtin", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "prompt_labels",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("prompt_id", UUID(as_uuid=True), sa.ForeignKey("prompts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("workspace_id", UUID(as_uuid=True), sa.ForeignKey("workspaces.id", ondelete="CASCADE")),
        sa.Column("label", sa.String(32), nullable=False),
        sa.Column("version_id", UUID(as_uuid=True), sa.ForeignKey("prompt_versions.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("previous_version_id", UUID(as_uuid=True),
                  sa.ForeignKey("prompt_versions.id", ondelete="SET NULL")),
        sa.Column("updated_by", UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("label in ('production','staging')", name="ck_prompt_label"),
    )
    op.create_index("uq_prompt_label_platform", "prompt_labels", ["prompt_id", "label"], unique=True,
                    postgresql_where=sa.text("workspace_id is null"))
    op.create_index("uq_prompt_label_workspace", "prompt_labels", ["prompt_id", "workspace_id", "label"], unique=True,
                    postgresql_where=sa.text("workspace_id is not null"))
    # What was active becomes the platform's production label.
    op.execute("INSERT INTO prompt_labels (id, prompt_id, label, version_id) "
               "SELECT gen_random_uuid(), id, 'production', active_version_id FROM prompts "
               "WHERE active_version_id IS NOT NULL")
    op.drop_constraint("fk_prompts_active_version", "prompts", type_="foreignkey")
    op.drop_column("prompts", "active_version_id")
    for statement in _IMMUTABLE:
        op.execute(statement)
    op.add_column("chat_messages", sa.Column("prompt_versions", JSONB, nullable=False, server_default="{}"))


def downgrade() -> None:
    op.drop_column("chat_messages", "prompt_versions")
    op.execute("DROP TRIGGER prompt_versions_immutable ON prompt_versions")
    op.execute("DROP FUNCTION prompt_versions_immutable()")
    op.add_column("prompts", sa.Column("active_version_id", UUID(as_uuid=True)))
    op.create_foreign_key("fk_prompts_active_version", "prompts", "prompt_versions", ["active_version_id"], ["id"],
                          ondelete="SET NULL")
    op.execute("UPDATE prompts p SET active_version_id = l.version_id FROM prompt_labels l "
               "WHERE l.prompt_id = p.id AND l.workspace_id IS NULL AND l.label = 'production'")
    op.drop_table("prompt_labels")
    for column in ("builtin", "max_tokens", "temperature", "model"):
        op.drop_column("prompt_versions", column)
