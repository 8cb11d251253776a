"""Password hashing (passlib, argon2) and JWT access tokens (python-jose)."""

import asyncio
import base64
import hashlib
import secrets
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from jose import JWTError, jwt
from passlib.context import CryptContext

from app.core.config import DEV_ENVS, DEV_SECRET_KEY, Settings, get_settings
from app.core.errors import Unauthorized

ALGORITHM = "HS256"
MIN_SECRET_KEY_LENGTH = 32
# Values published in this repository (config default, .env.example): anyone can sign tokens with them.
PUBLIC_SECRET_KEYS = {DEV_SECRET_KEY, "change-me-to-a-long-random-string"}


class InsecureSecretKey(RuntimeError):
    """SECRET_KEY is missing, public or too short outside dev/test."""


def check_secret_key(settings: Settings) -> None:
    """Refuse to run outside dev/test with a missing, public or short signing key."""
    if settings.env in DEV_ENVS:
        return
    key = settings.secret_key.strip()
    problem = ("is not set" if not key else "is a public default value" if key in PUBLIC_SECRET_KEYS
               else f"is shorter than {MIN_SECRET_KEY_LENGTH} characters" if len(key) < MIN_SECRET_KEY_LENGTH
               else None)
    if problem:
        raise InsecureSecretKey(f"SECRET_KEY {problem} (SANGDAM_ENV={settings.env}); refusing to start. "
                                "Set a long random value, e.g. `openssl rand -hex 32`.")
# Tests create many users; a cheap argon2 cost keeps them fast without changing the code path.
_COST = {"argon2__memory_cost": 1024, "argon2__rounds": 1} if get_settings().env == "test" else {}
_pwd = CryptContext(schemes=["argon2"], deprecated="auto", **_COST)
# argon2 is tens of milliseconds of CPU per call: run on the loop it stalls every request and stream. A small pool
# of its own bounds how many run at once (the rest wait their turn in order) and leaves anyio's pool to others.
_hash_pool = ThreadPoolExecutor(max_workers=get_settings().password_hash_concurrency, thread_name_prefix="argon2")


async def _off_loop(fn, *args):
    return await asyncio.get_running_loop().run_in_executor(_hash_pool, fn, *args)


def _verify(password: str, hashed: str) -> bool:
    try:
        return _pwd.verify(password, hashed)
    except ValueError:
        return False


async def hash_password(password: str) -> str:
    """Hash a password for storage (in the hashing pool)."""
    return await _off_loop(_pwd.hash, password)


async def verify_password(password: str, hashed: str) -> bool:
    """Check a password against its stored hash (in the hashing pool)."""
    return await _off_loop(_verify, password, hashed)


# A real hash to verify against when the user does not exist, so timing does not reveal accounts.
_DUMMY_HASH = _pwd.hash(secrets.token_hex(8))


async def burn_verify() -> None:
    """Spend the time of a password check without a user."""
    await _off_loop(_verify, "x", _DUMMY_HASH)


def create_access_token(user_id: uuid.UUID, *, minutes: int | None = None) -> tuple[str, int]:
    """Return a signed short-lived access token and its lifetime in seconds."""
    settings = get_settings()
    lifetime = (minutes if minutes is not None else settings.access_token_minutes) * 60
    now = datetime.now(UTC)
    claims = {"sub": str(user_id), "iat": int(now.timestamp()), "exp": int(now.timestamp()) + lifetime,
              "type": "access"}
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM), lifetime


def decode_access_token(token: str) -> uuid.UUID:
    """Return the user id of a valid access token or raise 401."""
    try:
        # A token without an expiry would never stop working.
        claims = jwt.decode(token, get_settings().secret_key, algorithms=[ALGORITHM],
                            options={"require_exp": True, "require_sub": True})
    except JWTError as exc:
        expired = "expired" in str(exc).lower()
        raise Unauthorized("Access token expired." if expired else "Invalid access token.",
                           code="token_expired" if expired else "invalid_token") from None
    if claims.get("type") != "access":
        raise Unauthorized("Invalid access token.", code="invalid_token")
    try:
        return uuid.UUID(claims["sub"])
    except (KeyError, ValueError):
        raise Unauthorized("Invalid access token.", code="invalid_token") from None


def new_refresh_token() -> tuple[str, str]:
    """Return an opaque refresh token and the hash we store for it."""
    token = secrets.token_urlsafe(48)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    """Hash a refresh token (high-entropy, so a plain digest is enough)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _token_fernet(token: str) -> Fernet:
    # Domain-separated from hash_refresh_token: the stored hash (the lookup key) cannot derive this key.
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"sangdam-refresh-grace\0" + token.encode()).digest()))


def seal_for_token(token: str, data: bytes) -> bytes:
    """Encrypt data so that only a holder of this refresh token can read it back."""
    return _token_fernet(token).encrypt(data)


def unseal_for_token(token: str, sealed: bytes) -> bytes | None:
    """Decrypt what seal_for_token wrote for this token; None when it was not."""
    try:
        return _token_fernet(token).decrypt(sealed)
    except InvalidToken:
        return None


def refresh_expiry() -> datetime:
    """When a refresh token issued now expires."""
    return datetime.now(UTC) + timedelta(days=get_settings().refresh_token_days)
