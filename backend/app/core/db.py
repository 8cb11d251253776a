"""Async engine, session factory and the `SessionDep` dependency."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy import Executable, Result
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from app.core.config import get_settings

# Per connection, so the search statement needs no extra round trip:
# - HNSW scans keep going until enough rows pass the workspace filter (pgvector 0.8 iterative scans);
# - prepared statements are planned with their parameters every time: after five runs PostgreSQL would otherwise
#   try a generic plan, which for the search statement skips the HNSW index (measured 10 ms -> 23 ms).
SERVER_SETTINGS = {"application_name": "sangdam", "jit": "off", "plan_cache_mode": "force_custom_plan",
                   "hnsw.ef_search": "200", "hnsw.iterative_scan": "relaxed_order"}

_engine: AsyncEngine | None = None
_sessionmaker: async_sessionmaker[AsyncSession] | None = None
_readmaker: async_sessionmaker[AsyncSession] | None = None


def get_engine() -> AsyncEngine:
    """Return the process-wide engine, created on first use."""
    global _engine, _sessionmaker, _readmaker
    if _engine is None:
        settings = get_settings()
        _engine = create_async_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=20,
            pool_timeout=settings.db_pool_timeout_seconds,
            # No ping on every checkout (three round trips each, ~8% of a chat's API CPU): a connection the server
            # dropped fails its first statement, which invalidates the pool's older connections; reads retry
            # once (`read`), and connections are recycled before idle timeouts of proxies and managed servers.
            pool_pre_ping=settings.db_pool_pre_ping,
            pool_recycle=1800,
            connect_args={"server_settings": SERVER_SETTINGS},
        )
        _sessionmaker = async_sessionmaker(_engine, expire_on_commit=False)
        # Single reads need no transaction: in autocommit the statement is one round trip, not BEGIN, the
        # statement and ROLLBACK (the same pool; the isolation level is reset when the connection goes back).
        _readmaker = async_sessionmaker(_engine.execution_options(isolation_level="AUTOCOMMIT"),
                                        expire_on_commit=False)
    return _engine


def sessionmaker() -> async_sessionmaker[AsyncSession]:
    """Return the session factory bound to the process engine."""
    get_engine()
    assert _sessionmaker is not None
    return _sessionmaker


async def read(statement: Executable, params: dict | None = None) -> Result:
    """Run one read in a short transaction of its own and hand the connection back at once (the rows are
    buffered): code that waits for an embedder, a model or a client between reads never holds a connection."""
    get_engine()
    assert _readmaker is not None
    try:
        async with _readmaker() as session:
            return await session.execute(statement, params)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
    async with _readmaker() as session:  # the connection was dead (a database restart): once more on a fresh one
        return await session.execute(statement, params)


def pool_status() -> dict:
    """Connections of this process's pool: checked out now, and the pool's size (for /readyz and `make bench`)."""
    if _engine is None:
        return {"checked_out": 0, "size": get_settings().db_pool_size}
    pool = _engine.pool
    return {"checked_out": pool.checkedout(), "size": pool.size()}


async def dispose_engine() -> None:
    """Close every pooled connection (app shutdown, tests)."""
    global _engine, _sessionmaker, _readmaker
    if _engine is not None:
        await _engine.dispose()
    _engine, _sessionmaker, _readmaker = None, None, None


async def get_session() -> AsyncIterator[AsyncSession]:
    """Yield a session for one request; roll back whatever was not committed."""
    async with sessionmaker()() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
