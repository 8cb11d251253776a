"""A real `arq app.worker.WorkerSettings` process killed with SIGKILL in the middle of an import: the sweeper
and the next worker finish the job, and nothing is imported twice."""

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid

from sqlalchemy import func, select

from app.core.db import sessionmaker
from app.jobs.sweeper import sweep
from app.knowledge import ingest
from app.models import Job, KnowledgeChunk, KnowledgeEntry
from tests.conftest import ROOT, make_actor, make_workspace, run_worker
from tests.helpers import DEMO_FAQ, demo_entries

HEARTBEAT_S = 0.5  # the killed worker's; its jobs go stale after 4 beats


async def row(job_id) -> Job:
    async with sessionmaker()() as s:
        return await s.get(Job, job_id)


async def test_an_import_whose_worker_is_killed_is_resumed_by_the_next(client):
    owner = await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    n = len(demo_entries())
    r = await client.post(f"/api/v1/workspaces/{ws}/knowledge/import",
                          files={"file": ("demo_faq.json", DEMO_FAQ.read_bytes())}, headers=owner.headers)
    job_id = uuid.UUID(r.json()["id"])

    # One batch per step (JOB_STEP_SECONDS=0), so the import is a chain of steps to be killed in the middle of.
    env = os.environ | {"PYTHONPATH": str(ROOT / "backend"), "JOB_HEARTBEAT_SECONDS": str(HEARTBEAT_S),
                        "JOB_STEP_SECONDS": "0"}
    worker = subprocess.Popen([sys.executable, "-m", "arq", "app.worker.WorkerSettings"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            job = await row(job_id)
            if job.step >= 1 and job.status == "running":
                break
            assert worker.poll() is None, "the worker exited by itself"
            await asyncio.sleep(0.05)
        else:
            raise AssertionError(f"the import never got past its first step: {job.status} {job.error}")
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()

    job = await row(job_id)
    assert job.status == "running" and job.finished_at is None  # what the issue found: left running
    await asyncio.sleep(4 * HEARTBEAT_S + 0.5)
    counts = await sweep(stale_s=4 * HEARTBEAT_S)
    assert counts["resumed"] >= 1
    await run_worker()

    job = await row(job_id)
    assert job.status == "succeeded", job.error
    assert job.result == {"entries": n, "created": n, "indexed": n}
    assert (job.progress_done, job.progress_total) == (2 * n, 2 * n)
    async with sessionmaker()() as s:
        ws_id = uuid.UUID(ws)
        entries = await s.scalar(select(func.count()).select_from(KnowledgeEntry)
                                 .where(KnowledgeEntry.workspace_id == ws_id))
        chunks = await s.scalar(select(func.count()).select_from(KnowledgeChunk)
                                .where(KnowledgeChunk.workspace_id == ws_id))
        assert (entries, chunks) == (n, 4 * n)  # nothing twice
        assert await ingest.pending_vectors(s, ws_id) == 0
