"""Every table of the service. Tenant tables carry `workspace_id` and indexes that lead on it."""

import uuid
from datetime import datetime

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Computed,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy import text as sql_text  # the chunk table has a column named text
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


def _id() -> Mapped[uuid.UUID]:
    return mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)


def _created() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


def _ws_fk() -> Mapped[uuid.UUID]:
    return mapped_column(UUID(as_uuid=True), ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)


ROLES = ("owner", "editor", "member")


class User(Base):
    __tablename__ = "users"
    id: Mapped[uuid.UUID] = _id()
    email: Mapped[str] = mapped_column(String(320), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    is_admin: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default="false")
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, server_default="true")
    created_at: Mapped[datetime] = _created()


class RefreshToken(Base):
    __tablename__ = "refresh_tokens"
    id: Mapped[uuid.UUID] = _id()
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    family_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = _created()


class Workspace(Base):
    __tablename__ = "workspaces"
    id: Mapped[uuid.UUID] = _id()
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    slug: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    created_at: Mapped[datetime] = _created()


class WorkspaceSettings(Base):
    __tablename__ = "workspace_settings"
    workspace_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True)
    profile: Mapped[dict] = mapped_column(JSONB, nullable=False, default=dict, server_default="{}")
    qa: Mapped[dict] = mapped_column(JSONB, nullable=False, default=dict, server_default="{}")
    retrieval: Mapped[dict] = mapped_column(JSONB, nullable=False, default=dict, server_default="{}")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False)


class Membership(Base):
    __tablename__ = "memberships"
    workspace_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[datetime] = _created()
    __table_args__ = (CheckConstraint("role in ('owner','editor','member')", name="ck_membership_role"),)


class WorkspaceInvitation(Base):
    """A pending invitation to join a workspace, addressed to an email; a membership only once it is accepted."""

    __tablename__ = "workspace_invitations"
    id: Mapped[uuid.UUID] = _id()
    workspace_id: Mapped[uuid.UUID] = _ws_fk()
    email: Mapped[str] = mapped_column(String(320), nullable=False)  # lower-cased
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    invited_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _created()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # The invite link's secret, hashed (the link itself is shown once, to the inviter).
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    __table_args__ = (
        UniqueConstraint("workspace_id", "email", name="uq_invitation_workspace_email"),
        Index("ix_invitations_email", "email"),
        CheckConstraint("role in ('owner','editor','member')", name="ck_invitation_role"),
    )


class KnowledgeEntry(Base):
    __tablename__ = "knowledge_entries"
    id: Mapped[uuid.UUID] = _id()
    workspace_id: Mapped[uuid.UUID] = _ws_fk()
    source_key: Mapped[str] = mapped_column(Text, nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    question: Mapped[str] = mapped_column(Text, nullable=False)
    answer: Mapped[str] = mapped_column(Text, nullable=False)
    category: Mapped[str | None] = mapped_column(String(100))
    related: Mapped[list] = mapped_column(JSONB, nullable=False, default=list, server_default="[]")
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    position: Mapped[int | None] = mapped_column(Integer)  # place in its source file (follow-ups read the order)
    # Structure within the workspace's knowledge (knowledge/structure.py), recomputed after each import:
    # how much the entry reads as the guide to a whole task (0..1), and how many entries concern that task.
    overview: Mapped[float] = mapped_column(Float, nullable=False, default=0.0, server_default="0")
    siblings: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False)
    __table_args__ = (
        UniqueConstraint("workspace_id", "key_hash", name="uq_entry_ws_key"),
        Index("ix_entries_ws_category", "workspace_id", "category"),
        Index("ix_entries_ws_created", "workspace_id", "created_at"),
        Index("ix_entries_ws_position", "workspace_id", "position"),
    )


class FollowupStat(Base):
    """How often a follow-up from one entry to another was clicked, and rated up after the click."""

    __tablename__ = "followup_stats"
    workspace_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True)
    from_entry_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("knowledge_entries.id", ondelete="CASCADE"), primary_key=True)
    to_entry_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("knowledge_entries.id", ondelete="CASCADE"), primary_key=True)
    clicks: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    upvotes: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False)


class KnowledgeChunk(Base):
    """A retrievable piece of an entry: its question, an answer chunk or an alias."""

    __tablename__ = "knowledge_chunks"
    id: Mapped[uuid.UUID] = _id()
    workspace_id: Mapped[uuid.UUID] = _ws_fk()
    # An FAQ entry's piece, or a document's (then entry_id is NULL; see app/documents and migration 0010).
    entry_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("knowledge_entries.id", ondelete="CASCADE"))
    document_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("documents.id", ondelete="CASCADE"))
    piece_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))  # shared by a piece's two rows
    page: Mapped[int | None] = mapped_column(Integer)
    section: Mapped[str | None] = mapped_column(Text)
    # What the search ranks: the entry, or the document piece (generated: coalesce(entry_id, piece_id)).
    unit_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), Computed("coalesce(entry_id, piece_id)"))
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    ord: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    # Untyped vector: each workspace may use a different embedding model; the dimension is recorded
    # beside it and partial HNSW expression indexes exist per supported dimension.
    embedding = mapped_column(Vector(), nullable=True)
    embedding_model: Mapped[str | None] = mapped_column(String(100))
    embedding_dim: Mapped[int | None] = mapped_column(Integer)
    lexemes = mapped_column(TSVECTOR, nullable=True)
    __table_args__ = (
        Index("ix_chunks_ws_entry", "workspace_id", "entry_id"),
        Index("ix_chunks_lexemes", "lexemes", postgresql_using="gin"),
        Index("ix_chunks_ws_unit", "workspace_id", "unit_id"),
        Index("ix_chunks_ws_document", "workspace_id", "document_id", postgresql_where=sql_text("document_id IS NOT NULL")),
        CheckConstraint("kind in ('question','answer','alias','document')", name="ck_chunk_kind"),
        CheckConstraint("(entry_id IS NULL) <> (document_id IS NULL) AND (document_id IS NULL) = (piece_id IS NULL)",
                        name="ck_chunk_owner"),
    )


class ChatSession(Base):
    __tablename__ = "chat_sessions"
    id: Mapped[uuid.UUID] = _id()
    workspace_id: Mapped[uuid.UUID] = _ws_fk()
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False, default="새 대화")
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    __table_args__ = (Index("ix_sessions_ws_user_updated", "workspace_id", "user_id", "updated_at"),)


class ChatMessage(Base):
    __tablename__ = "chat_messages"
    id: Mapped[uuid.UUID] = _id()
    workspace_id: Mapped[uuid.UUID] = _ws_fk()
    session_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("chat_sessions.id", ondelete="CASCADE"), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    # An answer's question (concurrent messages in one session answer out of order).
    reply_to_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("chat_messages.id", ondelete="CASCADE"))
    content: Mapped[str] = mapped_column(Text, nullable=False, default="")
    sources: Mapped[list] = mapped_column(JSONB, nullable=False, default=list, server_default="[]")
    followups: Mapped[list] = mapped_column(JSONB, nullable=False, default=list, server_default="[]")
    refused: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default="false")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="complete")
    standalone_query: Mapped[str | None] = mapped_column(Text)
    prompt_version_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("prompt_versions.id", ondelete="SET NULL"))  # the chat.system version
    # Every prompt version the answer used, {key: version id} (rewrite, re-rank, system, refusal suggestion).
    prompt_versions: Mapped[dict] = mapped_column(JSONB, nullable=False, default=dict, server_default="{}")
    provider: Mapped[str | None] = mapped_column(String(50))
    latency_ms: Mapped[dict] = mapped_column(JSONB, nullable=False, default=dict, server_default="{}")
    prompt_tokens: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    completion_tokens: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    feedback: Mapped[int | None] = mapped_column(SmallInteger)
    # On a question sent by clicking a follow-up: the entry it offered (no foreign key: the click stays counted).
    followup_entry_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("clock_timestamp()"), nullable=False)
    __table_args__ = (
        Index("ix_messages_ws_session_created", "workspace_id", "session_id", "created_at"),
        Index("ix_messages_ws_role_created", "workspace_id", "role", "created_at",
              postgresql_include=["prompt_tokens", "completion_tokens"]),
        Index("ix_messages_role_created", "role", "created_at"),
        CheckConstraint("role in ('user','assistant')", name="ck_message_role"),
        CheckConstraint("status in ('complete','interrupted','failed')", name="ck_message_status"),
    )


class Prompt(Base):
    """A named prompt template (registered in app/prompts/defaults.py); labels point at its immutable versions."""

    __tablename__ = "prompts"
    id: Mapped[uuid.UUID] = _id()
    key: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = _created()


class PromptVersion(Base):
    """One immutable version: numbered per prompt, with its text and model settings (None: the caller's default).
    A trigger refuses any UPDATE (migration 0012)."""

    __tablename__ = "prompt_versions"
    id: Mapped[uuid.UUID] = _id()
    prompt_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("prompts.id", ondelete="CASCADE"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    template: Mapped[str] = mapped_column(Text, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    model: Mapped[str | None] = mapped_column(String(200))
    temperature: Mapped[float | None] = mapped_column(Float)
    max_tokens: Mapped[int | None] = mapped_column(Integer)
    builtin: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _created()
    __table_args__ = (UniqueConstraint("prompt_id", "version", name="uq_prompt_version"),)


PROMPT_LABELS = ("production", "staging")


class PromptLabel(Base):
    """A label pointing at a version: platform-wide (workspace_id null) or one workspace's override."""

    __tablename__ = "prompt_labels"
    id: Mapped[uuid.UUID] = _id()
    prompt_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("prompts.id", ondelete="CASCADE"), nullable=False)
    workspace_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("workspaces.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(32), nullable=False)
    version_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("prompt_versions.id", ondelete="CASCADE"), nullable=False)
    # Where the label pointed before its last move (what "roll back" moves it to).
    previous_version_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("prompt_versions.id", ondelete="SET NULL"))
    updated_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    __table_args__ = (
        Index("uq_prompt_label_platform", "prompt_id", "label", unique=True, postgresql_where=text("workspace_id is null")),
        Index("uq_prompt_label_workspace", "prompt_id", "workspace_id", "label", unique=True,
              postgresql_where=text("workspace_id is not null")),
        CheckConstraint("label in ('production','staging')", name="ck_prompt_label"),
    )


class AuditEntry(Base):
    """One change made through the API: who, what, when. Kept when its actor or workspace is deleted."""

    __tablename__ = "audit_log"
    id: Mapped[uuid.UUID] = _id()
    actor_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL"))
    workspace_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("workspaces.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(80), nullable=False)
    target_type: Mapped[str] = mapped_column(String(40), nullable=False, default="", server_default="")
    target_id: Mapped[str | None] = mapped_column(String(80))
    detail: Mapped[dict] = mapped_column(JSONB, nullable=False, default=dict, server_default="{}")
    created_at: Mapped[datetime] = _created()
    __table_args__ = (
        Index("ix_audit_created", "created_at"),
        Index("ix_audit_ws_created", "workspace_id", "created_at"),
    )


class Job(Base):
    """A background job's status of record (arq carries only its id)."""

    __tablename__ = "jobs"
    id: Mapped[uuid.UUID] = _id()
    workspace_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("workspaces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(50), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
    payload: Mapped[dict] = mapped_column(JSONB, nullable=False, default=dict, server_default="{}")
    result: Mapped[dict] = mapped_column(JSONB, nullable=False, default=dict, server_default="{}")
    progress_done: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    progress_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = _created()
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The lease (see app.jobs.runner): the arq delivery running the current step, and its last heartbeat.
    step: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    runner: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_requested: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    __table_args__ = (
        Index("ix_jobs_ws_created", "workspace_id", "created_at"),
        Index("ix_jobs_unfinished", "heartbeat_at", postgresql_where=text("status in ('queued','running')")),
        CheckConstraint("status in ('queued','running','succeeded','failed','cancelled')", name="ck_job_status"),
    )


class JobUpload(Base):
    """Bytes of an uploaded file waiting for its import job (kept in Postgres so any worker can read it)."""

    __tablename__ = "job_uploads"
    job_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    data = mapped_column(LargeBinary, nullable=False)



# Domains with tables of their own (kept beside their code); imported here so the metadata holds every table.
import app.admin.models  # noqa: E402,F401
import app.documents.models  # noqa: E402,F401
import app.finetune.models  # noqa: E402,F401
import app.templates.models  # noqa: E402,F401
