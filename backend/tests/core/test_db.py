"""Connections the database drops (a restart, a failover) cost at most one failed statement, never a read."""

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.core.config import get_settings
from app.core.db import read, sessionmaker


async def _hold(seconds: float) -> None:
    async with sessionmaker()() as s:
        await s.execute(text("SELECT 1"))
        await asyncio.sleep(seconds)


async def test_a_read_survives_connections_the_server_dropped():
    await asyncio.gather(*[_hold(0.1) for _ in range(3)])  # three connections, now idle in the pool
    outsider = create_async_engine(get_settings().database_url, poolclass=NullPool)
    async with outsider.connect() as conn:  # the server drops them (as a restart or failover would)
        killed = (await conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = 'sangdam' AND state = 'idle' AND pid <> pg_backend_pid()"))).scalar()
    await outsider.dispose()
    assert killed >= 3
    assert (await read(text("SELECT 42"))).scalar() == 42
    assert (await read(text("SELECT 43"))).scalar() == 43  # and the pool is healthy again
