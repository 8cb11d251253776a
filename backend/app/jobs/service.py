"""Job records: Postgres holds the status of record; arq only carries the job id and step (see runner.py)."""

import uuid
from datetime import timedelta

from arq.constants import abort_jobs_ss
from arq.utils import timestamp_ms
from sqlalchemy import case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import get_settings
from app.core.errors import AppError, Conflict, NotFound
from app.core.queue import get_queue
from app.jobs import runner
from app.jobs.registry import get_kind
from app.models import Job, Workspace

FINISHED = ("succeeded", "failed", "cancelled")


async def create_and_enqueue(*, session: AsyncSession, ws_id: uuid.UUID | None, kind: str, user_id: uuid.UUID | None,
                             payload: dict | None = None, extra: list | None = None) -> Job:
    """Insert a queued job (with any rows in `extra`) in one transaction, then hand its first step to arq."""
    if get_kind(kind) is None:
        raise ValueError(f"unregistered job kind {kind!r}")
    job = Job(workspace_id=ws_id, kind=kind, status="queued", payload=payload or {}, created_by=user_id)
    session.add(job)
    await session.flush()
    for row in extra or []:
        row.job_id = job.id
        session.add(row)
    await session.commit()
    await runner.enqueue(kind, job.id, 0)
    return job


def _filtered(stmt, *, ws_id: uuid.UUID | None, kind: str | None, status: str | None):
    if ws_id is not None:
        stmt = stmt.where(Job.workspace_id == ws_id)
    if kind:
        stmt = stmt.where(Job.kind == kind)
    if status:
        stmt = stmt.where(Job.status == status)
    return stmt


async def list_jobs(*, session: AsyncSession, ws_id: uuid.UUID | None, kind: str | None = None,
                    status: str | None = None, offset: int = 0, limit: int = 20) -> tuple[list, int]:
    """Jobs newest first (of one workspace, or of all with `ws_id` None) with their workspace names, and the total."""
    rows = (await session.execute(
        _filtered(select(Job, Workspace.name).outerjoin(Workspace, Workspace.id == Job.workspace_id),
                  ws_id=ws_id, kind=kind, status=status)
        .order_by(Job.created_at.desc(), Job.id.desc()).offset(offset).limit(limit))).all()
    total = await session.scalar(_filtered(select(func.count()).select_from(Job), ws_id=ws_id, kind=kind,
                                           status=status))
    return list(rows), total


async def get_job(*, session: AsyncSession, ws_id: uuid.UUID, job_id: uuid.UUID) -> Job:
    """One job of the workspace, or 404."""
    job = await session.scalar(select(Job).where(Job.id == job_id, Job.workspace_id == ws_id))
    if job is None:
        raise NotFound("Job not found.")
    return job


async def cancel(*, session: AsyncSession, ws_id: uuid.UUID, job_id: uuid.UUID) -> Job:
    """Cancel an unfinished job: at once when no worker holds it, else through arq's abort and the heartbeat."""
    # One statement, so a worker claiming the job meanwhile either sees the request or is aborted. A job whose
    # worker went silent is settled here too, rather than at the next sweep.
    stale = timedelta(seconds=get_settings().job_stale_seconds)
    idle = or_(Job.runner.is_(None), Job.heartbeat_at < func.now() - stale)
    job = await session.scalar(
        update(Job).where(Job.id == job_id, Job.workspace_id == ws_id, Job.status.in_(runner.ACTIVE))
        .values(cancel_requested=True, status=case((idle, "cancelled"), else_=Job.status),
                runner=case((idle, None), else_=Job.runner),
                finished_at=case((idle, func.now()), else_=Job.finished_at),
                error=case((idle, "Cancelled."), else_=Job.error))
        .returning(Job).execution_options(synchronize_session=False))
    await session.commit()
    if job is None:
        await get_job(session=session, ws_id=ws_id, job_id=job_id)  # 404 if it is not the workspace's
        raise Conflict("The job has already finished.", code="job_finished")
    if job.runner:
        await (await get_queue()).zadd(abort_jobs_ss, {job.runner: timestamp_ms()})
    return job


async def retry(*, session: AsyncSession, ws_id: uuid.UUID, job_id: uuid.UUID) -> Job:
    """Run a failed or cancelled job again from the step it stopped at (its progress is kept)."""
    job = await session.scalar(
        update(Job).where(Job.id == job_id, Job.workspace_id == ws_id, Job.status.in_(("failed", "cancelled")))
        .values(status="queued", error=None, finished_at=None, cancel_requested=False, attempts=0, runner=None,
                heartbeat_at=func.now())
        .returning(Job).execution_options(synchronize_session=False))
    await session.commit()
    if job is None:
        await get_job(session=session, ws_id=ws_id, job_id=job_id)
        raise Conflict("Only a failed or cancelled job can be retried.", code="job_not_retryable")
    if get_kind(job.kind) is None:
        raise AppError(f"Job kind '{job.kind}' is not known to this version.", code="unknown_job_kind")
    # A fresh delivery id: arq keeps the results of the step's earlier deliveries for a while.
    await runner.enqueue(job.kind, job.id, job.step, f"retry-{uuid.uuid4().hex[:8]}")
    return job
