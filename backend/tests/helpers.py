"""Shared test helpers: SSE parsing, demo knowledge seeding, chat shortcuts."""

import json
import uuid
from pathlib import Path

DEMO_FAQ = Path(__file__).resolve().parents[1] / "app" / "seed" / "demo_faq.json"
MINOR_SIGNUP = "만 19세 미만 미성년자도 판매자로 가입할 수 있나요?"
MINOR_DOCUMENTS = "미성년자 판매자는 어떤 서류를 제출해야 하나요?"


def demo_entries() -> list[dict]:
    """The demo FAQ as a list of {question, answer, category, related}."""
    return json.loads(DEMO_FAQ.read_text(encoding="utf-8"))


def parse_sse(body: str) -> list[tuple[str, dict]]:
    """Split an event-stream body into (event name, JSON data) pairs, in order."""
    events = []
    for frame in body.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in frame.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip())
        if data:
            events.append((name, json.loads("\n".join(data))))
    return events


async def seed_demo(ws_id) -> dict:
    """Import the demo FAQ into a workspace directly (what the import job does); return its counts."""
    from app.core.db import sessionmaker
    from app.knowledge.jobs import import_file

    async with sessionmaker()() as s:
        return await import_file(session=s, ws_id=uuid.UUID(str(ws_id)), filename=DEMO_FAQ.name,
                                 data=DEMO_FAQ.read_bytes())


_template: dict = {}

_CLONE_ENTRIES = """
INSERT INTO knowledge_entries (id, workspace_id, source_key, key_hash, question, answer, category, related,
                               content_hash, position, overview, siblings)
SELECT md5(id::text || CAST(:dst AS uuid)::text)::uuid, CAST(:dst AS uuid), source_key, key_hash, question,
       answer, category, related, content_hash, position, overview, siblings
FROM knowledge_entries WHERE workspace_id = :src
"""
_CLONE_CHUNKS = """
INSERT INTO knowledge_chunks (id, workspace_id, entry_id, kind, ord, text, embedding, embedding_model, embedding_dim,
                              lexemes)
SELECT gen_random_uuid(), CAST(:dst AS uuid), md5(entry_id::text || CAST(:dst AS uuid)::text)::uuid, kind, ord,
       text, embedding, embedding_model, embedding_dim, lexemes
FROM knowledge_chunks WHERE workspace_id = :src
"""


async def clone_demo(ws_id) -> None:
    """Give a workspace the demo knowledge, indexed: embed it once per test run, then copy the rows in SQL.

    Embedding the demo costs tens of seconds on a small CPU; tests that only need the knowledge present use this.
    """
    from sqlalchemy import text

    from app.core.db import sessionmaker
    from app.users.service import ensure_user
    from app.workspaces import service as workspaces

    if "id" not in _template:
        async with sessionmaker()() as s:
            owner = await ensure_user(session=s, email=f"template-{uuid.uuid4().hex[:8]}@test.sangdam.dev",
                                      password="pw-123456")
            ws = await workspaces.create(session=s, owner=owner, name="demo template")
            _template["id"] = ws.id
        await seed_demo(_template["id"])
    async with sessionmaker()() as s:
        params = {"src": _template["id"], "dst": uuid.UUID(str(ws_id))}
        await s.execute(text(_CLONE_ENTRIES), params)
        await s.execute(text(_CLONE_CHUNKS), params)
        await s.commit()


async def entry_ids(ws_id) -> dict[str, str]:
    """Question -> entry id for every entry of a workspace."""
    from sqlalchemy import select

    from app.core.db import sessionmaker
    from app.models import KnowledgeEntry

    async with sessionmaker()() as s:
        rows = await s.execute(select(KnowledgeEntry.question, KnowledgeEntry.id)
                               .where(KnowledgeEntry.workspace_id == uuid.UUID(str(ws_id))))
        return {q: str(i) for q, i in rows}


async def patch_settings(client, actor, ws_id, **sections) -> dict:
    """PATCH workspace settings (e.g. qa={"followup_count": 0}) and return the new settings."""
    r = await client.patch(f"/api/v1/workspaces/{ws_id}/settings", json=sections, headers=actor.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def new_session(client, actor, ws_id, title: str | None = None) -> str:
    """Create a chat session and return its id."""
    r = await client.post(f"/api/v1/workspaces/{ws_id}/chat/sessions", json={"title": title},
                          headers=actor.headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def ask(client, actor, ws_id, session_id, content: str, **extra) -> list[tuple[str, dict]]:
    """Send a message over SSE and return the parsed events."""
    r = await client.post(f"/api/v1/workspaces/{ws_id}/chat/sessions/{session_id}/messages",
                          json={"content": content, **extra}, headers=actor.headers, timeout=60)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/event-stream")
    return parse_sse(r.text)


def first(events: list[tuple[str, dict]], name: str) -> dict:
    """The data of the first event called `name`."""
    return next(d for n, d in events if n == name)


def streamed_text(events: list[tuple[str, dict]]) -> str:
    """The answer text joined from the token events."""
    return "".join(d["text"] for n, d in events if n == "token")
