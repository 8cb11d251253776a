"""Invite links (sign-up, expired, reused, another account's, another workspace's), password change and admin reset,
disabling an account; each audited."""

import uuid

from sqlalchemy import select, text

from app.core.db import sessionmaker
from app.models import AuditEntry
from tests.conftest import login, make_actor, make_workspace, unique_email


async def actions(**where) -> list[str]:
    async with sessionmaker()() as s:
        stmt = select(AuditEntry.action).order_by(AuditEntry.created_at)
        for k, v in where.items():
            stmt = stmt.where(getattr(AuditEntry, k) == v)
        return list(await s.scalars(stmt))


async def invite_link(client, owner, ws, email, role="member") -> dict:
    r = await client.post(f"/api/v1/workspaces/{ws}/invitations", json={"email": email, "role": role},
                          headers=owner.headers)
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["invite_path"] == f"/invite#{body['token']}"
    return body


async def test_signup_through_an_invite_link_joins_the_workspace_once(client):
    owner = await make_actor(client)
    ws = await make_workspace(client, owner, "초대 워크스페이스")
    email = unique_email("new")
    inv = await invite_link(client, owner, ws["id"], email, "editor")
    listed = (await client.get(f"/api/v1/workspaces/{ws['id']}/invitations", headers=owner.headers)).json()["items"]
    assert listed[0]["token"] is None  # the link is shown once, when it is made

    r = await client.post("/api/v1/invitations/preview", json={"token": inv["token"]})
    assert r.status_code == 200
    assert r.json() | {"expires_at": None} == {"workspace_name": "초대 워크스페이스", "email": email, "role": "editor",
                                               "expires_at": None}
    r = await client.post("/api/v1/auth/signup", json={"token": inv["token"], "name": "새 사람", "password": "pw-new-123"})
    assert r.status_code == 201, r.text
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    mine = (await client.get("/api/v1/workspaces", headers=headers)).json()["items"]
    assert [(w["id"], w["role"]) for w in mine] == [(ws["id"], "editor")]
    assert (await login(client, email, "pw-new-123"))["access_token"]
    # Used up: the same link again, for a preview or a sign-up, is a 404.
    for path, body in (("/api/v1/invitations/preview", {"token": inv["token"]}),
                       ("/api/v1/auth/signup", {"token": inv["token"], "password": "pw-other-123"})):
        r = await client.post(path, json=body)
        assert r.status_code == 404 and r.json()["error"] == "invite_invalid"
    new_user = (await client.get("/api/v1/users/me", headers=headers)).json()["id"]
    assert await actions(target_id=new_user) == ["user.signup"]
    assert "invitation.accept" in await actions(workspace_id=uuid.UUID(ws["id"]))


async def test_expired_renewed_registered_and_wrong_account_links(client):
    owner, registered, someone = await make_actor(client), await make_actor(client), await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    other_ws = (await make_workspace(client, owner, "다른 곳"))["id"]
    inv = await invite_link(client, owner, ws, unique_email("late"))
    async with sessionmaker()() as s:
        await s.execute(text("update workspace_invitations set expires_at = now() - interval '1 minute' where id = :id"),
                        {"id": uuid.UUID(inv["id"])})
        await s.commit()
    r = await client.post("/api/v1/auth/signup", json={"token": inv["token"], "password": "pw-late-123"})
    assert r.status_code == 404 and r.json()["error"] == "invite_invalid"
    # Inviting again renews it with a new link; the old link stays dead.
    again = await invite_link(client, owner, ws, inv["email"])
    assert again["token"] != inv["token"]
    assert (await client.post("/api/v1/invitations/preview", json={"token": inv["token"]})).status_code == 404
    assert (await client.post("/api/v1/invitations/preview", json={"token": again["token"]})).status_code == 200

    # A registered email cannot sign up again; its owner logs in and redeems the link.
    link = await invite_link(client, owner, ws, registered.user.email)
    r = await client.post("/api/v1/auth/signup", json={"token": link["token"], "password": "pw-registered-1"})
    assert r.status_code == 409 and r.json()["error"] == "email_registered"
    # Another account cannot use it.
    r = await client.post("/api/v1/invitations/redeem", json={"token": link["token"]}, headers=someone.headers)
    assert r.status_code == 404
    r = await client.post("/api/v1/invitations/redeem", json={"token": link["token"]}, headers=registered.headers)
    assert r.status_code == 200 and r.json()["id"] == ws  # it joins the workspace of the link, no other
    ids = {w["id"] for w in (await client.get("/api/v1/workspaces", headers=registered.headers)).json()["items"]}
    assert ids == {ws} and other_ws not in ids
    # Another workspace's owner cannot withdraw it (nor see it).
    stranger = await make_actor(client)
    theirs = (await make_workspace(client, stranger))["id"]
    pending = await invite_link(client, owner, ws, unique_email("pending"))
    r = await client.delete(f"/api/v1/workspaces/{theirs}/invitations/{pending['id']}", headers=stranger.headers)
    assert r.status_code == 404


async def test_unknown_email_gets_the_same_reply_as_a_registered_one(client):
    owner, registered = await make_actor(client), await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    unknown = await client.post(f"/api/v1/workspaces/{ws}/invitations", json={"email": unique_email("nobody")},
                                headers=owner.headers)
    known = await client.post(f"/api/v1/workspaces/{ws}/invitations", json={"email": registered.user.email},
                              headers=owner.headers)
    assert unknown.status_code == known.status_code == 202
    assert set(unknown.json()) == set(known.json()) and "No user" not in unknown.text


async def test_password_change_needs_the_current_one_and_ends_other_sessions(client):
    actor = await make_actor(client)
    other_tab = await login(client, actor.user.email)
    r = await client.post("/api/v1/users/me/password", json={"current_password": "wrong-one", "new_password": "pw-new-456"},
                          headers=actor.headers)
    assert r.status_code == 401 and r.json()["error"] == "wrong_password"
    r = await client.post("/api/v1/users/me/password",
                          json={"current_password": "pw-123456", "new_password": "pw-new-456"}, headers=actor.headers)
    assert r.status_code == 200
    pair = r.json()
    for old in (actor.tokens["refresh_token"], other_tab["refresh_token"]):
        assert (await client.post("/api/v1/auth/refresh", json={"refresh_token": old})).status_code == 401
    assert (await client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})).status_code == 200
    r = await client.post("/api/v1/auth/login", json={"email": actor.user.email, "password": "pw-123456"})
    assert r.status_code == 401
    assert await login(client, actor.user.email, "pw-new-456")
    assert await actions(target_id=str(actor.user.id)) == ["user.password_change"]


async def test_admin_reset_link_works_once_and_disabling_stops_tokens_at_once(client):
    admin, user, plain = await make_actor(client, is_admin=True), await make_actor(client), await make_actor(client)
    url = f"/api/v1/admin/users/{user.user.id}"
    assert (await client.post(f"{url}/password-reset", headers=plain.headers)).status_code == 403
    r = await client.post(f"{url}/password-reset", headers=admin.headers)
    assert r.status_code == 201
    reset = r.json()
    assert reset["reset_path"] == f"/reset-password#{reset['token']}"
    body = {"token": reset["token"], "new_password": "pw-reset-789"}
    assert (await client.post("/api/v1/auth/password-reset", json=body)).status_code == 204
    r = await client.post("/api/v1/auth/password-reset", json=body | {"new_password": "pw-again-789"})
    assert r.status_code == 404 and r.json()["error"] == "reset_invalid"  # one time only
    assert (await client.post("/api/v1/auth/refresh", json={"refresh_token": user.tokens["refresh_token"]})).status_code == 401
    fresh = await login(client, user.user.email, "pw-reset-789")
    headers = {"Authorization": f"Bearer {fresh['access_token']}"}

    assert (await client.patch(url, json={"is_active": False}, headers=plain.headers)).status_code == 403
    r = await client.patch(url, json={"is_active": False}, headers=admin.headers)
    assert r.status_code == 200 and r.json()["is_active"] is False
    r = await client.get("/api/v1/users/me", headers=headers)  # the access token stops working at once
    assert r.status_code == 401
    assert (await client.post("/api/v1/auth/refresh", json={"refresh_token": fresh["refresh_token"]})).status_code == 401
    r = await client.patch(f"/api/v1/admin/users/{admin.user.id}", json={"is_active": False}, headers=admin.headers)
    assert r.status_code == 409
    assert (await client.patch(f"/api/v1/admin/users/{uuid.uuid4()}", json={"is_active": False},
                               headers=admin.headers)).status_code == 404
    await client.patch(url, json={"is_active": True}, headers=admin.headers)
    assert await login(client, user.user.email, "pw-reset-789")
    assert await actions(target_id=str(user.user.id)) == ["user.password_reset", "user.password_reset_used",
                                                          "user.disable", "user.enable"]
