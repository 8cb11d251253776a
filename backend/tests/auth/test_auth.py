from datetime import UTC, datetime, timedelta

from jose import jwt

from app.core.config import get_settings
from tests.conftest import login, make_actor, make_user


async def test_login_me_and_wrong_password(client):
    user = await make_user()
    tokens = await login(client, user.email)
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] > 0
    me = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200 and me.json()["email"] == user.email

    bad = await client.post("/api/v1/auth/login", json={"email": user.email, "password": "nope"})
    assert bad.status_code == 401
    assert bad.json() == {"error": "invalid_credentials", "message": "Wrong email or password."}


async def test_unknown_user_and_missing_token(client):
    r = await client.post("/api/v1/auth/login", json={"email": "ghost@test.sangdam.dev", "password": "x"})
    assert r.status_code == 401 and r.json()["error"] == "invalid_credentials"
    r = await client.get("/api/v1/users/me")
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"


async def test_refresh_rotates_and_reuse_revokes_family(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "refresh_grace_seconds", 0)  # the grace window: tests/auth/test_refresh.py
    user = await make_user()
    first = await login(client, user.email)
    second = (await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})).json()
    assert second["refresh_token"] != first["refresh_token"]

    reuse = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401 and reuse.json()["error"] == "token_reused"
    # Reuse of a revoked token revoked the whole family, including the newest token.
    after = await client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert after.status_code == 401


async def test_logout_revokes_refresh_token(client):
    user = await make_user()
    tokens = await login(client, user.email)
    r = await client.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 204
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401


async def test_expired_and_forged_access_tokens_are_401(client):
    user = await make_user()
    past = datetime.now(UTC) - timedelta(minutes=5)
    claims = {"sub": str(user.id), "type": "access", "iat": int(past.timestamp()) - 60, "exp": int(past.timestamp())}
    expired = jwt.encode(claims, get_settings().secret_key, algorithm="HS256")
    r = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401 and r.json()["error"] == "token_expired"

    forged = jwt.encode(claims | {"exp": int(datetime.now(UTC).timestamp()) + 600}, "wrong-key", algorithm="HS256")
    r = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401 and r.json()["error"] == "invalid_token"


async def test_disabled_user_rejected_at_login_and_with_live_token(client):
    from app.core.db import sessionmaker
    from app.models import User

    actor = await make_actor(client)
    async with sessionmaker()() as s:
        (await s.get(User, actor.user.id)).is_active = False
        await s.commit()
    r = await client.get("/api/v1/users/me", headers=actor.headers)
    assert r.status_code == 401
    r = await client.post("/api/v1/auth/login", json={"email": actor.user.email, "password": "pw-123456"})
    assert r.status_code == 401 and r.json()["error"] == "user_disabled"


async def test_login_attempts_are_rate_limited(client):
    user = await make_user()
    codes = []
    for _ in range(get_settings().login_max_attempts + 1):
        r = await client.post("/api/v1/auth/login", json={"email": user.email, "password": "wrong"})
        codes.append(r.status_code)
    assert codes[:-1] == [401] * get_settings().login_max_attempts
    assert codes[-1] == 429
    r = await client.post("/api/v1/auth/login", json={"email": user.email, "password": "pw-123456"})
    assert r.status_code == 429 and r.json()["error"] == "rate_limited"


async def test_validation_errors_use_the_envelope(client):
    r = await client.post("/api/v1/auth/login", json={"email": "x"})
    assert r.status_code == 422
    assert r.json()["error"] == "validation_error" and "password" in r.json()["message"]
