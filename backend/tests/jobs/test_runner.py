"""The job runner with a real arq worker: limits, retries, duplicate deliveries, cancellation, orphans.

The kinds below are registered for these tests only; the burst worker of conftest runs every registered kind.
"""

import asyncio
import uuid
from datetime import timedelta

from sqlalchemy import update

from app.core.db import sessionmaker
from app.jobs import runner
from app.jobs import service as jobs
from app.jobs.registry import MORE, register
from app.jobs.sweeper import sweep
from app.models import Job
from tests.conftest import make_actor, make_workspace, run_worker

RUNS: list[tuple[str, int]] = []  # (job id, step) of every step that did its work
SWITCH = {"broken": True}


@register("test_steps", backoff_s=0.05)
async def three_steps(step):
    RUNS.append((str(step.job.id), step.job.step))
    await asyncio.sleep(0.3)  # long enough for a second delivery of the step to arrive meanwhile
    await step.progress(step.job.step + 1, 3)
    return MORE if step.job.step < 2 else {"steps": 3}


@register("test_sleepy", timeout_s=0.5)
async def sleepy(step):
    await asyncio.sleep(10)
    return {}


@register("test_flaky", max_tries=3, backoff_s=0.05)
async def flaky(step):
    if step.job.attempts < 2:
        raise RuntimeError("the model server went away")
    return {"tries": step.job.attempts}


@register("test_broken", max_tries=2, backoff_s=0.05)
async def broken(step):
    raise RuntimeError("always broken")


@register("test_switch", fatal=(ValueError,))
async def switch(step):
    if SWITCH["broken"]:
        raise ValueError("The file is not a knowledge file.")
    return {"ok": True}


@register("test_endless")
async def endless(step):
    i = 0
    while True:
        i += 1
        await asyncio.sleep(0.05)
        await step.progress(i, 0)


@register("test_silent")
async def silent(step):
    await asyncio.sleep(30)  # busy in one long call: no progress report to notice a cancel at
    return {}


@register("test_chatty")
async def chatty(step):
    for i in range(100):
        await asyncio.sleep(0.05)
        await step.progress(i + 1, 100)
    return {"done": True}


def url(ws_id, tail: str = "") -> str:
    return f"/api/v1/workspaces/{ws_id}{tail}"


async def new_workspace(client) -> tuple:
    owner = await make_actor(client)
    return owner, (await make_workspace(client, owner))["id"]


async def create(ws_id, kind: str) -> uuid.UUID:
    async with sessionmaker()() as s:
        return (await jobs.create_and_enqueue(session=s, ws_id=uuid.UUID(ws_id), kind=kind, user_id=None)).id


async def row(job_id) -> Job:
    async with sessionmaker()() as s:
        return await s.get(Job, job_id)


def runs(job_id) -> list[int]:
    return [step for jid, step in RUNS if jid == str(job_id)]


async def test_steps_run_in_order_and_a_second_delivery_does_nothing(client):
    _, ws = await new_workspace(client)
    job_id = await create(ws, "test_steps")
    await runner.enqueue("test_steps", job_id, 0, "again")  # step 0 delivered twice, picked up together
    await run_worker()
    assert runs(job_id) == [0, 1, 2]
    job = await row(job_id)
    assert (job.status, job.result, job.step, job.progress_done) == ("succeeded", {"steps": 3}, 2, 3)
    assert job.runner is None and job.error is None and job.finished_at

    await runner.enqueue("test_steps", job_id, 1, "late")  # a late delivery of a finished job
    await run_worker()
    assert runs(job_id) == [0, 1, 2]


async def test_a_step_past_its_limit_fails_the_job(client):
    _, ws = await new_workspace(client)
    job_id = await create(ws, "test_sleepy")
    await run_worker()
    job = await row(job_id)
    assert job.status == "failed" and job.finished_at and job.runner is None
    assert job.error == "Timed out: step 1 ran past its 0.5 s limit."


async def test_errors_are_retried_with_backoff_then_fail_readably(client):
    _, ws = await new_workspace(client)
    flaky_id, broken_id = await create(ws, "test_flaky"), await create(ws, "test_broken")
    await run_worker()
    job = await row(flaky_id)
    assert (job.status, job.result, job.error) == ("succeeded", {"tries": 2}, None)
    job = await row(broken_id)
    assert job.status == "failed" and job.finished_at
    assert job.error == "RuntimeError: always broken (step 1, 2 tries)"


async def test_cancel_stops_a_running_job(client):
    owner, ws = await new_workspace(client)
    job_id = await create(ws, "test_endless")
    worker = asyncio.create_task(run_worker())
    for _ in range(200):
        if (await row(job_id)).progress_done >= 3:
            break
        await asyncio.sleep(0.05)
    r = await client.post(url(ws, f"/jobs/{job_id}/cancel"), headers=owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["cancel_requested"] is True
    await asyncio.wait_for(worker, 20)  # the burst worker ends: the endless step stopped
    job = await row(job_id)
    assert (job.status, job.error, job.runner) == ("cancelled", "Cancelled.", None) and job.finished_at
    done = job.progress_done
    await asyncio.sleep(0.3)
    assert (await row(job_id)).progress_done == done

    r = await client.post(url(ws, f"/jobs/{job_id}/cancel"), headers=owner.headers)
    assert r.status_code == 409 and r.json()["error"] == "job_finished"


async def test_the_heartbeat_stops_a_step_that_reports_no_progress(client, monkeypatch):
    from app.core.config import get_settings

    monkeypatch.setattr(get_settings(), "job_heartbeat_seconds", 0.1)
    _, ws = await new_workspace(client)
    job_id = await create(ws, "test_silent")
    worker = asyncio.create_task(run_worker())
    for _ in range(200):
        if (await row(job_id)).status == "running":
            break
        await asyncio.sleep(0.05)
    async with sessionmaker()() as s:  # a cancel whose arq abort never arrived (another Redis, a lost message)
        await s.execute(update(Job).where(Job.id == job_id).values(cancel_requested=True))
        await s.commit()
    await asyncio.wait_for(worker, 10)
    job = await row(job_id)
    assert (job.status, job.error, job.runner) == ("cancelled", "Cancelled.", None)


async def test_cancel_of_a_queued_job_is_immediate(client):
    owner, ws = await new_workspace(client)
    job_id = await create(ws, "test_steps")
    r = await client.post(url(ws, f"/jobs/{job_id}/cancel"), headers=owner.headers)
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["finished_at"]
    await run_worker()
    assert runs(job_id) == [] and (await row(job_id)).status == "cancelled"


async def test_retry_runs_a_failed_job_again(client):
    owner, ws = await new_workspace(client)
    SWITCH["broken"] = True
    job_id = await create(ws, "test_switch")
    await run_worker()
    job = await row(job_id)
    assert (job.status, job.error, job.attempts) == ("failed", "The file is not a knowledge file.", 1)

    SWITCH["broken"] = False
    r = await client.post(url(ws, f"/jobs/{job_id}/retry"), headers=owner.headers)
    assert r.status_code == 202 and r.json()["status"] == "queued" and r.json()["error"] is None
    await run_worker()
    job = await row(job_id)
    assert (job.status, job.result, job.error) == ("succeeded", {"ok": True}, None)
    r = await client.post(url(ws, f"/jobs/{job_id}/retry"), headers=owner.headers)
    assert r.status_code == 409 and r.json()["error"] == "job_not_retryable"


async def orphan(job_id, attempts: int) -> None:
    """Make a job look like its worker died mid-step an hour ago."""
    async with sessionmaker()() as s:
        await s.execute(update(Job).where(Job.id == job_id).values(
            status="running", runner=f"{job_id}:0:dead", attempts=attempts,
            heartbeat_at=Job.created_at - timedelta(hours=1)))
        await s.commit()


async def test_sweeper_resumes_an_orphan_and_fails_one_out_of_tries(client):
    _, ws = await new_workspace(client)
    resumable, spent = await create(ws, "test_steps"), await create(ws, "test_steps")
    await orphan(resumable, attempts=1)
    await orphan(spent, attempts=3)
    counts = await sweep(stale_s=60)
    assert counts["resumed"] >= 1 and counts["failed"] >= 1
    job = await row(spent)
    assert job.status == "failed" and job.finished_at
    assert job.error == "The worker running this job stopped 3 times (step 1)."
    await run_worker()
    assert (await row(resumable)).status == "succeeded"
    assert runs(resumable) == [0, 1, 2] and runs(spent) == []


async def test_cancel_of_a_job_whose_worker_died_is_immediate(client):
    owner, ws = await new_workspace(client)
    job_id = await create(ws, "test_steps")
    await orphan(job_id, attempts=1)
    r = await client.post(url(ws, f"/jobs/{job_id}/cancel"), headers=owner.headers)
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    assert (await row(job_id)).runner is None
    await run_worker()
    assert runs(job_id) == []


async def test_job_list_filters_newest_first_and_admins_see_every_workspace(client):
    owner, ws = await new_workspace(client)
    first, second = await create(ws, "test_steps"), await create(ws, "test_switch")
    await client.post(url(ws, f"/jobs/{first}/cancel"), headers=owner.headers)
    body = (await client.get(url(ws, "/jobs"), headers=owner.headers)).json()
    assert [j["id"] for j in body["items"]] == [str(second), str(first)] and body["total"] == 2
    body = (await client.get(url(ws, "/jobs?status=cancelled"), headers=owner.headers)).json()
    assert [j["id"] for j in body["items"]] == [str(first)]
    body = (await client.get(url(ws, "/jobs?kind=test_switch"), headers=owner.headers)).json()
    assert [j["id"] for j in body["items"]] == [str(second)]
    r = await client.get(url(ws, "/jobs?status=lost"), headers=owner.headers)
    assert r.status_code == 422

    r = await client.get("/api/v1/admin/jobs", headers=owner.headers)
    assert r.status_code == 403
    admin = await make_actor(client, is_admin=True)
    body = (await client.get(f"/api/v1/admin/jobs?workspace_id={ws}", headers=admin.headers)).json()
    assert [(j["id"], j["workspace_name"]) for j in body["items"]] == [(str(second), "테스트 워크스페이스"),
                                                                      (str(first), "테스트 워크스페이스")]
    await client.post(url(ws, f"/jobs/{second}/cancel"), headers=owner.headers)


async def test_a_worker_taken_for_dead_stops_and_writes_nothing(client):
    _, ws = await new_workspace(client)
    job_id = await create(ws, "test_chatty")
    worker = asyncio.create_task(run_worker())
    for _ in range(200):
        if (await row(job_id)).progress_done >= 2:
            break
        await asyncio.sleep(0.05)
    async with sessionmaker()() as s:  # the sweeper gave the job to another delivery meanwhile
        await s.execute(update(Job).where(Job.id == job_id).values(runner="someone-else", progress_done=0))
        await s.commit()
    await asyncio.wait_for(worker, 10)
    job = await row(job_id)
    assert (job.status, job.runner, job.progress_done, job.finished_at) == ("running", "someone-else", 0, None)
    await runner.finish(job_id, "someone-else", "failed", error="test over")  # no orphan for later sweeps
