"""Import and re-embed jobs as chains of short steps: a slow machine only makes more of them, and a step that
fails is retried from the place the job reached, not from the start."""

import uuid
from collections import Counter
from functools import partial

from app.core.config import get_settings
from app.core.db import sessionmaker
from app.knowledge import ingest
from app.models import Job
from tests.conftest import make_actor, make_workspace, run_worker
from tests.helpers import DEMO_FAQ, clone_demo, demo_entries


def url(ws_id, tail: str = "") -> str:
    return f"/api/v1/workspaces/{ws_id}{tail}"


async def test_an_import_in_one_batch_steps_completes(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "job_step_seconds", 0)  # every step stops after its first batch
    monkeypatch.setattr(ingest, "fill_vectors", partial(ingest.fill_vectors, batch_size=16))
    owner = await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    n = len(demo_entries())
    r = await client.post(url(ws, "/knowledge/import"), files={"file": ("demo_faq.json", DEMO_FAQ.read_bytes())},
                          headers=owner.headers)
    await run_worker()
    job = (await client.get(url(ws, f"/jobs/{r.json()['id']}"), headers=owner.headers)).json()
    assert job["status"] == "succeeded", job
    assert job["result"] == {"entries": n, "created": n, "indexed": n}
    assert job["progress"] == {"processed": 2 * n, "total": 2 * n, "stage": "embedding_answers"}
    async with sessionmaker()() as s:
        steps = (await s.get(Job, uuid.UUID(job["id"]))).step
        assert await ingest.pending_vectors(s, uuid.UUID(ws)) == 0
    assert steps >= 2 * n // 16  # the indexing step, then one per batch of vectors


async def test_a_reembed_resumes_where_it_stopped(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "job_step_seconds", 0)
    owner = await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    await clone_demo(ws)
    n = len(demo_entries())
    indexed: Counter = Counter()
    index, reembed_next = ingest._index, ingest.reembed_next
    failures = []

    async def record(session, ws_id, entries, *args, **kw):
        indexed.update(e.id for e in entries)
        return await index(session, ws_id, entries, *args, **kw)

    async def crash_once_midway(**kw):
        if kw["after"] is not None and not failures:  # the worker dies at the second batch, once
            failures.append(kw["after"])
            raise RuntimeError("worker lost")
        return await reembed_next(**kw, batch_size=10)

    monkeypatch.setattr(ingest, "_index", record)
    monkeypatch.setattr(ingest, "reembed_next", crash_once_midway)
    r = await client.post(url(ws, "/knowledge/reembed"), headers=owner.headers)
    await run_worker()
    job = (await client.get(url(ws, f"/jobs/{r.json()['id']}"), headers=owner.headers)).json()
    assert job["status"] == "succeeded", job
    assert job["result"] == {"entries": n, "documents": 0} and job["error"] is None
    assert job["progress"] == {"processed": n, "total": n, "stage": None}
    assert failures and len(indexed) == n and set(indexed.values()) == {1}  # every entry once, none again


async def test_an_import_delivered_twice_imports_once(client):
    from app.jobs import runner

    owner = await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    n = len(demo_entries())
    r = await client.post(url(ws, "/knowledge/import"), files={"file": ("demo_faq.json", DEMO_FAQ.read_bytes())},
                          headers=owner.headers)
    job_id = uuid.UUID(r.json()["id"])
    await runner.enqueue("import_knowledge", job_id, 0, "twice")
    await run_worker()  # both deliveries start together; one claims the job, the other does nothing
    job = (await client.get(url(ws, f"/jobs/{job_id}"), headers=owner.headers)).json()
    assert job["status"] == "succeeded", job
    assert job["result"] == {"entries": n, "created": n, "indexed": n}
    async with sessionmaker()() as s:
        assert (await s.get(Job, job_id)).attempts == 1
