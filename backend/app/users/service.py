"""User accounts (created by seeding and by admins)."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import hash_password
from app.models import User


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
