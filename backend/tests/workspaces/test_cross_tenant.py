"""Every workspace-scoped resource: a member of workspace B gets 404 on workspace A's ids, never 403 or data."""

import uuid

import pytest

from tests.conftest import invite, make_actor, make_workspace, run_worker, unique_email
from tests.helpers import DEMO_FAQ, ask, clone_demo, first, new_session

NOT_FOUND = 404


@pytest.fixture
async def tenants(client, monkeypatch):
    """Workspace A with one of each resource, and the owner of another workspace B."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):  # answer extractively, never with a developer's key
        monkeypatch.delenv(name, raising=False)
    alice, bob = await make_actor(client), await make_actor(client)
    a, b = (await make_workspace(client, alice, "A"))["id"], (await make_workspace(client, bob, "B"))["id"]
    await clone_demo(a)
    entry = (await client.get(f"/api/v1/workspaces/{a}/knowledge?limit=1", headers=alice.headers)).json()["items"][0]
    r = await client.post(f"/api/v1/workspaces/{a}/knowledge/import",
                          files={"file": ("demo_faq.json", DEMO_FAQ.read_bytes())}, headers=alice.headers)
    job = r.json()
    await run_worker()  # nothing changed, so nothing is embedded
    sid = await new_session(client, alice, a, "A의 대화")
    events = await ask(client, alice, a, sid, entry["question"])
    inv = await invite(client, alice, a, unique_email("invitee"))
    return {"alice": alice, "bob": bob, "a": a, "b": b, "entry": entry["id"], "job": job["id"], "sid": sid,
            "mid": first(events, "done")["message_id"], "inv": inv["id"]}


def scoped_requests(t: dict, ws: str) -> list[tuple[str, str, dict | None]]:
    """(method, path, json) for every workspace-scoped route, addressed to A's resources under `ws`."""
    p = f"/api/v1/workspaces/{ws}"
    return [
        ("GET", f"{p}/knowledge/{t['entry']}", None),
        ("PATCH", f"{p}/knowledge/{t['entry']}", {"answer": "바꿈"}),
        ("DELETE", f"{p}/knowledge/{t['entry']}", None),
        ("GET", f"{p}/jobs/{t['job']}", None),
        ("POST", f"{p}/jobs/{t['job']}/cancel", None),
        ("POST", f"{p}/jobs/{t['job']}/retry", None),
        ("GET", f"{p}/chat/sessions/{t['sid']}/messages", None),
        ("PATCH", f"{p}/chat/sessions/{t['sid']}", {"title": "탈취"}),
        ("DELETE", f"{p}/chat/sessions/{t['sid']}", None),
        ("POST", f"{p}/chat/sessions/{t['sid']}/messages", {"content": "안녕하세요"}),
        ("POST", f"{p}/chat/messages/{t['mid']}/feedback", {"rating": -1}),
        ("PATCH", f"{p}/members/{t['alice'].user.id}", {"role": "member"}),
        ("DELETE", f"{p}/members/{t['alice'].user.id}", None),
        ("DELETE", f"{p}/invitations/{t['inv']}", None),
        # Answering an invitation is for the invited email only, whatever workspace one belongs to.
        ("POST", f"/api/v1/invitations/{t['inv']}/accept", None),
        ("POST", f"/api/v1/invitations/{t['inv']}/decline", None),
    ]


def workspace_requests(ws: str) -> list[tuple[str, str, dict | None]]:
    """Routes that need only the workspace id."""
    p = f"/api/v1/workspaces/{ws}"
    return [
        ("GET", p, None), ("PATCH", p, {"name": "탈취"}), ("DELETE", p, None),
        ("GET", f"{p}/members", None), ("POST", f"{p}/invitations", {"email": "x@test.sangdam.dev"}),
        ("GET", f"{p}/invitations", None),
        ("GET", f"{p}/settings", None), ("PATCH", f"{p}/settings", {"qa": {"temperature": 1.0}}),
        ("GET", f"{p}/knowledge", None), ("GET", f"{p}/knowledge/categories", None),
        ("POST", f"{p}/knowledge", {"question": "침입 질문입니다", "answer": "침입"}),
        ("POST", f"{p}/knowledge/reembed", None),
        ("GET", f"{p}/jobs", None),
        ("GET", f"{p}/chat/sessions", None), ("POST", f"{p}/chat/sessions", {"title": "침입"}),
    ]


async def test_member_of_b_gets_404_on_everything_of_a(client, tenants):
    t, bob = tenants, tenants["bob"]
    attempts = scoped_requests(t, t["b"]) + scoped_requests(t, t["a"]) + workspace_requests(t["a"])
    for method, path, body in attempts:
        r = await client.request(method, path, json=body, headers=bob.headers)
        assert r.status_code == NOT_FOUND, (method, path, r.status_code, r.text)
        assert r.json()["error"] == "not_found" and r.json()["message"], (method, path)

    r = await client.post(f"/api/v1/workspaces/{t['a']}/knowledge/import",
                          files={"file": ("demo_faq.json", DEMO_FAQ.read_bytes())}, headers=bob.headers)
    assert r.status_code == NOT_FOUND

    # B's own listings show none of A's rows.
    b = f"/api/v1/workspaces/{t['b']}"
    assert (await client.get(f"{b}/knowledge", headers=bob.headers)).json() == {"items": [], "total": 0}
    assert (await client.get(f"{b}/knowledge/categories", headers=bob.headers)).json() == {"items": []}
    assert (await client.get(f"{b}/jobs", headers=bob.headers)).json() == {"items": [], "total": 0}
    assert (await client.get(f"{b}/chat/sessions", headers=bob.headers)).json() == {"items": []}
    assert (await client.get(f"{b}/invitations", headers=bob.headers)).json() == {"items": []}
    assert (await client.get("/api/v1/invitations", headers=bob.headers)).json() == {"items": []}
    members = (await client.get(f"{b}/members", headers=bob.headers)).json()["items"]
    assert [m["user_id"] for m in members] == [str(bob.user.id)]
    assert [w["id"] for w in (await client.get("/api/v1/workspaces", headers=bob.headers)).json()["items"]] == [t["b"]]


async def test_nothing_of_a_changed(client, tenants):
    t, alice, bob = tenants, tenants["alice"], tenants["bob"]
    for method, path, body in scoped_requests(t, t["b"]) + workspace_requests(t["a"]):
        await client.request(method, path, json=body, headers=bob.headers)
    a = f"/api/v1/workspaces/{t['a']}"
    assert (await client.get(a, headers=alice.headers)).json()["name"] == "A"
    assert (await client.get(f"{a}/knowledge/{t['entry']}", headers=alice.headers)).json()["answer"] != "바꿈"
    assert (await client.get(f"{a}/settings", headers=alice.headers)).json()["qa"]["temperature"] == 0.2
    msgs = (await client.get(f"{a}/chat/sessions/{t['sid']}/messages", headers=alice.headers)).json()["items"]
    assert len(msgs) == 2 and msgs[1]["feedback"] is None
    sessions = (await client.get(f"{a}/chat/sessions", headers=alice.headers)).json()["items"]
    assert [s["title"] for s in sessions] == ["A의 대화"]
    members = (await client.get(f"{a}/members", headers=alice.headers)).json()["items"]
    assert [(m["user_id"], m["role"]) for m in members] == [(str(alice.user.id), "owner")]
    invitations = (await client.get(f"{a}/invitations", headers=alice.headers)).json()["items"]
    assert [i["id"] for i in invitations] == [t["inv"]]
    jobs = (await client.get(f"{a}/jobs", headers=alice.headers)).json()["items"]
    assert [j["id"] for j in jobs] == [t["job"]]


async def test_unknown_ids_are_404_too(client, tenants):
    alice, a = tenants["alice"], tenants["a"]
    ghost = uuid.uuid4()
    for path in (f"/api/v1/workspaces/{ghost}", f"/api/v1/workspaces/{a}/knowledge/{ghost}",
                 f"/api/v1/workspaces/{a}/jobs/{ghost}", f"/api/v1/workspaces/{a}/chat/sessions/{ghost}/messages"):
        r = await client.get(path, headers=alice.headers)
        assert r.status_code == NOT_FOUND and r.json()["error"] == "not_found", path
    r = await client.get(f"/api/v1/workspaces/{a}/knowledge/not-a-uuid", headers=alice.headers)
    assert r.status_code == 422 and r.json()["error"] == "validation_error"
