"""The arq Redis pool shared by the API process (enqueueing) and readiness checks."""

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings

from app.core.config import get_settings

_pool: ArqRedis | None = None


def redis_settings() -> RedisSettings:
    """arq connection settings from REDIS_URL."""
    return RedisSettings.from_dsn(get_settings().redis_url)


async def get_queue() -> ArqRedis:
    """Return the process-wide arq pool (also a plain Redis client)."""
    global _pool
    if _pool is None:
        _pool = await create_pool(redis_settings())
    return _pool


async def close_queue() -> None:
    """Close the pool (app shutdown, tests)."""
    global _pool
    if _pool is not None:
        await _pool.aclose()
    _pool = None
