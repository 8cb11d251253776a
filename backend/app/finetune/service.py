"""Fine-tuning: launch jobs, read their metrics and log, and manage a workspace's retrieval adapters."""

import json
import time
import uuid

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.audit import record
from app.core.errors import AppError, NotFound
from app.finetune import active, data
from app.finetune.models import FinetunedChatModel, FinetuneEvent, FinetuneMetric, RetrievalAdapter
from app.jobs import service as jobs
from app.llm import catalogue
from app.models import Job
from app.workspaces import service as workspaces

ADAPTER = catalogue.ADAPTER


async def launch(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID | None, kind: str,
                 params: dict) -> Job:
    """Queue a fine-tuning job of `kind` ("adapter" or "openai") for the workspace."""
    from app.finetune import jobs as ft_jobs
    from app.finetune import openai_ft

    settings = await workspaces.load_settings(session=session, ws_id=ws_id)
    if kind == "adapter":
        r = settings.retrieval
        if catalogue.provider("embedding", r.embedding_provider) is None:
            raise AppError("The workspace's embedding model is unknown.", code="finetune_bad_model")
        payload = {"params": params, "provider": r.embedding_provider, "model": r.embedding_model,
                   "stage": "embedding", "t0": time.time()}
        return await jobs.create_and_enqueue(session=session, ws_id=ws_id, kind=ft_jobs.ADAPTER_KIND,
                                             user_id=user_id, payload=payload)
    payload = {"params": params, "stage": "validating", "base_model": params.get("base_model")
               or openai_ft.DEFAULT_BASE}
    return await jobs.create_and_enqueue(session=session, ws_id=ws_id, kind=openai_ft.KIND, user_id=user_id,
                                         payload=payload)


FINETUNE_KINDS = ("finetune_adapter", "finetune_openai")


async def get_job(*, session: AsyncSession, ws_id: uuid.UUID, job_id: uuid.UUID) -> Job:
    """A fine-tuning job of the workspace, or 404."""
    job = await jobs.get_job(session=session, ws_id=ws_id, job_id=job_id)
    if job.kind not in FINETUNE_KINDS:
        raise NotFound("Job not found.")
    return job


async def metrics(*, session: AsyncSession, job: Job) -> list[FinetuneMetric]:
    """The job's steps in order."""
    return list(await session.scalars(select(FinetuneMetric).where(FinetuneMetric.job_id == job.id,
                                                                     FinetuneMetric.workspace_id == job.workspace_id)
                                      .order_by(FinetuneMetric.step)))


async def events(*, session: AsyncSession, job: Job, after: int = 0, limit: int = 200) -> list[FinetuneEvent]:
    """The job's log lines after id `after`, oldest first."""
    return list(await session.scalars(select(FinetuneEvent).where(
        FinetuneEvent.job_id == job.id, FinetuneEvent.workspace_id == job.workspace_id, FinetuneEvent.id > after)
        .order_by(FinetuneEvent.id).limit(limit)))


async def list_jobs(*, session: AsyncSession, ws_id: uuid.UUID) -> list[Job]:
    """The workspace's fine-tuning jobs, newest first."""
    return list(await session.scalars(select(Job).where(Job.workspace_id == ws_id, Job.kind.in_(FINETUNE_KINDS))
                                      .order_by(Job.created_at.desc()).limit(50)))


async def preview(*, session: AsyncSession, ws_id: uuid.UUID, holdout_pct: int = 20, sentences_per_entry: int = 1,
                  limit: int = 20) -> dict:
    """Counts of the adapter's training set by split and source, and its first pseudo-queries."""
    queries = await data.pseudo_queries(session, ws_id, holdout_pct=holdout_pct,
                                        sentences_per_entry=sentences_per_entry)
    counts: dict[str, dict[str, int]] = {}
    for q in queries:
        counts.setdefault(q.split, {}).setdefault(q.source, 0)
        counts[q.split][q.source] += 1
    return {"total": len(queries), "counts": counts,
            "items": [{"text": q.text, "entry_id": q.entry_id, "source": q.source, "split": q.split}
                      for q in queries[:limit]]}


async def dataset_jsonl(*, session: AsyncSession, ws_id: uuid.UUID, holdout_pct: int = 20,
                        sentences_per_entry: int = 1) -> str:
    """The adapter's training set as JSON Lines (one pseudo-query a line, with its entry and split)."""
    queries = await data.pseudo_queries(session, ws_id, holdout_pct=holdout_pct,
                                        sentences_per_entry=sentences_per_entry)
    return "".join(json.dumps({"text": q.text, "entry_id": str(q.entry_id), "source": q.source, "split": q.split},
                              ensure_ascii=False) + "\n" for q in queries)


async def adapters(*, session: AsyncSession, ws_id: uuid.UUID) -> list[RetrievalAdapter]:
    """The workspace's adapters, newest version first."""
    return list(await session.scalars(select(RetrievalAdapter).where(RetrievalAdapter.workspace_id == ws_id)
                                      .order_by(RetrievalAdapter.version.desc())))


async def set_active(session: AsyncSession, ws_id: uuid.UUID, adapter_id: uuid.UUID | None) -> None:
    """Make `adapter_id` the workspace's one active adapter (None: plain model), in the caller's transaction."""
    await session.execute(update(RetrievalAdapter).where(RetrievalAdapter.workspace_id == ws_id,
                                                         RetrievalAdapter.active).values(active=False)
                          .execution_options(synchronize_session=False))
    if adapter_id is not None:
        await session.execute(update(RetrievalAdapter).where(RetrievalAdapter.workspace_id == ws_id,
                                                             RetrievalAdapter.id == adapter_id)
                              .values(active=True, activated_at=func.now())
                              .execution_options(synchronize_session=False))


async def activate(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID,
                   adapter_id: uuid.UUID) -> RetrievalAdapter:
    """Activate one of the workspace's adapters (audited)."""
    row = await session.scalar(select(RetrievalAdapter).where(RetrievalAdapter.workspace_id == ws_id,
                                                              RetrievalAdapter.id == adapter_id))
    if row is None:
        raise NotFound("Adapter not found.")
    await set_active(session, ws_id, row.id)
    record(session, actor_id=user_id, action="finetune.adapter.activate", workspace_id=ws_id,
           target_type="retrieval_adapter", target_id=row.id, detail={"version": row.version})
    await session.commit()
    active.forget(ws_id)
    await session.refresh(row)
    return row


async def rollback(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID) -> RetrievalAdapter | None:
    """Go back to the adapter active before the current one, or to the plain model (audited); return it."""
    current = await session.scalar(select(RetrievalAdapter).where(RetrievalAdapter.workspace_id == ws_id,
                                                                  RetrievalAdapter.active))
    if current is None:
        raise AppError("No adapter is active.", code="adapter_not_active", status_code=409)
    previous = await session.scalar(
        select(RetrievalAdapter).where(RetrievalAdapter.workspace_id == ws_id, RetrievalAdapter.activated_at.is_not(None),
                                       ~RetrievalAdapter.active)
        .where(RetrievalAdapter.activated_at < current.activated_at)
        .order_by(RetrievalAdapter.activated_at.desc()).limit(1))
    await set_active(session, ws_id, previous.id if previous else None)
    record(session, actor_id=user_id, action="finetune.adapter.rollback", workspace_id=ws_id,
           target_type="retrieval_adapter", target_id=previous.id if previous else None,
           detail={"from": str(current.id),
                   "to_version": previous.version if previous else None})
    await session.commit()
    active.forget(ws_id)
    if previous is not None:
        await session.refresh(previous)
    return previous


def model_name(row: RetrievalAdapter) -> str:
    """The adapter's name in the catalogue."""
    return f"{row.base_model}+adapter-v{row.version}-{str(row.workspace_id)[:8]}"


def register_in_catalogue(row: RetrievalAdapter) -> None:
    """List an adapter in the model catalogue (an embedding model of its base's width; not a workspace's
    choice of embedding model: it is activated through the fine-tuning routes)."""
    base = catalogue.find_model("embedding", row.base_provider, row.base_model)
    catalogue.register_models(catalogue.ModelSpec(
        row.base_provider, model_name(row), "embedding", dimensions=base.dimensions if base else 384,
        context_length=base.context_length if base else None,
        capabilities=frozenset({ADAPTER}) | (base.capabilities if base else frozenset()), source="finetuned"))


def register_chat_model(row: FinetunedChatModel) -> None:
    """List a fine-tuned chat model (`ft:...`) in the catalogue."""
    base = catalogue.find_model("chat", row.provider, row.base_model)
    catalogue.register_models(catalogue.ModelSpec(row.provider, row.name, "chat",
                                                  context_length=base.context_length if base else None,
                                                  capabilities=base.capabilities if base else frozenset(),
                                                  source="finetuned"))


async def chat_models(*, session: AsyncSession, ws_id: uuid.UUID) -> list[FinetunedChatModel]:
    """The workspace's fine-tuned chat models, newest first."""
    return list(await session.scalars(select(FinetunedChatModel).where(FinetunedChatModel.workspace_id == ws_id)
                                      .order_by(FinetunedChatModel.created_at.desc())))


async def cancel(*, session: AsyncSession, ws_id: uuid.UUID, job_id: uuid.UUID) -> Job:
    """Cancel a fine-tuning job; a chat-model job's job at the API is cancelled too (logged if it cannot be)."""
    from app.finetune import openai_ft

    job = await get_job(session=session, ws_id=ws_id, job_id=job_id)
    external = (job.payload or {}).get("external_id")
    session.expunge(job)  # the cancel's UPDATE ... RETURNING must not hand back this stale copy
    job = await jobs.cancel(session=session, ws_id=ws_id, job_id=job_id)
    if external:
        failed = await openai_ft.cancel_remote(external)
        session.add(FinetuneEvent(job_id=job.id, workspace_id=ws_id, level="warn" if failed else "info",
                                  message=f"Cancel sent to the fine-tuning API: {failed or 'ok'}"))
        await session.commit()
    return job
