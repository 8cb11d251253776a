"""The orphan sweeper: jobs whose heartbeat went stale are resumed or settled, never left running.

It runs when a worker starts and every minute (an arq cron job).
"""

import logging
import uuid
from datetime import timedelta

from arq.constants import default_queue_name, in_progress_key_prefix, job_key_prefix, retry_key_prefix
from sqlalchemy import func, select

from app.core.config import get_settings
from app.core.db import sessionmaker
from app.core.queue import get_queue
from app.jobs.registry import get_kind
from app.jobs.runner import ACTIVE, enqueue
from app.models import Job

log = logging.getLogger(__name__)


async def _forget(delivery: str) -> None:
    """Drop a dead worker's arq delivery, so arq does not run it again once its in-progress key expires."""
    redis = await get_queue()
    await redis.zrem(default_queue_name, delivery)
    await redis.delete(job_key_prefix + delivery, in_progress_key_prefix + delivery, retry_key_prefix + delivery)


async def sweep(*, stale_s: float | None = None) -> dict[str, int]:
    """Resume or settle every unfinished job silent for `stale_s`; return how many of each."""
    stale = timedelta(seconds=stale_s if stale_s is not None else get_settings().job_stale_seconds)
    counts = {"resumed": 0, "failed": 0, "cancelled": 0}
    resume: list[tuple[str, uuid.UUID, int, int]] = []
    async with sessionmaker()() as s:
        orphans = (await s.execute(
            select(Job).where(Job.status.in_(ACTIVE), func.coalesce(Job.heartbeat_at, Job.created_at) < func.now() - stale)
            .with_for_update(skip_locked=True))).scalars().all()
        for job in orphans:
            kind, lost = get_kind(job.kind), job.runner
            if lost:
                await _forget(lost)
            if kind is None or job.cancel_requested or (lost and job.attempts >= (kind.max_tries if kind else 0)):
                job.status = "cancelled" if job.cancel_requested else "failed"
                job.error = ("Cancelled." if job.cancel_requested else f"Unknown job kind '{job.kind}'." if kind is None
                             else f"The worker running this job stopped {job.attempts} times (step {job.step + 1}).")
                job.finished_at = func.now()
            else:
                # Queued or between steps: the same delivery id as before, which arq enqueues only if it is gone.
                resume.append((kind.name, job.id, job.step, job.attempts))
            job.runner, job.heartbeat_at = None, func.now()
            counts["resumed" if job.status in ACTIVE else job.status] += 1
        await s.commit()
    for name, job_id, step, tag in resume:
        await enqueue(name, job_id, step, tag)
    if any(counts.values()):
        log.warning("swept orphan jobs: %s", counts)
    return counts


async def sweep_cron(ctx: dict) -> dict[str, int]:
    """arq cron job: sweep orphans."""
    return await sweep()
