"""Login, refresh-token rotation with reuse detection, logout, and login rate limiting."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.schemas import TokenPair
from app.core.config import get_settings
from app.core.errors import RateLimited, Unauthorized
from app.core.queue import get_queue
from app.core.security import (
    burn_verify,
    create_access_token,
    hash_refresh_token,
    new_refresh_token,
    refresh_expiry,
    verify_password,
)
from app.models import RefreshToken, User


def _rate_key(email: str, client_ip: str) -> str:
    return f"sangdam:login:{email}:{client_ip}"


async def _check_rate(email: str, client_ip: str) -> None:
    """Count a login attempt; too many failures in the window answer 429."""
    settings = get_settings()
    redis = await get_queue()
    key = _rate_key(email, client_ip)
    attempts = await redis.incr(key)
    if attempts == 1:
        await redis.expire(key, settings.login_window_seconds)
    if attempts > settings.login_max_attempts:
        raise RateLimited("Too many login attempts. Try again in a few minutes.")


async def _issue(session: AsyncSession, user_id: uuid.UUID, family_id: uuid.UUID) -> TokenPair:
    token, token_hash = new_refresh_token()
    session.add(RefreshToken(user_id=user_id, family_id=family_id, token_hash=token_hash, expires_at=refresh_expiry()))
    access, lifetime = create_access_token(user_id)
    return TokenPair(access_token=access, refresh_token=token, expires_in=lifetime)


async def login(*, session: AsyncSession, email: str, password: str, client_ip: str) -> TokenPair:
    """Check credentials and open a new refresh-token family."""
    email = email.strip().lower()
    await _check_rate(email, client_ip)
    user = (await session.execute(select(User).where(User.email == email))).scalar_one_or_none()
    if user is None:
        await burn_verify()
        raise Unauthorized("Wrong email or password.", code="invalid_credentials")
    if not await verify_password(password, user.password_hash):
        raise Unauthorized("Wrong email or password.", code="invalid_credentials")
    if not user.is_active:
        raise Unauthorized("This account is disabled.", code="user_disabled")
    pair = await _issue(session, user.id, uuid.uuid4())
    await session.commit()
    await (await get_queue()).delete(_rate_key(email, client_ip))  # only failures count towards the limit
    return pair


async def refresh(*, session: AsyncSession, refresh_token: str) -> TokenPair:
    """Rotate a refresh token; presenting a revoked one revokes its whole family."""
    now = datetime.now(UTC)
    row = (await session.execute(
        select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(refresh_token)).with_for_update()
    )).scalar_one_or_none()
    if row is None:
        raise Unauthorized("Invalid refresh token.", code="invalid_token")
    if row.revoked_at is not None:
        await session.execute(update(RefreshToken).where(RefreshToken.family_id == row.family_id,
                                                         RefreshToken.revoked_at.is_(None)).values(revoked_at=now))
        await session.commit()
        raise Unauthorized("Refresh token was already used; please log in again.", code="token_reused")
    if row.expires_at <= now:
        raise Unauthorized("Refresh token expired.", code="token_expired")
    user = await session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise Unauthorized("This account is disabled.", code="user_disabled")
    row.revoked_at = now
    pair = await _issue(session, user.id, row.family_id)
    await session.commit()
    return pair


async def logout(*, session: AsyncSession, refresh_token: str) -> None:
    """Revoke the refresh-token family of this token (idempotent)."""
    row = (await session.execute(
        select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(refresh_token))
    )).scalar_one_or_none()
    if row is not None:
        await session.execute(update(RefreshToken).where(RefreshToken.family_id == row.family_id,
                                                         RefreshToken.revoked_at.is_(None))
                              .values(revoked_at=datetime.now(UTC)))
        await session.commit()
