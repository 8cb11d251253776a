"""Tables of the admin domain: model prices, workspace quotas, password resets (imported by app.models)."""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Integer, Numeric, String, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base


class ModelPrice(Base):
    """What a million tokens cost on a model, keyed by the name answers record (`chat_messages.provider`)."""

    __tablename__ = "model_prices"
    model: Mapped[str] = mapped_column(String(100), primary_key=True)
    input_usd_per_mtok: Mapped[Decimal] = mapped_column(Numeric(12, 4), nullable=False, default=0, server_default="0")
    output_usd_per_mtok: Mapped[Decimal] = mapped_column(Numeric(12, 4), nullable=False, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False)


class WorkspaceQuota(Base):
    """A workspace's limits, set by platform admins; None = unlimited."""

    __tablename__ = "workspace_quotas"
    workspace_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True)
    messages_per_day: Mapped[int | None] = mapped_column(Integer)
    tokens_per_month: Mapped[int | None] = mapped_column(BigInteger)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False)
    __table_args__ = (CheckConstraint("messages_per_day >= 0 and tokens_per_month >= 0", name="ck_quota_nonnegative"),)


class PasswordReset(Base):
    """A one-time password reset an admin issued; only the token's hash is kept."""

    __tablename__ = "password_resets"
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
