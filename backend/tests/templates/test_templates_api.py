"""Templates over the API: create, validate on save, version, tenancy, the demo templates."""

from app.core.db import sessionmaker
from app.templates.seed import DEMO_TEMPLATES, ensure_demo_templates
from tests.conftest import add_member, make_actor, make_workspace


def url(ws, tail=""):
    return f"/api/v1/workspaces/{ws}{tail}"


def reply_template(**over) -> dict:
    return {"name": "불만 회신", "description": "테스트",
            "fields": [{"name": "customer", "label": "고객", "type": "text", "required": True},
                       {"name": "qty", "label": "수량", "type": "number", "min": 1, "max": 5}],
            "sections": [{"key": "hello", "title": "인사", "kind": "text", "body": "{{ customer }}님 안녕하세요."},
                         {"key": "policy", "title": "기준", "kind": "knowledge",
                          "body": "미성년자 판매자는 어떤 서류를 제출해야 하나요?"}]} | over


async def test_create_read_list_and_version_on_change(client, owner_ws):
    actor, ws = owner_ws
    r = await client.post(url(ws, "/templates"), json=reply_template(), headers=actor.headers)
    assert r.status_code == 201, r.text
    tpl = r.json()
    assert tpl["version"] == 1 and [s["key"] for s in tpl["sections"]] == ["hello", "policy"] and tpl["layout"] is None

    r = await client.patch(url(ws, f"/templates/{tpl['id']}"), json={"name": "새 이름"}, headers=actor.headers)
    assert r.json()["version"] == 1 and r.json()["name"] == "새 이름"  # a rename is no new version
    sections = tpl["sections"] + [{"key": "bye", "title": "끝", "kind": "text", "body": "감사합니다."}]
    r = await client.patch(url(ws, f"/templates/{tpl['id']}"), json={"sections": sections, "note": "맺음말"},
                           headers=actor.headers)
    assert r.status_code == 200 and r.json()["version"] == 2

    versions = (await client.get(url(ws, f"/templates/{tpl['id']}/versions"), headers=actor.headers)).json()["items"]
    assert [v["version"] for v in versions] == [2, 1] and versions[0]["note"] == "맺음말"
    first = (await client.get(url(ws, f"/templates/{tpl['id']}/versions/1"), headers=actor.headers)).json()
    assert len(first["sections"]) == 2
    items = (await client.get(url(ws, "/templates"), headers=actor.headers)).json()["items"]
    assert [(t["name"], t["version"]) for t in items] == [("새 이름", 2)]


async def test_invalid_sections_are_refused_with_section_line_and_reason(client, owner_ws):
    actor, ws = owner_ws
    cases = [
        ("첫 줄\n{{ customer }}\n{% if customer %}", 3, "syntax error"),
        ("안녕하세요\n{{ order_no }}님", 2, "unknown field 'order_no'"),
        ("{{ ''.__class__ }}", 1, "attribute and item access"),
    ]
    for body, line, reason in cases:
        bad = reply_template(sections=[{"key": "hello", "title": "인사", "kind": "text", "body": body}])
        r = await client.post(url(ws, "/templates"), json=bad, headers=actor.headers)
        assert r.status_code == 422, r.text
        out = r.json()
        assert out["error"] == "template_invalid" and out["section"] == "hello" and out["line"] == line
        assert out["reason"].startswith(reason) and f"line {line}" in out["message"]
    assert (await client.get(url(ws, "/templates"), headers=actor.headers)).json()["items"] == []  # nothing saved

    dup = reply_template(fields=[{"name": "a", "label": "A"}, {"name": "a", "label": "B"}],
                         sections=[{"key": "s", "title": "S", "body": "{{ a }}"}])
    r = await client.post(url(ws, "/templates"), json=dup, headers=actor.headers)
    assert r.status_code == 422 and "a" in r.json()["message"]
    r = await client.post(url(ws, "/templates"), json=reply_template(fields=[{"name": "k", "label": "K",
                                                                              "type": "choice"}]),
                          headers=actor.headers)
    assert r.status_code == 422 and "options" in r.json()["message"]


async def test_a_bad_change_keeps_the_current_version(client, owner_ws):
    actor, ws = owner_ws
    tpl = (await client.post(url(ws, "/templates"), json=reply_template(), headers=actor.headers)).json()
    r = await client.patch(url(ws, f"/templates/{tpl['id']}"),
                           json={"sections": [{"key": "x", "title": "X", "body": "{{ nope }}"}]}, headers=actor.headers)
    assert r.status_code == 422
    again = (await client.get(url(ws, f"/templates/{tpl['id']}"), headers=actor.headers)).json()
    assert again["version"] == 1 and again["sections"] == tpl["sections"]


async def test_members_read_and_generate_but_only_editors_change(client, owner_ws):
    actor, ws = owner_ws
    member = await make_actor(client)
    await add_member(client, actor, ws, member, role="member")
    tpl = (await client.post(url(ws, "/templates"), json=reply_template(), headers=actor.headers)).json()
    assert (await client.get(url(ws, f"/templates/{tpl['id']}"), headers=member.headers)).status_code == 200
    r = await client.post(url(ws, "/templates"), json=reply_template(), headers=member.headers)
    assert r.status_code == 403
    assert (await client.delete(url(ws, f"/templates/{tpl['id']}"), headers=member.headers)).status_code == 403


async def test_another_workspace_gets_404_on_every_template_and_document_route(client, owner_ws):
    actor, ws = owner_ws
    tpl = (await client.post(url(ws, "/templates"), json=reply_template(), headers=actor.headers)).json()
    r = await client.post(url(ws, f"/templates/{tpl['id']}/generate"), json={"values": {"customer": "홍길동"}},
                          headers=actor.headers)
    doc_id = next(line for line in r.text.splitlines() if '"document_id"' in line).split('"document_id": "')[1][:36]

    stranger = await make_actor(client)
    other = (await make_workspace(client, stranger, "남의 곳"))["id"]
    t, d = tpl["id"], doc_id
    calls = [("get", f"/templates/{t}"), ("patch", f"/templates/{t}"), ("delete", f"/templates/{t}"),
             ("get", f"/templates/{t}/versions"), ("get", f"/templates/{t}/versions/1"),
             ("delete", f"/templates/{t}/layout"), ("post", f"/templates/{t}/generate"),
             ("get", f"/generated-documents/{d}"), ("patch", f"/generated-documents/{d}"),
             ("get", f"/generated-documents/{d}/revisions"), ("get", f"/generated-documents/{d}/export"),
             ("post", f"/generated-documents/{d}/sections/hello/regenerate"),
             ("delete", f"/generated-documents/{d}")]
    for method, tail in calls:
        body = {"json": {}} if method in ("post", "patch") else {}
        # In the stranger's own workspace the ids do not exist; in ours the stranger is no member.
        for where in (other, ws):
            r = await client.request(method.upper(), url(where, tail), headers=stranger.headers, **body)
            assert r.status_code == 404, (method, tail, r.status_code, r.text)
    layout = {"file": ("l.docx", b"PK", "application/octet-stream")}
    assert (await client.put(url(other, f"/templates/{t}/layout"), files=layout,
                             headers=stranger.headers)).status_code == 404
    listed = (await client.get(url(other, "/generated-documents"), headers=stranger.headers)).json()
    assert listed == {"items": [], "total": 0}
    assert (await client.get(url(ws, f"/generated-documents/{d}"), headers=actor.headers)).status_code == 200


async def test_demo_templates_are_valid_and_seeded_once(client, owner_ws):
    actor, ws = owner_ws
    import uuid

    async with sessionmaker()() as s:
        assert await ensure_demo_templates(session=s, ws_id=uuid.UUID(ws)) == 3
    async with sessionmaker()() as s:
        assert await ensure_demo_templates(session=s, ws_id=uuid.UUID(ws)) == 0
    items = (await client.get(url(ws, "/templates"), headers=actor.headers)).json()["items"]
    assert sorted(t["name"] for t in items) == sorted(t["name"] for t in DEMO_TEMPLATES)
    assert all(any(s["kind"] == "knowledge" for s in t["sections"]) for t in items)
