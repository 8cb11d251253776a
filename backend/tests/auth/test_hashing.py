"""Password hashing runs in a bounded pool of its own, never on the event loop."""

import asyncio
import threading
import time

from app.core import security
from app.core.config import get_settings
from tests.conftest import make_user, unique_email


class _Recorder:
    """Stands in for the CryptContext: records the thread and concurrency of each call (a slow hash)."""

    def __init__(self, real):
        self.real, self.threads, self.running, self.peak = real, set(), 0, 0
        self.lock = threading.Lock()

    def _track(self, fn, *args):
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        self.threads.add(threading.get_ident())
        try:
            time.sleep(0.02)
            return fn(*args)
        finally:
            with self.lock:
                self.running -= 1

    def verify(self, password, hashed):
        return self._track(self.real.verify, password, hashed)

    def hash(self, password):
        return self._track(self.real.hash, password)


async def test_logins_hash_off_the_event_loop_with_bounded_concurrency(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "login_max_attempts", 1000)
    user = await make_user()
    recorder = _Recorder(security._pwd)
    monkeypatch.setattr(security, "_pwd", recorder)

    async def attempt(i: int):
        email = user.email if i % 2 else unique_email("ghost")  # known and unknown accounts both hash
        return (await client.post("/api/v1/auth/login", json={"email": email, "password": "wrong"})).status_code

    codes = await asyncio.gather(*(attempt(i) for i in range(8)))
    assert codes == [401] * 8
    assert threading.get_ident() not in recorder.threads and recorder.threads
    assert 1 <= recorder.peak <= get_settings().password_hash_concurrency


async def test_hash_password_is_async_and_verifies():
    hashed = await security.hash_password("pw-abcdef")
    assert await security.verify_password("pw-abcdef", hashed)
    assert not await security.verify_password("nope", hashed)
    assert not await security.verify_password("x", "not-a-hash")
