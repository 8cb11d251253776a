"""Chat-model fine-tuning against a loopback server speaking the OpenAI files and fine_tuning wire format, through
a real arq worker: validate, upload, create, poll on a schedule (events, checkpoints), register the `ft:` model;
the API failing the job; cancel; the data-prep checks listed by line."""

import json
import uuid

import pytest
from sqlalchemy import select

from app.core.config import get_settings
from app.core.db import sessionmaker
from app.finetune import openai_ft
from app.finetune.models import FinetunedChatModel, FinetuneEvent
from app.jobs import runner
from app.jobs.registry import get_kind
from app.llm import catalogue
from app.models import Job
from tests.conftest import make_actor, make_workspace, run_worker
from tests.fakes.openai_finetune_server import FakeFineTuning
from tests.helpers import clone_demo


@pytest.fixture
def fake_ft(monkeypatch):
    fake = FakeFineTuning().start()
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    get_settings.cache_clear()
    yield fake
    fake.stop()
    get_settings.cache_clear()


async def _launch(client, owner, ws, **chat) -> str:
    r = await client.post(f"/api/v1/workspaces/{ws}/finetune/jobs",
                          json={"kind": "openai", "chat": {"poll_s": 0.05, "n_epochs": 2} | chat},
                          headers=owner.headers)
    assert r.status_code == 202, r.text
    return r.json()["id"]


async def _setup(client):
    owner = await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    await clone_demo(ws)
    return owner, ws


async def test_a_chat_model_is_fine_tuned_polled_on_a_schedule_and_becomes_selectable(client, fake_ft):
    owner, ws = await _setup(client)
    job_id = await _launch(client, owner, ws, suffix="demo")
    await run_worker()
    body = (await client.get(f"/api/v1/workspaces/{ws}/finetune/jobs/{job_id}", headers=owner.headers)).json()
    job = body["job"]
    assert job["status"] == "succeeded", job["error"]
    [remote] = fake_ft.jobs.values()
    assert remote["hyperparameters"]["n_epochs"] == 2 and remote["user_provided_suffix"] == "demo"
    [upload] = fake_ft.files.values()
    assert upload["purpose"] == "fine-tune" and upload["lines"] == 44  # one example per demo entry
    name = job["result"]["model"]
    assert name == remote["fine_tuned_model"] and name.startswith("ft:gpt-4o-mini-2024-07-18:")
    # validating_files -> queued -> running (x2) -> succeeded: one retrieve per scheduled step
    assert job["result"]["polls"] == 4
    assert [m["step"] for m in body["metrics"]] == [10, 20]
    assert body["metrics"][0]["train_loss"] == 2.0 and body["metrics"][1]["val_loss"] == 1.1
    messages = [e["message"] for e in body["events"]]
    assert "The job has successfully completed" in messages and "Job status: running" in messages
    assert len(messages) == len(set(messages))  # the API's events recorded once however often they are listed
    spec = catalogue.find_model("chat", "openai", name)
    assert spec is not None and spec.source == "finetuned"
    r = await client.get(f"/api/v1/workspaces/{ws}/finetune/chat-models", headers=owner.headers)
    assert [m["name"] for m in r.json()["items"]] == [name]
    r = await client.patch(f"/api/v1/workspaces/{ws}/settings",
                           json={"qa": {"chat_provider": "openai", "chat_model": name}}, headers=owner.headers)
    assert r.status_code == 200, r.text


async def test_a_job_the_api_fails_ends_failed_with_its_reason(client, fake_ft):
    fake_ft.outcome = "failed"
    owner, ws = await _setup(client)
    job_id = await _launch(client, owner, ws)
    await run_worker()
    async with sessionmaker()() as s:
        job = await s.get(Job, uuid.UUID(job_id))
        models = (await s.scalars(select(FinetunedChatModel).where(FinetunedChatModel.workspace_id == uuid.UUID(ws)))).all()
    assert job.status == "failed" and "too few examples" in job.error and models == []


async def test_cancel_reaches_the_api_and_ends_the_job(client, fake_ft):
    fake_ft.hold_running = True
    owner, ws = await _setup(client)
    job_id = uuid.UUID(await _launch(client, owner, ws))
    kind = get_kind(openai_ft.KIND)
    for _ in range(10):  # validate, upload, create, then polls: in this process, without a worker
        async with sessionmaker()() as s:
            job = await s.get(Job, job_id)
        if job.payload.get("external_status") == "running":
            break
        await runner.run(kind, {}, str(job_id), job.step)
    [remote] = fake_ft.jobs.values()
    assert remote["status"] == "running"
    r = await client.post(f"/api/v1/workspaces/{ws}/finetune/jobs/{job_id}/cancel", headers=owner.headers)
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    assert remote["status"] == "cancelled"
    await run_worker()  # the step already queued finds the job finished
    async with sessionmaker()() as s:
        assert (await s.get(Job, job_id)).status == "cancelled"
        logged = (await s.scalars(select(FinetuneEvent.message).where(FinetuneEvent.job_id == job_id))).all()
    assert "Cancel sent to the fine-tuning API: ok" in logged


async def test_too_few_examples_fail_validation_with_the_errors_listed(client, fake_ft):
    owner = await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    for i in range(3):
        r = await client.post(f"/api/v1/workspaces/{ws}/knowledge",
                              json={"question": f"질문 {i}", "answer": f"답변 {i}입니다."}, headers=owner.headers)
        assert r.status_code == 201
    r = await client.get(f"/api/v1/workspaces/{ws}/finetune/chat-dataset", headers=owner.headers)
    assert r.status_code == 200 and [e["error"] for e in r.json()["errors"]] == ["too_few_examples"]
    job_id = await _launch(client, owner, ws)
    await run_worker()
    body = (await client.get(f"/api/v1/workspaces/{ws}/finetune/jobs/{job_id}", headers=owner.headers)).json()
    assert body["job"]["status"] == "failed" and "at least 10" in body["job"]["error"]
    assert fake_ft.files == {}  # nothing uploaded
    assert any(e["level"] == "error" and "at least 10" in e["message"] for e in body["events"])


def test_the_data_prep_checks_name_each_bad_line():
    good = {"messages": [{"role": "user", "content": "배송은 언제 와요?"}, {"role": "assistant", "content": "2~3일."}]}
    lines = [json.dumps(good)] * 10 + [
        "not json",
        json.dumps([1, 2]),
        json.dumps({"messages": []}),
        json.dumps({"messages": [{"role": "user", "content": "질문"}]}),
        json.dumps({"messages": [{"role": "robot", "content": "삐"}, {"role": "assistant", "content": "네"}]}),
        json.dumps({"messages": [{"role": "user", "content": "  "}, {"role": "assistant", "content": "네"}]}),
        json.dumps({"messages": [{"role": "user"}, {"role": "assistant", "content": "네"}]}),
        json.dumps({"messages": [{"role": "user", "content": "x", "colour": 1}, {"role": "assistant", "content": "y"}]}),
        json.dumps({"messages": [{"role": "user", "content": "가" * 200_000}, {"role": "assistant", "content": "네"}]}),
    ]
    errors, stats = openai_ft.validate(lines)
    assert [(e["line"], e["error"]) for e in errors] == [
        (11, "invalid_json"), (12, "data_type"), (13, "missing_messages_list"),
        (14, "example_missing_assistant_message"), (15, "unrecognized_role"), (16, "missing_content"),
        (17, "message_missing_key"), (18, "message_unrecognized_key"), (19, "too_many_tokens")]
    assert stats["examples"] == 19 and stats["tokens_estimated"]
    assert openai_ft.validate([json.dumps(good)] * 10)[0] == []


async def test_the_chat_set_exports_for_local_lora_trainers(client):
    owner, ws = await _setup(client)
    r = await client.get(f"/api/v1/workspaces/{ws}/finetune/chat-dataset.jsonl?format=lora", headers=owner.headers)
    assert r.status_code == 200
    assert r.json()["filename"] == "chat-lora.jsonl"
    rows = [json.loads(line) for line in r.json()["content"].splitlines()]
    assert len(rows) == 44
    assert all([m["role"] for m in row["messages"]] == ["system", "user", "assistant"] for row in rows)
