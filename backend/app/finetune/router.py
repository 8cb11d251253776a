"""Fine-tuning routes (workspace owners): jobs, their metrics and log, training sets, adapters."""

import uuid
from typing import Literal

from fastapi import APIRouter, Query

from app.core.db import SessionDep
from app.core.deps import CurrentWorkspace
from app.finetune import data as ft_data
from app.finetune import openai_ft, service
from app.finetune.schemas import (
    AdapterList,
    AdapterRead,
    ChatDatasetReport,
    ChatModelList,
    ChatModelRead,
    DatasetFile,
    DatasetPreview,
    EventRead,
    FinetuneCreate,
    FinetuneJobList,
    FinetuneJobRead,
    MetricRead,
    RollbackRead,
)
from app.jobs.schemas import JobRead

router = APIRouter(prefix="/finetune", tags=["finetune"])


def _adapter(row) -> AdapterRead:
    return AdapterRead(id=row.id, version=row.version, name=service.model_name(row), base_provider=row.base_provider,
                       base_model=row.base_model, rank=row.rank, active=row.active, report=row.report,
                       job_id=row.job_id, created_at=row.created_at, activated_at=row.activated_at)


@router.post("/jobs", response_model=JobRead, status_code=202)
async def launch(body: FinetuneCreate, ws: CurrentWorkspace, session: SessionDep):
    """Launch a fine-tuning job: a retrieval adapter (local) or a chat model (OpenAI-compatible API)."""
    ws.require_owner()
    params = (body.adapter if body.kind == "adapter" else body.chat).model_dump(exclude_none=True)
    return JobRead.of(await service.launch(session=session, ws_id=ws.id, user_id=ws.user.id, kind=body.kind,
                                           params=params))


@router.get("/jobs", response_model=FinetuneJobList)
async def list_jobs(ws: CurrentWorkspace, session: SessionDep):
    """The workspace's fine-tuning jobs, newest first."""
    ws.require_owner()
    return FinetuneJobList(items=[JobRead.of(j) for j in await service.list_jobs(session=session, ws_id=ws.id)])


@router.get("/jobs/{job_id}", response_model=FinetuneJobRead)
async def get_job(job_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep,
                  after: int = Query(0, ge=0, le=2**62)):
    """A job with its metrics per step (the loss curve) and its log lines after id `after`."""
    ws.require_owner()
    job = await service.get_job(session=session, ws_id=ws.id, job_id=job_id)
    metrics = await service.metrics(session=session, job=job)
    events = await service.events(session=session, job=job, after=after)
    return FinetuneJobRead(job=JobRead.of(job), stage=(job.payload or {}).get("stage"),
                           params=(job.payload or {}).get("params") or {},
                           metrics=[MetricRead.model_validate(m, from_attributes=True) for m in metrics],
                           events=[EventRead.model_validate(e, from_attributes=True) for e in events])


@router.post("/jobs/{job_id}/cancel", response_model=JobRead)
async def cancel_job(job_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep):
    """Cancel a fine-tuning job (and its job at the fine-tuning API, if it has one)."""
    ws.require_owner()
    return JobRead.of(await service.cancel(session=session, ws_id=ws.id, job_id=job_id))


@router.get("/dataset", response_model=DatasetPreview)
async def preview(ws: CurrentWorkspace, session: SessionDep, holdout_pct: int = Query(20, ge=2, le=60),
                  sentences_per_entry: int = Query(1, ge=0, le=10)):
    """The adapter's training set: counts per split and source, and its first pseudo-queries."""
    ws.require_owner()
    return await service.preview(session=session, ws_id=ws.id, holdout_pct=holdout_pct,
                                 sentences_per_entry=sentences_per_entry)


@router.get("/dataset.jsonl", response_model=DatasetFile)
async def download(ws: CurrentWorkspace, session: SessionDep, holdout_pct: int = Query(20, ge=2, le=60),
                   sentences_per_entry: int = Query(1, ge=0, le=10)):
    """The adapter's training set as a JSON Lines file to save (one pseudo-query a line with its entry and split)."""
    ws.require_owner()
    body = await service.dataset_jsonl(session=session, ws_id=ws.id, holdout_pct=holdout_pct,
                                       sentences_per_entry=sentences_per_entry)
    return DatasetFile(filename="adapter-train.jsonl", lines=body.count("\n"), content=body)


@router.get("/chat-dataset", response_model=ChatDatasetReport)
async def chat_dataset(ws: CurrentWorkspace, session: SessionDep):
    """The chat-model training set's validation (errors by line, token counts)."""
    ws.require_owner()
    examples = await ft_data.chat_examples(session, ws.id)
    errors, stats = openai_ft.validate(openai_ft.to_jsonl(examples).splitlines())
    return ChatDatasetReport(examples=len(examples), errors=errors, stats=stats)


@router.get("/chat-dataset.jsonl", response_model=DatasetFile)
async def chat_dataset_download(ws: CurrentWorkspace, session: SessionDep,
                                format: Literal["openai", "lora"] = "openai"):
    """The chat set as a JSON Lines file to save: for the OpenAI API, or for local LoRA trainers of
    Qwen2.5-7B-Instruct."""
    ws.require_owner()
    examples = await ft_data.chat_examples(session, ws.id)
    body = openai_ft.to_jsonl(examples) if format == "openai" else openai_ft.to_lora_jsonl(examples)
    return DatasetFile(filename=f"chat-{format}.jsonl", lines=body.count("\n"), content=body)


@router.get("/adapters", response_model=AdapterList)
async def adapters(ws: CurrentWorkspace, session: SessionDep):
    """The workspace's retrieval adapters (versions, reports), newest first."""
    ws.require_owner()
    rows = await service.adapters(session=session, ws_id=ws.id)
    return AdapterList(items=[_adapter(r) for r in rows], active_id=next((r.id for r in rows if r.active), None))


@router.post("/adapters/{adapter_id}/activate", response_model=AdapterRead)
async def activate(adapter_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep):
    """Make an adapter the one retrieval uses (audited)."""
    ws.require_owner()
    return _adapter(await service.activate(session=session, ws_id=ws.id, user_id=ws.user.id, adapter_id=adapter_id))


@router.post("/adapters/rollback", response_model=RollbackRead)
async def rollback(ws: CurrentWorkspace, session: SessionDep):
    """Go back to the adapter active before, or to the plain model (audited)."""
    ws.require_owner()
    row = await service.rollback(session=session, ws_id=ws.id, user_id=ws.user.id)
    return RollbackRead(active=_adapter(row) if row else None)


@router.get("/chat-models", response_model=ChatModelList)
async def chat_models(ws: CurrentWorkspace, session: SessionDep):
    """Chat models fine-tuned for the workspace (selectable in its settings)."""
    ws.require_owner()
    return ChatModelList(items=[ChatModelRead.model_validate(m, from_attributes=True)
                                for m in await service.chat_models(session=session, ws_id=ws.id)])
