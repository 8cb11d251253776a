"""Versions are immutable and numbered per prompt; labels point at them; every change is audited; admins only."""

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.prompts.defaults import DEFAULTS
from tests.conftest import make_actor, make_workspace

API = "/api/v1/admin/prompts"
NEW_TEXT = "'{question}' 관련 도움말을 찾으시나요?"


async def save(client, admin, key="chat.suggestion", template=NEW_TEXT, **extra):
    r = await client.post(f"{API}/{key}/versions", json={"template": template, **extra}, headers=admin.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def detail(client, admin, key="chat.suggestion"):
    r = await client.get(f"{API}/{key}", headers=admin.headers)
    assert r.status_code == 200, r.text
    return r.json()


def label(d: dict, name: str, ws=None) -> dict | None:
    return next((x for x in d["labels"] if x["label"] == name and x["workspace_id"] == ws), None)


async def audit(client, admin, action: str) -> list[dict]:
    r = await client.get("/api/v1/admin/audit", params={"action": action, "limit": 500}, headers=admin.headers)
    return r.json()["items"]


async def test_every_registered_prompt_is_listed_with_its_built_in_text_as_a_version(client, admin):
    r = await client.get(API, headers=admin.headers)
    assert r.status_code == 200
    items = {p["key"]: p for p in r.json()["items"]}
    assert set(DEFAULTS) <= set(items)
    assert items["chat.suggestion"]["variables"] == ["question"]
    d = await detail(client, admin, "chat.system")
    builtin = [v for v in d["versions"] if v["builtin"]]
    assert builtin and builtin[0]["template"] == DEFAULTS["chat.system"] and builtin[0]["author"] is None
    assert label(d, "production")["version"] == builtin[0]["version"]
    assert items["chat.system"]["production_version"] == builtin[0]["version"]


async def test_new_versions_get_the_next_number_with_author_note_and_settings_and_run_nowhere(client, admin):
    before = await detail(client, admin)
    top = before["versions"][0]["version"]
    a = await save(client, admin, note="짧게", model="gpt-4o-mini", temperature=0.7, max_tokens=64)
    b = await save(client, admin, template="{question}?")
    assert (a["version"], b["version"]) == (top + 1, top + 2)
    assert (a["note"], a["model"], a["temperature"], a["max_tokens"], a["builtin"]) == ("짧게", "gpt-4o-mini", 0.7, 64,
                                                                                     False)
    assert a["created_by"] == str(admin.user.id)
    after = await detail(client, admin)
    assert [v["version"] for v in after["versions"][:2]] == [top + 2, top + 1]
    assert after["versions"][1]["author"] == admin.user.email
    assert label(after, "production") == label(before, "production")  # saving activates nothing
    entries = await audit(client, admin, "prompt.version.create")
    assert any(e["target_id"] == a["id"] and e["actor_id"] == str(admin.user.id) and e["detail"]["version"] == a["version"]
               for e in entries)


async def test_versions_cannot_be_changed_or_deleted(client, admin):
    v = await save(client, admin)
    for method in ("put", "patch", "delete"):
        r = await client.request(method, f"{API}/chat.suggestion/versions/{v['version']}", headers=admin.headers)
        assert r.status_code in (404, 405)
    from app.core.db import sessionmaker

    async with sessionmaker()() as s:
        with pytest.raises(DBAPIError, match="immutable"):
            await s.execute(text("update prompt_versions set template = 'x {question}' where id = :id"), {"id": v["id"]})
    d = await detail(client, admin)
    assert next(x for x in d["versions"] if x["id"] == v["id"])["template"] == NEW_TEXT


@pytest.mark.parametrize("template, named", [
    ("{question} {answer}", "{answer}"),
    ("변수가 없는 문장", "{question}"),
    ("{question.__class__.__mro__}", "{question.__class__.__mro__}"),
])
async def test_a_version_with_an_unknown_or_missing_variable_is_refused_and_nothing_is_saved(client, admin, template,
                                                                                          named):
    count = len((await detail(client, admin))["versions"])
    r = await client.post(f"{API}/chat.suggestion/versions", json={"template": template}, headers=admin.headers)
    assert r.status_code == 422
    assert r.json()["error"] == "invalid_prompt_variables" and named in r.json()["message"]
    assert len((await detail(client, admin))["versions"]) == count


async def test_moving_and_rolling_back_a_label_is_audited(client, admin):
    start = label(await detail(client, admin), "production")["version"]
    v = await save(client, admin)
    r = await client.put(f"{API}/chat.suggestion/labels/production", json={"version": v["version"]},
                         headers=admin.headers)
    assert r.status_code == 200
    moved = label(r.json(), "production")
    assert (moved["version"], moved["previous_version"], moved["updated_by"]) == (v["version"], start, admin.user.email)

    r = await client.post(f"{API}/chat.suggestion/labels/production/rollback", json={}, headers=admin.headers)
    assert r.status_code == 200 and label(r.json(), "production")["version"] == start

    moves = await audit(client, admin, "prompt.label.")
    actions = [(e["action"], e["detail"]["from"], e["detail"]["to"]) for e in moves
               if e["detail"].get("key") == "chat.suggestion"]
    assert ("prompt.label.rollback", v["version"], start) in actions
    assert ("prompt.label.move", start, v["version"]) in actions


async def test_staging_and_workspace_overrides_are_labels_of_their_own(client, admin):
    owner = await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    v = await save(client, admin)
    prod = label(await detail(client, admin), "production")["version"]
    r = await client.put(f"{API}/chat.suggestion/labels/staging", json={"version": v["version"]}, headers=admin.headers)
    assert label(r.json(), "staging")["version"] == v["version"]
    r = await client.put(f"{API}/chat.suggestion/labels/production", json={"version": v["version"], "workspace_id": ws},
                         headers=admin.headers)
    d = r.json()
    assert label(d, "production", ws)["version"] == v["version"] and label(d, "production", ws)["workspace_name"]
    assert label(d, "production")["version"] == prod  # the platform's is untouched
    entry = (await audit(client, admin, "prompt.label.move"))[0]
    assert entry["workspace_id"] == ws and entry["detail"]["to"] == v["version"]

    r = await client.delete(f"{API}/chat.suggestion/labels/production", params={"workspace_id": ws}, headers=admin.headers)
    assert r.status_code == 204
    assert label(await detail(client, admin), "production", ws) is None
    assert (await audit(client, admin, "prompt.label.remove"))[0]["workspace_id"] == ws
    r = await client.delete(f"{API}/chat.suggestion/labels/production", headers=admin.headers)
    assert r.status_code == 409  # the platform's production label always points somewhere


async def test_diff_returns_both_versions_and_what_changed(client, admin):
    a = await save(client, admin)
    b = await save(client, admin, template="{question}은(는) 어떠세요?", temperature=0.1)
    r = await client.get(f"{API}/chat.suggestion/diff", params={"old": a["version"], "new": b["version"]},
                         headers=admin.headers)
    assert r.status_code == 200
    body = r.json()
    assert (body["old"]["template"], body["new"]["template"]) == (a["template"], b["template"])
    assert body["changed"] == ["template", "temperature"]
    r = await client.get(f"{API}/chat.suggestion/diff", params={"old": a["version"], "new": 999999},
                         headers=admin.headers)
    assert r.status_code == 404


async def test_unknown_prompt_version_or_workspace_is_404(client, admin):
    assert (await client.get(f"{API}/no.such", headers=admin.headers)).status_code == 404
    r = await client.put(f"{API}/chat.suggestion/labels/production", json={"version": 999999}, headers=admin.headers)
    assert r.status_code == 404
    r = await client.put(f"{API}/chat.suggestion/labels/production", json={"version": 1, "workspace_id": str(uuid.uuid4())},
                         headers=admin.headers)
    assert r.status_code == 404
    r = await client.post(f"{API}/chat.suggestion/labels/staging/rollback", json={}, headers=admin.headers)
    assert r.status_code in (404, 409)


async def test_only_platform_admins_manage_prompts_even_for_their_own_workspace(client, admin):
    owner = await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    v = await save(client, admin)
    calls = [
        ("get", API, None), ("get", f"{API}/chat.suggestion", None),
        ("post", f"{API}/chat.suggestion/versions", {"template": NEW_TEXT}),
        ("put", f"{API}/chat.suggestion/labels/production", {"version": v["version"], "workspace_id": ws}),
        ("post", f"{API}/chat.suggestion/labels/production/rollback", {"workspace_id": ws}),
        ("delete", f"{API}/chat.suggestion/labels/production?workspace_id={ws}", None),
        ("get", f"{API}/chat.suggestion/diff?old=1&new={v['version']}", None),
        ("get", f"{API}/chat.suggestion/stats?workspace_id={ws}", None),
        ("post", f"{API}/chat.suggestion/playground", {"workspace_id": ws, "question": "안녕"}),
    ]
    for method, path, body in calls:
        r = await client.request(method, path, json=body, headers=owner.headers)
        assert r.status_code == 403, (method, path, r.text)
        assert (await client.request(method, path, json=body)).status_code == 401
    d = await detail(client, admin)
    assert label(d, "production", ws) is None and d["versions"][0]["id"] == v["id"]
