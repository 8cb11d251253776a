"""Adding a member is an invitation the person accepts; inviting never tells whether an email is registered."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from app.core.db import sessionmaker
from app.models import WorkspaceInvitation
from tests.conftest import invite, make_actor, make_user, make_workspace, unique_email

MINE = "/api/v1/invitations"


def url(ws_id, tail: str = "") -> str:
    return f"/api/v1/workspaces/{ws_id}{tail}"


def shape(reply: dict) -> dict:
    """What an invitation reply says apart from its own id, times, address and invite link."""
    assert reply["invite_path"] == f"/invite#{reply['token']}"
    return {k: v for k, v in reply.items() if k not in ("id", "email", "created_at", "expires_at", "token", "invite_path")}


async def test_the_reply_is_the_same_for_registered_and_unknown_emails(client):
    owner, registered = await make_actor(client), await make_actor(client)
    ws = await make_workspace(client, owner)
    replies = []
    for email in (registered.user.email, unique_email("nobody")):
        r = await client.post(url(ws["id"], "/invitations"), json={"email": email, "role": "editor"},
                              headers=owner.headers)
        assert r.status_code == 202
        replies.append(r)
    assert shape(replies[0].json()) == shape(replies[1].json()) == {"role": "editor"}
    assert replies[0].headers.keys() == replies[1].headers.keys()
    assert [i["email"] for i in (await client.get(url(ws["id"], "/invitations"), headers=owner.headers)
                                 ).json()["items"]] == [registered.user.email, replies[1].json()["email"]]
    # Nobody became a member by being invited.
    members = (await client.get(url(ws["id"], "/members"), headers=owner.headers)).json()["items"]
    assert [m["user_id"] for m in members] == [str(owner.user.id)]
    assert (await client.get(url(ws["id"]), headers=registered.headers)).status_code == 404


async def test_the_invitee_accepts_and_joins_with_the_invited_role(client):
    owner, guest = await make_actor(client), await make_actor(client)
    ws = await make_workspace(client, owner, "초대하는 곳")
    inv = await invite(client, owner, ws["id"], guest.user.email.upper(), "editor")

    mine = (await client.get(MINE, headers=guest.headers)).json()["items"]
    assert [(i["id"], i["workspace_id"], i["workspace_name"], i["role"], i["invited_by"]) for i in mine] == [
        (inv["id"], ws["id"], "초대하는 곳", "editor", owner.user.name or owner.user.email)]
    assert (await client.get(MINE, headers=owner.headers)).json() == {"items": []}

    r = await client.post(f"{MINE}/{inv['id']}/accept", headers=guest.headers)
    assert r.status_code == 200 and r.json()["id"] == ws["id"] and r.json()["role"] == "editor"
    assert (await client.get(url(ws["id"]), headers=guest.headers)).json()["role"] == "editor"
    # Used up: gone from both lists, and a second accept is 404.
    assert (await client.get(MINE, headers=guest.headers)).json() == {"items": []}
    assert (await client.get(url(ws["id"], "/invitations"), headers=owner.headers)).json() == {"items": []}
    assert (await client.post(f"{MINE}/{inv['id']}/accept", headers=guest.headers)).status_code == 404


async def test_decline_revoke_and_reinvite(client):
    owner, guest = await make_actor(client), await make_actor(client)
    ws = await make_workspace(client, owner)
    first = await invite(client, owner, ws["id"], guest.user.email)
    again = await invite(client, owner, ws["id"], guest.user.email, "editor")  # renews the one invitation
    assert again["id"] == first["id"] and again["role"] == "editor"

    assert (await client.post(f"{MINE}/{first['id']}/decline", headers=guest.headers)).status_code == 204
    assert (await client.get(MINE, headers=guest.headers)).json() == {"items": []}
    assert (await client.get(url(ws["id"]), headers=guest.headers)).status_code == 404

    inv = await invite(client, owner, ws["id"], guest.user.email)
    assert (await client.delete(url(ws["id"], f"/invitations/{inv['id']}"), headers=owner.headers)).status_code == 204
    assert (await client.delete(url(ws["id"], f"/invitations/{inv['id']}"), headers=owner.headers)).status_code == 404
    assert (await client.post(f"{MINE}/{inv['id']}/accept", headers=guest.headers)).status_code == 404


async def test_an_invitation_waits_for_the_email_and_expires(client):
    owner = await make_actor(client)
    ws = await make_workspace(client, owner)
    email = unique_email("later")
    inv = await invite(client, owner, ws["id"], email)
    # The person gets an account afterwards (e.g. made by an admin) and finds the invitation.
    await make_user(email=email)
    from tests.conftest import Actor, login

    later = Actor(None, await login(client, email))
    assert [i["id"] for i in (await client.get(MINE, headers=later.headers)).json()["items"]] == [inv["id"]]

    async with sessionmaker()() as s:
        await s.execute(update(WorkspaceInvitation).where(WorkspaceInvitation.id == inv["id"])
                        .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
        await s.commit()
    assert (await client.get(MINE, headers=later.headers)).json() == {"items": []}
    assert (await client.post(f"{MINE}/{inv['id']}/accept", headers=later.headers)).status_code == 404


async def test_only_the_invited_email_can_answer(client):
    owner, guest, stranger = await make_actor(client), await make_actor(client), await make_actor(client)
    ws = await make_workspace(client, owner)
    inv = await invite(client, owner, ws["id"], guest.user.email)
    for action in ("accept", "decline"):
        r = await client.post(f"{MINE}/{inv['id']}/{action}", headers=stranger.headers)
        assert r.status_code == 404 and r.json() == {"error": "not_found", "message": "Invitation not found."}
        # The inviting owner cannot answer for the guest either.
        assert (await client.post(f"{MINE}/{inv['id']}/{action}", headers=owner.headers)).status_code == 404
    assert (await client.get(url(ws["id"]), headers=stranger.headers)).status_code == 404
    assert [i["id"] for i in (await client.get(MINE, headers=guest.headers)).json()["items"]] == [inv["id"]]
    assert (await client.post(f"{MINE}/{inv['id']}/accept")).status_code == 401
