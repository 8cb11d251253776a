from tests.conftest import add_member, make_actor, make_workspace
from tests.helpers import MINOR_SIGNUP, ask, clone_demo, first, new_session

ROUTES = ("/api/v1/admin/users", "/api/v1/admin/workspaces", "/api/v1/admin/usage")


async def test_non_admins_are_forbidden(client):
    owner = await make_actor(client)
    await make_workspace(client, owner)  # owning a workspace does not make one a platform admin
    for path in ROUTES:
        r = await client.get(path, headers=owner.headers)
        assert r.status_code == 403
        assert r.json() == {"error": "forbidden", "message": "Platform admins only."}
        assert (await client.get(path)).status_code == 401


async def test_admin_sees_users_and_workspaces(client):
    admin = await make_actor(client, is_admin=True)
    owner, member = await make_actor(client), await make_actor(client)
    ws = await make_workspace(client, owner, "관리 대상")
    await add_member(client, owner, ws["id"], member)
    await clone_demo(ws["id"])

    users = {u["email"]: u for u in (await client.get(ROUTES[0], headers=admin.headers)).json()["items"]}
    assert users[owner.user.email]["workspaces"] == 1 and users[owner.user.email]["is_admin"] is False
    assert users[admin.user.email]["is_admin"] is True and users[admin.user.email]["workspaces"] == 0
    assert "password_hash" not in users[owner.user.email]

    workspaces = {w["id"]: w for w in (await client.get(ROUTES[1], headers=admin.headers)).json()["items"]}
    row = workspaces[ws["id"]]
    assert row["name"] == "관리 대상" and row["members"] == 2 and row["entries"] == 44


async def test_usage_counts_answers_refusals_and_feedback(client, monkeypatch):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    admin, owner = await make_actor(client, is_admin=True), await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    await clone_demo(ws)

    def row(items):
        return next(i for i in items if i["workspace_id"] == ws)

    before = row((await client.get(ROUTES[2], headers=admin.headers)).json()["items"])
    assert (before["messages"], before["refusals"]) == (0, 0)

    sid = await new_session(client, owner, ws)
    answered = await ask(client, owner, ws, sid, MINOR_SIGNUP)
    await ask(client, owner, ws, sid, "강남역 근처 파스타 맛집 알려줘")
    r = await client.post(f"/api/v1/workspaces/{ws}/chat/messages/{first(answered, 'done')['message_id']}/feedback",
                          json={"rating": 1}, headers=owner.headers)
    assert r.status_code == 204

    after = row((await client.get(ROUTES[2], headers=admin.headers)).json()["items"])
    assert (after["messages"], after["refusals"]) == (2, 1)
    assert (after["feedback_up"], after["feedback_down"]) == (1, 0)
    assert after["latency_p50_ms"] > 0 and after["latency_p95_ms"] >= after["latency_p50_ms"]


async def test_audit_log_records_member_settings_and_invitation_changes(client):
    admin, owner, member = await make_actor(client, is_admin=True), await make_actor(client), await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    await add_member(client, owner, ws, member)
    h = owner.headers
    assert (await client.patch(f"/api/v1/workspaces/{ws}/members/{member.user.id}", json={"role": "editor"},
                               headers=h)).status_code == 200
    assert (await client.patch(f"/api/v1/workspaces/{ws}/settings", json={"retrieval": {"top_k": 4}},
                               headers=h)).status_code == 200
    assert (await client.delete(f"/api/v1/workspaces/{ws}/members/{member.user.id}", headers=h)).status_code == 204
    # A refused change leaves no entry: the last owner cannot leave.
    assert (await client.delete(f"/api/v1/workspaces/{ws}/members/{owner.user.id}", headers=h)).status_code == 409

    r = await client.get("/api/v1/admin/audit", params={"workspace_id": ws}, headers=admin.headers)
    assert r.status_code == 200
    actions = [(e["action"], e["actor_id"]) for e in r.json()["items"]]
    assert actions == [("member.remove", str(owner.user.id)), ("settings.update", str(owner.user.id)),
                       ("member.role", str(owner.user.id)), ("invitation.create", str(owner.user.id))]
    role = next(e for e in r.json()["items"] if e["action"] == "member.role")
    assert role["detail"] == {"from": "member", "to": "editor"} and role["target_id"] == str(member.user.id)
    only = await client.get("/api/v1/admin/audit", params={"workspace_id": ws, "action": "member."},
                            headers=admin.headers)
    assert [e["action"] for e in only.json()["items"]] == ["member.remove", "member.role"]
    assert (await client.get("/api/v1/admin/audit", headers=owner.headers)).status_code == 403
