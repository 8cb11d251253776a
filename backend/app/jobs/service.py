"""Job records: Postgres holds the status of record; arq only carries the job id."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import sessionmaker
from app.core.queue import get_queue
from app.models import Job


async def create_and_enqueue(*, session: AsyncSession, ws_id: uuid.UUID | None, kind: str, user_id: uuid.UUID | None,
                             payload: dict | None = None, extra: list | None = None) -> Job:
    """Insert a queued job (with any rows in `extra`) in one transaction, then hand its id to arq."""
    job = Job(workspace_id=ws_id, kind=kind, status="queued", payload=payload or {}, created_by=user_id)
    session.add(job)
    await session.flush()
    for row in extra or []:
        row.job_id = job.id
        session.add(row)
    await session.commit()
    await (await get_queue()).enqueue_job(kind, str(job.id), _job_id=str(job.id))
    return job


async def set_status(job_id: uuid.UUID, **values) -> None:
    """Update a job row in its own short transaction (visible to pollers at once)."""
    async with sessionmaker()() as s:
        await s.execute(update(Job).where(Job.id == job_id).values(**values))
        await s.commit()


async def start(job_id: uuid.UUID) -> None:
    """Mark a job running (again, if arq retries it)."""
    await set_status(job_id, status="running", started_at=datetime.now(UTC), error=None, attempts=Job.attempts + 1)


async def progress(job_id: uuid.UUID, done: int, total: int, stage: str | None = None) -> None:
    """Record progress, and the stage it counts in for jobs that have several (kept in the payload)."""
    values: dict = {"progress_done": done, "progress_total": total}
    if stage is not None:
        values["payload"] = Job.payload.op("||")(func.jsonb_build_object("stage", stage))
    await set_status(job_id, **values)


async def succeed(job_id: uuid.UUID, result: dict) -> None:
    """Mark a job done with its result."""
    await set_status(job_id, status="succeeded", result=result, finished_at=datetime.now(UTC))


async def fail(job_id: uuid.UUID, error: str) -> None:
    """Mark a job failed with a readable error."""
    await set_status(job_id, status="failed", error=error[:2000], finished_at=datetime.now(UTC))
