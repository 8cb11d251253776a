"""Real PostgreSQL + pgvector and real Redis for every test.

`make test` starts throw-away embedded services and passes DATABASE_URL / REDIS_URL; a bare `pytest` starts its
own. Tests never share rows: each one makes its own users and workspaces through the small factories below, so
nothing depends on order and the app's own transactions (streams, jobs) run exactly as in production.
"""

import os
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SMARTSTORE_PKL = ROOT.parent / "shared" / "data" / "smartstore" / "final_result.pkl"
os.environ.setdefault("SANGDAM_ENV", "test")
os.environ.setdefault("PRELOAD_MODELS", "0")
os.environ.setdefault("LOGIN_MAX_ATTEMPTS", "5")
# Every test client is 127.0.0.1; tests of the per-address limit use addresses of their own.
os.environ.setdefault("LOGIN_MAX_ATTEMPTS_PER_ADDRESS", "100000")
# Tests send many chats as one user; the chat limits have their own test (tests/chat/test_chat_limits.py).
os.environ.setdefault("CHAT_MESSAGES_PER_MINUTE", "100000")
os.environ.setdefault("CHAT_SESSIONS_PER_HOUR", "100000")
for key in [k for k in os.environ if k.startswith("PG")]:
    del os.environ[key]

pytest_plugins = ["tests.fakes.openai_server"]


def _start_services() -> list:
    sys.path.insert(0, str(ROOT / "infra" / "scripts"))
    import tempfile

    from embedded import Postgres, Redis, free_port  # type: ignore[import-not-found]

    base = Path(tempfile.mkdtemp(prefix="pytest-svc-", dir=ROOT / ".data"))
    pg, redis = Postgres(base / "pg", free_port()), Redis(base / "redis", free_port(), persist=False)
    pg.start()
    redis.start()
    os.environ["DATABASE_URL"], os.environ["REDIS_URL"] = pg.url, redis.url
    return [pg, redis, base]


_started: list = []
if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
    (ROOT / ".data").mkdir(exist_ok=True)
    _started = _start_services()
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(ROOT / "migrations" / "alembic.ini"))
    cfg.attributes["skip_logging"] = True
    command.upgrade(cfg, "head")


def pytest_sessionfinish(session, exitstatus):
    import shutil

    *services, base = _started or [None]
    for svc in reversed(services):
        svc.stop()
    if base is not None:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def app():
    from app.main import create_app

    return create_app()


@pytest.fixture
async def client(app):
    import httpx

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c


@pytest.fixture(scope="session", autouse=True)
async def _close_pools():
    yield
    from app.core.db import dispose_engine
    from app.core.queue import close_queue

    await close_queue()
    await dispose_engine()


# ---- factories -------------------------------------------------------------------------------------------

def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@test.sangdam.dev"


async def make_user(*, email: str | None = None, password: str = "pw-123456", is_admin: bool = False,
                    is_active: bool = True):
    """Create a user directly in the database."""
    from app.core.db import sessionmaker
    from app.users.service import ensure_user

    async with sessionmaker()() as s:
        user = await ensure_user(session=s, email=email or unique_email(), password=password, is_admin=is_admin)
        user.is_active = is_active
        await s.commit()
        return user


async def login(client, email: str, password: str = "pw-123456") -> dict:
    r = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return r.json()


class Actor:
    """A logged-in user with auth headers, for concise tests."""

    def __init__(self, user, tokens):
        self.user, self.tokens = user, tokens
        self.headers = {"Authorization": f"Bearer {tokens['access_token']}"}


async def make_actor(client, **kw) -> Actor:
    user = await make_user(**kw)
    return Actor(user, await login(client, user.email))


async def make_workspace(client, actor: Actor, name: str = "테스트 워크스페이스") -> dict:
    r = await client.post("/api/v1/workspaces", json={"name": name}, headers=actor.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def invite(client, owner: Actor, ws_id: str, email: str, role: str = "member") -> dict:
    """The owner invites an email; always 202."""
    r = await client.post(f"/api/v1/workspaces/{ws_id}/invitations", json={"email": email, "role": role},
                          headers=owner.headers)
    assert r.status_code == 202, r.text
    return r.json()


async def add_member(client, owner: Actor, ws_id: str, member: Actor, role: str = "member") -> None:
    """Make `member` a member the only way there is: the owner invites, the member accepts."""
    invitation = await invite(client, owner, ws_id, member.user.email, role)
    r = await client.post(f"/api/v1/invitations/{invitation['id']}/accept", headers=member.headers)
    assert r.status_code == 200 and r.json()["role"] == role, r.text


async def run_worker() -> None:
    """Run a real arq worker in burst mode until the queue is empty."""
    from arq.worker import Worker

    from app.core.queue import redis_settings
    from app.worker import functions

    worker = Worker(functions=functions(), redis_settings=redis_settings(), burst=True, allow_abort_jobs=True,
                    max_jobs=2, poll_delay=0.05, handle_signals=False, max_tries=100)
    try:
        await worker.async_run()
    finally:
        await worker.close()
