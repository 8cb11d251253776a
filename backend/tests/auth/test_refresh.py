"""Refresh-token rotation: racing refreshes of one token share the new pair; reuse after the window revokes."""

import asyncio

from app.core.config import get_settings
from app.core.queue import get_queue
from app.core.security import hash_refresh_token
from tests.conftest import login, make_user

REFRESH = "/api/v1/auth/refresh"


async def _refresh(client, token: str):
    return await client.post(REFRESH, json={"refresh_token": token})


async def test_two_tabs_refreshing_together_both_stay_logged_in(client):
    user = await make_user()
    first = await login(client, user.email)
    a, b = await asyncio.gather(_refresh(client, first["refresh_token"]), _refresh(client, first["refresh_token"]))
    assert a.status_code == b.status_code == 200, (a.text, b.text)
    assert a.json() == b.json() and a.json()["refresh_token"] != first["refresh_token"]
    me = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {b.json()['access_token']}"})
    assert me.status_code == 200
    after = await _refresh(client, a.json()["refresh_token"])  # the shared new token still rotates
    assert after.status_code == 200


async def test_reuse_after_the_grace_window_revokes_the_family(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "refresh_grace_seconds", 1)
    user = await make_user()
    first = await login(client, user.email)
    second = (await _refresh(client, first["refresh_token"])).json()
    assert (await _refresh(client, first["refresh_token"])).json() == second  # within the window
    await asyncio.sleep(1.2)
    reuse = await _refresh(client, first["refresh_token"])
    assert reuse.status_code == 401 and reuse.json()["error"] == "token_reused"
    assert (await _refresh(client, second["refresh_token"])).status_code == 401


async def test_no_grace_after_logout_or_once_the_new_token_was_used(client):
    user = await make_user()
    first = await login(client, user.email)
    second = (await _refresh(client, first["refresh_token"])).json()
    third = (await _refresh(client, second["refresh_token"])).json()
    # The new token of first was rotated already: first's grace pair is dead, so this is reuse.
    r = await _refresh(client, first["refresh_token"])
    assert r.status_code == 401 and r.json()["error"] == "token_reused"
    assert (await _refresh(client, third["refresh_token"])).status_code == 401

    other = await login(client, user.email)
    rotated = (await _refresh(client, other["refresh_token"])).json()
    assert (await client.post("/api/v1/auth/logout", json={"refresh_token": rotated["refresh_token"]})).status_code == 204
    r = await _refresh(client, other["refresh_token"])
    assert r.status_code == 401 and r.json()["error"] == "token_reused"


async def test_the_kept_pair_is_readable_only_with_the_old_token(client):
    user = await make_user()
    first = await login(client, user.email)
    second = (await _refresh(client, first["refresh_token"])).json()
    stored = await (await get_queue()).get(f"sangdam:refresh:grace:{hash_refresh_token(first['refresh_token'])}")
    assert stored and second["refresh_token"].encode() not in stored and second["access_token"].encode() not in stored
