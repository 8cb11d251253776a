"""Login, refresh-token rotation with reuse detection (and a grace window for racing tabs), logout, login limits."""

import hashlib
import ipaddress
import uuid
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.schemas import TokenPair
from app.core.config import get_settings
from app.core.errors import RateLimited, Unauthorized
from app.core.queue import get_queue
from app.core.ratelimit import limited
from app.core.security import (
    burn_verify,
    create_access_token,
    hash_refresh_token,
    new_refresh_token,
    refresh_expiry,
    seal_for_token,
    unseal_for_token,
    verify_password,
)
from app.models import RefreshToken, User

# Counters are fixed windows (the expiry is set when a window opens, never pushed back), so a lock always ends.
_ADDR, _ACCT, _KNOWN = "sangdam:login:addr:", "sangdam:login:acct:", "sangdam:login:known:"
KNOWN_ADDRESS_SECONDS = 30 * 86400  # how long a successful login keeps its address exempt from account locks


def client_address(client_ip: str) -> str:
    """The address a login limit counts: an IPv6 client is its /64 (one host usually holds the whole block)."""
    try:
        addr = ipaddress.ip_address(client_ip)
    except ValueError:
        return client_ip
    if addr.version == 6 and addr.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{addr}/64", strict=False))
    return str(getattr(addr, "ipv4_mapped", None) or addr)


def _address_tag(client_ip: str) -> str:
    return hashlib.sha256(client_ip.encode()).hexdigest()[:16]


def _limited(retry_after: int) -> RateLimited:
    return limited("Too many login attempts. Try again in a few minutes.", retry_after)


async def _admit(email: str, client_ip: str) -> None:
    """Count a login attempt against its address and its account; 429 when either is over its limit.

    The address limit stops one client spraying many accounts. The account limit stops guesses spread over many
    addresses, but it does not apply from an address this account logged in from before: whoever trips it from
    elsewhere cannot lock the owner out, and the owner's address is still bound by its own limit.
    """
    settings = get_settings()
    window = settings.login_window_seconds
    addr, acct = _ADDR + client_ip, _ACCT + email
    async with (await get_queue()).pipeline(transaction=True) as pipe:
        for key in (addr, acct):
            pipe.set(key, 0, ex=window, nx=True).incr(key).ttl(key)
        pipe.sismember(_KNOWN + email, _address_tag(client_ip))
        _, addr_n, addr_ttl, _, acct_n, acct_ttl, known = await pipe.execute()
    if addr_n > settings.login_max_attempts_per_address:
        raise _limited(addr_ttl)
    if acct_n > settings.login_max_attempts and not known:
        raise _limited(acct_ttl)


async def _succeeded(email: str, client_ip: str) -> None:
    """Only failures count: take this attempt back, clear the account's count and remember the address."""
    known = _KNOWN + email
    async with (await get_queue()).pipeline(transaction=True) as pipe:
        pipe.decr(_ADDR + client_ip).delete(_ACCT + email)
        pipe.sadd(known, _address_tag(client_ip)).expire(known, KNOWN_ADDRESS_SECONDS)
        await pipe.execute()


async def _issue(session: AsyncSession, user_id: uuid.UUID, family_id: uuid.UUID) -> TokenPair:
    token, token_hash = new_refresh_token()
    session.add(RefreshToken(user_id=user_id, family_id=family_id, token_hash=token_hash, expires_at=refresh_expiry()))
    access, lifetime = create_access_token(user_id)
    return TokenPair(access_token=access, refresh_token=token, expires_in=lifetime)


async def issue_tokens(session: AsyncSession, user_id: uuid.UUID) -> TokenPair:
    """Open a new refresh-token family for a user (the caller commits)."""
    return await _issue(session, user_id, uuid.uuid4())


async def revoke_all(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Revoke every live refresh token of a user (password changed or reset, account disabled)."""
    await session.execute(update(RefreshToken).where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
                          .values(revoked_at=datetime.now(UTC)))


async def login(*, session: AsyncSession, email: str, password: str, client_ip: str) -> TokenPair:
    """Check credentials and open a new refresh-token family."""
    email, client_ip = email.strip().lower(), client_address(client_ip)
    await _admit(email, client_ip)
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
    await _succeeded(email, client_ip)
    return pair


def _grace_key(token_hash: str) -> str:
    return f"sangdam:refresh:grace:{token_hash}"


async def _remember_rotation(old_token: str, old_hash: str, pair: TokenPair) -> None:
    """Keep the pair an old token was rotated into, readable only with that old token, for the grace window."""
    seconds = get_settings().refresh_grace_seconds
    if seconds > 0:
        sealed = seal_for_token(old_token, pair.model_dump_json().encode())
        await (await get_queue()).set(_grace_key(old_hash), sealed, ex=seconds)


async def _rotated_pair(session: AsyncSession, old_token: str, old_hash: str) -> TokenPair | None:
    """The pair this revoked token was just rotated into, while the window lasts and that pair is still live."""
    sealed = await (await get_queue()).get(_grace_key(old_hash))
    data = unseal_for_token(old_token, sealed) if sealed else None
    if data is None:
        return None
    pair = TokenPair.model_validate_json(data)
    live = (await session.execute(select(RefreshToken.id).where(
        RefreshToken.token_hash == hash_refresh_token(pair.refresh_token), RefreshToken.revoked_at.is_(None),
        RefreshToken.expires_at > datetime.now(UTC)))).first()
    return pair if live else None  # logged out or reused since: no grace


async def refresh(*, session: AsyncSession, refresh_token: str) -> TokenPair:
    """Rotate a refresh token; a revoked one revokes its whole family, except just after its rotation.

    Two tabs refreshing together present the same token: the row lock lets one rotate it, and the other, arriving
    within REFRESH_GRACE_SECONDS, gets the same new pair instead of a family revocation.
    """
    now = datetime.now(UTC)
    token_hash = hash_refresh_token(refresh_token)
    row = (await session.execute(
        select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
    )).scalar_one_or_none()
    if row is None:
        raise Unauthorized("Invalid refresh token.", code="invalid_token")
    if row.revoked_at is not None:
        if (pair := await _rotated_pair(session, refresh_token, token_hash)) is not None:
            await session.rollback()
            return pair
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
    # Before the commit releases the row lock, so a refresh waiting on it finds the pair.
    await _remember_rotation(refresh_token, token_hash, pair)
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
