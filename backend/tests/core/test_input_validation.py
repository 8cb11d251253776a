"""Input PostgreSQL cannot store (NUL, lone surrogates) and out-of-range paging get 422, never a 500."""

import json

import pytest

from tests.conftest import make_actor, make_workspace

NUL, SURROGATE = "a\x00b", "a\ud800b"

# (method, path under the workspace or the API root, JSON body with {bad} where the bad string goes)
CASES = [
    ("POST", "/auth/login", {"email": "{bad}", "password": "pw-123456"}),
    ("POST", "/auth/login", {"email": "x@test.sangdam.dev", "password": "{bad}"}),
    ("POST", "/auth/refresh", {"refresh_token": "0123456789{bad}"}),
    ("POST", "/auth/logout", {"refresh_token": "0123456789{bad}"}),
    ("POST", "/workspaces", {"name": "{bad}"}),
    ("PATCH", "@", {"name": "{bad}"}),
    ("POST", "@/invitations", {"email": "{bad}@test.sangdam.dev"}),
    ("PATCH", "@/settings", {"profile": {"display_name": "{bad}"}}),
    ("PATCH", "@/settings", {"profile": {"persona": "{bad}"}}),
    ("PATCH", "@/settings", {"profile": {"refusal_message": "{bad}"}}),
    ("PATCH", "@/settings", {"qa": {"chat_model": "{bad}"}}),
    ("PATCH", "@/settings", {"retrieval": {"embedding_model": "{bad}"}}),
    ("POST", "@/chat/sessions", {"title": "{bad}"}),
    ("POST", "@/knowledge", {"question": "{bad}", "answer": "답변"}),
    ("POST", "@/knowledge", {"question": "질문이에요", "answer": "{bad}"}),
    ("POST", "@/knowledge", {"question": "질문이에요", "answer": "답변", "category": "{bad}"}),
    ("POST", "@/knowledge", {"question": "질문이에요", "answer": "답변", "related": ["ok", "{bad}"]}),
    ("POST", "@/knowledge", {"question": "질문이에요", "answer": "답변", "{bad}": 1}),
]


def _raw(body: dict, bad: str) -> bytes:
    # json.dumps writes a lone surrogate as the escape "\ud800", exactly what a client sends on the wire.
    return json.dumps(body).replace("{bad}", json.dumps(bad)[1:-1]).encode()


@pytest.fixture
async def owner_ws(client):
    owner = await make_actor(client)
    return owner, await make_workspace(client, owner)


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "lone-surrogate"])
@pytest.mark.parametrize(("method", "path", "body"), CASES, ids=[f"{m} {p} {list(b)}" for m, p, b in CASES])
async def test_unstorable_strings_are_422(client, owner_ws, method, path, body, bad):
    owner, ws = owner_ws
    path = "/api/v1" + path.replace("@", f"/workspaces/{ws['id']}")
    r = await client.request(method, path, content=_raw(body, bad),
                             headers=owner.headers | {"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "validation_error"


async def test_unstorable_strings_in_chat_and_queries_are_422(client, owner_ws):
    owner, ws = owner_ws
    base = f"/api/v1/workspaces/{ws['id']}"
    sid = (await client.post(f"{base}/chat/sessions", json={}, headers=owner.headers)).json()["id"]
    for bad in (NUL, SURROGATE):
        for path, method, body in [(f"{base}/chat/sessions/{sid}", "PATCH", {"title": "{bad}"}),
                                   (f"{base}/chat/sessions/{sid}/messages?stream=false", "POST", {"content": "{bad}"})]:
            r = await client.request(method, path, content=_raw(body, bad),
                                     headers=owner.headers | {"Content-Type": "application/json"})
            assert r.status_code == 422, r.text
    for query in ("/knowledge?q=a%00b", "/knowledge?category=%00", "/chat/sessions?q=%00"):
        r = await client.get(base + query, headers=owner.headers)
        assert r.status_code == 422, (query, r.text)


@pytest.mark.parametrize("query", ["/knowledge?offset=9223372036854775808", "/knowledge?offset=1000001",
                                   "/knowledge?offset=-1", "/jobs?limit=-1", "/jobs?limit=0", "/jobs?limit=101"])
async def test_paging_is_bounded(client, owner_ws, query):
    owner, ws = owner_ws
    r = await client.get(f"/api/v1/workspaces/{ws['id']}{query}", headers=owner.headers)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "validation_error"


async def test_paging_within_bounds_still_works(client, owner_ws):
    owner, ws = owner_ws
    r = await client.get(f"/api/v1/workspaces/{ws['id']}/knowledge?offset=1000000", headers=owner.headers)
    assert r.status_code == 200 and r.json() == {"items": [], "total": 0}
    r = await client.get(f"/api/v1/workspaces/{ws['id']}/jobs?limit=100", headers=owner.headers)
    assert r.status_code == 200


async def test_admin_usage_days_is_bounded(client):
    admin = await make_actor(client, is_admin=True)
    for days in ("0", "-5", "99999999999999999999"):
        r = await client.get(f"/api/v1/admin/usage?days={days}", headers=admin.headers)
        assert r.status_code == 422, (days, r.text)


@pytest.mark.parametrize("path", ["/%00", "/assets/%00", "/knowledge/%00.js"])
async def test_nul_in_a_page_path_is_404(client, path):
    r = await client.get(path)
    assert r.status_code == 404 and r.json()["error"] == "not_found"


async def test_entry_update_refuses_null_for_what_cannot_be_empty(client, owner_ws):
    """Found by schemathesis: PATCH {"related": null} reached the index and answered 500."""
    owner, ws = owner_ws
    base = f"/api/v1/workspaces/{ws['id']}/knowledge"
    entry = (await client.post(base, json={"question": "질문이에요", "answer": "답변", "category": "배송"},
                               headers=owner.headers)).json()
    for field in ("question", "answer", "related"):
        r = await client.patch(f"{base}/{entry['id']}", json={field: None}, headers=owner.headers)
        assert r.status_code == 422 and "not null" in r.json()["message"], r.text
    r = await client.patch(f"{base}/{entry['id']}", json={"category": None}, headers=owner.headers)
    assert r.status_code == 200 and r.json()["category"] is None
