"""User accounts: created by seeding, by admins and by invite links; passwords changed, reset and accounts disabled.

A disabled account stops working at once: every request loads its user and refuses an inactive one
(`app.core.deps.current_user`), and its refresh tokens are revoked.
"""

import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin import audit
from app.admin.models import PasswordReset
from app.auth.schemas import TokenPair
from app.core.errors import AppError, Conflict, NotFound, Unauthorized
from app.core.security import hash_password, hash_refresh_token, verify_password
from app.models import User

RESET_VALID_FOR = timedelta(hours=24)


async def ensure_user(*, session: AsyncSession, email: str, password: str, name: str = "",
                      is_admin: bool = False) -> User:
    """Return the user with this email, creating it when missing."""
    email = email.strip().lower()
    user = (await session.execute(select(User).where(User.email == email))).scalar_one_or_none()
    if user is None:
        user = User(email=email, name=name, password_hash=await hash_password(password), is_admin=is_admin)
        session.add(user)
        await session.flush()
    return user


async def change_password(*, session: AsyncSession, user: User, current: str, new: str) -> TokenPair:
    """Change the caller's password (the current one is required); every other session ends, this one goes on
    with the pair returned."""
    from app.auth.service import issue_tokens, revoke_all

    if not await verify_password(current, user.password_hash):
        raise Unauthorized("The current password is wrong.", code="wrong_password")
    if current == new:
        raise AppError("The new password must differ from the current one.", code="same_password")
    user.password_hash = await hash_password(new)
    await revoke_all(session, user.id)
    audit.record(session, actor_id=user.id, action="user.password_change", target_type="user", target_id=user.id)
    pair = await issue_tokens(session, user.id)
    await session.commit()
    return pair


async def _user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("User not found.")
    return user


async def set_active(*, session: AsyncSession, admin: User, user_id: uuid.UUID, active: bool) -> User:
    """Disable or enable an account (admins); disabling revokes its refresh tokens."""
    from app.auth.service import revoke_all

    user = await _user(session, user_id)
    if user.id == admin.id and not active:
        raise Conflict("You cannot disable your own account.", code="self_disable")
    if user.is_active != active:
        user.is_active = active
        if not active:
            await revoke_all(session, user.id)
        audit.record(session, actor_id=admin.id, action="user.enable" if active else "user.disable",
                     target_type="user", target_id=user.id, detail={"email": user.email})
    await session.commit()
    return user


async def issue_reset(*, session: AsyncSession, admin: User, user_id: uuid.UUID) -> tuple[str, datetime]:
    """A one-time password reset token for a user (admins), valid RESET_VALID_FOR; earlier unused ones lapse."""
    user = await _user(session, user_id)
    now = datetime.now(UTC)
    for old in await session.scalars(select(PasswordReset).where(PasswordReset.user_id == user.id,
                                                                 PasswordReset.used_at.is_(None))):
        old.used_at = now
    token = secrets.token_urlsafe(32)
    expires = now + RESET_VALID_FOR
    session.add(PasswordReset(user_id=user.id, token_hash=hash_refresh_token(token), created_by=admin.id,
                              expires_at=expires))
    audit.record(session, actor_id=admin.id, action="user.password_reset", target_type="user", target_id=user.id,
                 detail={"email": user.email})
    await session.commit()
    return token, expires


async def redeem_reset(*, session: AsyncSession, token: str, password: str) -> None:
    """Set a new password with a reset token (once); the user's sessions end."""
    from app.auth.service import revoke_all

    row = await session.scalar(select(PasswordReset).where(
        PasswordReset.token_hash == hash_refresh_token(token), PasswordReset.used_at.is_(None),
        PasswordReset.expires_at > datetime.now(UTC)).with_for_update())
    if row is None:
        raise NotFound("This reset link is not valid: it expired or was used.", code="reset_invalid")
    user = await _user(session, row.user_id)
    row.used_at = datetime.now(UTC)
    user.password_hash = await hash_password(password)
    await revoke_all(session, user.id)
    audit.record(session, actor_id=user.id, action="user.password_reset_used", target_type="user", target_id=user.id)
    await session.commit()
