"""Per-key rate limits in Redis: fixed windows that always end, answered 429 with Retry-After."""

from app.core.errors import RateLimited
from app.core.queue import get_queue


def limited(message: str, retry_after: int) -> RateLimited:
    """A 429 that says when to come back (header and envelope)."""
    return RateLimited(message).come_back_in(retry_after)


async def hit(key: str, *, limit: int, window_s: int, message: str) -> None:
    """Count one use of `key` in its current window; raise a 429 once the window holds more than `limit`."""
    async with (await get_queue()).pipeline(transaction=True) as pipe:
        pipe.set(key, 0, ex=window_s, nx=True).incr(key).ttl(key)
        _, used, ttl = await pipe.execute()
    if used > limit:
        raise limited(message, ttl)
