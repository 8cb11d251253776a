"""Workspace quotas (set by admins, audited, 429 quota_exceeded with Retry-After before any model call), the usage
owners see, follow-up clicks recorded on questions, and the review queue with its one-click alias."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import select, text

from app.core.db import sessionmaker
from app.models import AuditEntry, ChatMessage, KnowledgeChunk
from tests.conftest import add_member, make_actor, make_workspace
from tests.helpers import MINOR_SIGNUP, ask, clone_demo, entry_ids, first, new_session


def msg_url(ws, sid):
    return f"/api/v1/workspaces/{ws}/chat/sessions/{sid}/messages?stream=false"


async def test_messages_a_day_quota_answers_429_with_retry_after_and_saves_nothing(client):
    admin, owner, member = await make_actor(client, is_admin=True), await make_actor(client), await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    await add_member(client, owner, ws, member)
    await clone_demo(ws)
    r = await client.put(f"/api/v1/admin/workspaces/{ws}/quota", json={"messages_per_day": 2}, headers=owner.headers)
    assert r.status_code == 403  # owners see their quota; only platform admins set it
    r = await client.put(f"/api/v1/admin/workspaces/{ws}/quota", json={"messages_per_day": 2}, headers=admin.headers)
    assert r.status_code == 200 and r.json()["messages_per_day"] == 2 and r.json()["tokens_per_month"] is None
    sid = await new_session(client, owner, ws)
    for i in range(2):
        assert (await client.post(msg_url(ws, sid), json={"content": f"정산은 언제 되나요 {i}"},
                                  headers=owner.headers)).status_code == 200
    # The quota is the workspace's: another member is held back too.
    sid2 = await new_session(client, member, ws)
    r = await client.post(msg_url(ws, sid2), json={"content": "정산은 언제 되나요"}, headers=member.headers)
    assert r.status_code == 429
    body, retry = r.json(), int(r.headers["retry-after"])
    now = datetime.now(UTC)
    to_midnight = 86400 - (now.hour * 3600 + now.minute * 60 + now.second)
    assert body["error"] == "quota_exceeded" and "2건" in body["message"]
    assert body["retry_after"] == retry and abs(retry - to_midnight) <= 5
    async with sessionmaker()() as s:
        assert not (await s.scalars(select(ChatMessage).where(ChatMessage.session_id == uuid.UUID(sid2)))).all()
        entry = (await s.scalars(select(AuditEntry).where(AuditEntry.action == "quota.set",
                                                          AuditEntry.workspace_id == uuid.UUID(ws)))).one()
    assert entry.actor_id == admin.user.id and entry.detail["after"]["messages_per_day"] == 2

    usage = await client.get(f"/api/v1/workspaces/{ws}/quota", headers=owner.headers)
    assert usage.status_code == 200 and usage.json()["messages_today"] == 2
    assert (await client.get(f"/api/v1/workspaces/{ws}/quota", headers=member.headers)).status_code == 403
    # Lifting the quota lets questions through again.
    await client.put(f"/api/v1/admin/workspaces/{ws}/quota", json={"messages_per_day": None}, headers=admin.headers)
    assert (await client.post(msg_url(ws, sid2), json={"content": "정산은 언제 되나요"},
                              headers=member.headers)).status_code == 200


async def test_tokens_a_month_quota(client):
    admin, owner = await make_actor(client, is_admin=True), await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    await clone_demo(ws)
    sid = await new_session(client, owner, ws)
    assert (await client.post(msg_url(ws, sid), json={"content": MINOR_SIGNUP}, headers=owner.headers)).status_code == 200
    async with sessionmaker()() as s:  # the answer a model would have spent tokens on
        await s.execute(text("update chat_messages set prompt_tokens = 600, completion_tokens = 400 "
                             "where session_id = :sid and role = 'assistant'"), {"sid": uuid.UUID(sid)})
        await s.commit()
    await client.put(f"/api/v1/admin/workspaces/{ws}/quota", json={"tokens_per_month": 1001}, headers=admin.headers)
    assert (await client.post(msg_url(ws, sid), json={"content": "정산은 언제"}, headers=owner.headers)).status_code == 200
    await client.put(f"/api/v1/admin/workspaces/{ws}/quota", json={"tokens_per_month": 1000}, headers=admin.headers)
    r = await client.post(msg_url(ws, sid), json={"content": "정산은 언제"}, headers=owner.headers)
    assert r.status_code == 429 and r.json()["error"] == "quota_exceeded" and int(r.headers["retry-after"]) > 0
    usage = (await client.get(f"/api/v1/workspaces/{ws}/quota", headers=owner.headers)).json()
    assert (usage["tokens_this_month"], usage["tokens_per_month"]) == (1000, 1000)
    bad = await client.put(f"/api/v1/admin/workspaces/{ws}/quota", json={"tokens_per_month": -1}, headers=admin.headers)
    assert bad.status_code == 422
    assert (await client.put(f"/api/v1/admin/workspaces/{uuid.uuid4()}/quota", json={},
                             headers=admin.headers)).status_code == 404


async def test_followup_click_is_recorded_on_the_question(client):
    owner = await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    await clone_demo(ws)
    sid = await new_session(client, owner, ws)
    events = await ask(client, owner, ws, sid, MINOR_SIGNUP)
    chip = first(events, "followups")["followups"][0]
    clicked = await ask(client, owner, ws, sid, chip["question"], followup_entry_id=chip["entry_id"])
    typed = first(await ask(client, owner, ws, sid, "정산은 언제 되나요"), "meta")["user_message_id"]
    async with sessionmaker()() as s:
        q = await s.get(ChatMessage, uuid.UUID(first(clicked, "meta")["user_message_id"]))
        assert str(q.followup_entry_id) == chip["entry_id"]
        assert (await s.get(ChatMessage, uuid.UUID(typed))).followup_entry_id is None
    d = (await client.get(f"/api/v1/workspaces/{ws}/dashboard", headers=owner.headers)).json()["totals"]
    assert d["followup_clicks"] == 1 and d["questions"] == 3


async def test_review_queue_lists_refused_and_rated_down_answers_and_adds_an_alias(client):
    owner, editor, member = await make_actor(client), await make_actor(client), await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    await add_member(client, owner, ws, editor, "editor")
    await add_member(client, owner, ws, member)
    await clone_demo(ws)
    sid = await new_session(client, owner, ws)
    good = first(await ask(client, owner, ws, sid, MINOR_SIGNUP), "done")["message_id"]
    down = first(await ask(client, owner, ws, sid, "정산은 언제 들어오나요"), "done")["message_id"]
    refused = first(await ask(client, owner, ws, sid, "강남역 근처 파스타 맛집 알려줘"), "done")
    assert refused["refused"]
    await client.post(f"/api/v1/workspaces/{ws}/chat/messages/{down}/feedback", json={"rating": -1},
                      headers=owner.headers)
    r = await client.get(f"/api/v1/workspaces/{ws}/review", headers=editor.headers)
    assert r.status_code == 200
    items = r.json()["items"]
    assert [i["message_id"] for i in items] == [refused["message_id"], down]  # newest first; the good one is not there
    assert items[0]["question"] == "강남역 근처 파스타 맛집 알려줘" and items[0]["refused"]
    assert items[1]["feedback"] == -1 and items[1]["sources"] and items[1]["question"] == "정산은 언제 들어오나요"
    assert (await client.get(f"/api/v1/workspaces/{ws}/review", headers=member.headers)).status_code == 403
    assert good not in {i["message_id"] for i in items}

    entry = (await entry_ids(ws))[MINOR_SIGNUP]
    url = f"/api/v1/workspaces/{ws}/review/{down}/alias"
    r = await client.post(url, json={"entry_id": entry}, headers=editor.headers)
    assert r.status_code == 200 and r.json()["added"] and r.json()["alias"] == items[1]["standalone_query"]
    async with sessionmaker()() as s:
        aliases = (await s.scalars(select(KnowledgeChunk.text).where(
            KnowledgeChunk.entry_id == uuid.UUID(entry), KnowledgeChunk.kind == "alias"))).all()
        audit = (await s.scalars(select(AuditEntry).where(AuditEntry.action == "knowledge.alias_add",
                                                          AuditEntry.workspace_id == uuid.UUID(ws)))).one()
    assert r.json()["alias"] in aliases and audit.actor_id == editor.user.id
    assert (await client.post(url, json={"entry_id": entry}, headers=editor.headers)).json()["added"] is False
    # Another workspace's entry or message is a 404.
    other_owner = await make_actor(client)
    other = (await make_workspace(client, other_owner))["id"]
    r = await client.post(f"/api/v1/workspaces/{other}/review/{down}/alias", json={"entry_id": entry},
                          headers=other_owner.headers)
    assert r.status_code == 404
