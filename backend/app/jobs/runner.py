"""The runner of every job kind: a lease with a heartbeat, per-step limits, retries, cancellation, next steps.

A job is a chain of steps, each an arq delivery of (job id, step number). A delivery first claims the job in
Postgres: the job must still be at that step, unfinished, and not held by a live delivery (a fresh heartbeat).
Anything else (a duplicate, a step already done, a finished job) does nothing. The holder beats every
JOB_HEARTBEAT_SECONDS; its writes all check that it still holds the lease, so a worker taken for dead by the sweeper
cannot overwrite the delivery that replaced it.
"""

import asyncio
import logging
import time
import uuid
from datetime import timedelta

from arq import Retry
from arq.worker import func
from sqlalchemy import func as sql
from sqlalchemy import or_, type_coerce, update
from sqlalchemy.dialects.postgresql import JSONB

from app.core.config import get_settings
from app.core.db import sessionmaker
from app.core.queue import get_queue
from app.jobs.registry import MORE, JobKind, Later, kinds
from app.models import Job

log = logging.getLogger(__name__)
ACTIVE = ("queued", "running")


class Cancelled(Exception):
    """The job was cancelled (seen at a progress report)."""


class LeaseLost(Exception):
    """Another delivery holds the job now (the sweeper took this worker for dead)."""


def delivery_id(job_id: uuid.UUID, step: int, tag: int | str = 0) -> str:
    """The arq job id of a delivery of `step` (the same id twice is enqueued once)."""
    return f"{job_id}:{step}:{tag}"


async def enqueue(kind: str, job_id: uuid.UUID, step: int, tag: int | str = 0, defer_s: float = 0) -> None:
    """Hand a step of a job to arq (to run `defer_s` from now)."""
    await (await get_queue()).enqueue_job(kind, str(job_id), step, _job_id=delivery_id(job_id, step, tag),
                                          _defer_by=defer_s or None)


class Step:
    """What a step function gets: the job as claimed, its place (`state`, the payload), and a time budget."""

    def __init__(self, job: Job, runner: str, budget_s: float):
        self.job, self.runner = job, runner
        self.state: dict = dict(job.payload or {})
        self.deadline = time.monotonic() + budget_s

    def out_of_time(self) -> bool:
        """Whether the step should stop after its current batch and leave the rest to the next step."""
        return time.monotonic() >= self.deadline

    async def progress(self, done: int, total: int, stage: str | None = None, **state) -> None:
        """Record progress (and any place to resume from, merged into the payload); stop if cancelled."""
        await self.save(progress_done=done, progress_total=total, **({"stage": stage} if stage else {}), **state)

    async def save(self, progress_done: int | None = None, progress_total: int | None = None, **state) -> None:
        """Merge `state` into the payload and beat; raise Cancelled or LeaseLost when the job is not ours to run."""
        self.state.update(state)
        values: dict = {"payload": Job.payload.op("||")(type_coerce(state, JSONB))} if state else {}
        if progress_done is not None:
            values |= {"progress_done": progress_done, "progress_total": progress_total}
        cancel = await _touch(self.job.id, self.runner, **values)
        if cancel is None:
            raise LeaseLost()
        if cancel:
            raise Cancelled()


async def _touch(job_id: uuid.UUID, holder: str, /, **values) -> bool | None:
    """Beat (and write `values`) if `holder` holds the job; return whether a cancel was asked, None if not held."""
    async with sessionmaker()() as s:
        cancel = await s.scalar(update(Job).where(Job.id == job_id, Job.runner == holder)
                                .values({"heartbeat_at": sql.now()} | values).returning(Job.cancel_requested)
                                .execution_options(synchronize_session=False))
        await s.commit()
        return cancel


async def _claim(job_id: uuid.UUID, step: int, runner: str) -> Job | None:
    """Take the lease of a job at `step`, or None when this delivery has nothing to do."""
    stale = timedelta(seconds=get_settings().job_stale_seconds)
    async with sessionmaker()() as s:
        job = await s.scalar(
            update(Job).where(Job.id == job_id, Job.step == step, Job.status.in_(ACTIVE),
                              or_(Job.runner.is_(None), Job.heartbeat_at < sql.now() - stale))
            .values(status="running", runner=runner, heartbeat_at=sql.now(), attempts=Job.attempts + 1,
                    started_at=sql.coalesce(Job.started_at, sql.now()))
            .returning(Job).execution_options(synchronize_session=False))
        await s.commit()
        return job


async def _release(job_id: uuid.UUID, runner: str, *, hold_s: float = 0, **values) -> bool:
    """Give the lease back (the job stays running); `hold_s` keeps the sweeper off it during a retry's backoff."""
    return await _touch(job_id, runner, runner=None, heartbeat_at=sql.now() + timedelta(seconds=hold_s),
                        **values) is not None


async def finish(job_id: uuid.UUID, runner: str | None, status: str, **values) -> None:
    """End a job (succeeded, failed or cancelled) if `runner` holds it (None: whoever does)."""
    held = Job.runner.is_(None) if runner is None else Job.runner == runner
    async with sessionmaker()() as s:
        await s.execute(update(Job).where(Job.id == job_id, held, Job.status.in_(ACTIVE))
                        .values(status=status, runner=None, finished_at=sql.now(), heartbeat_at=sql.now(), **values))
        await s.commit()


async def _heartbeat(job_id: uuid.UUID, runner: str, task: asyncio.Task, why: list[str]) -> None:
    """Beat until cancelled; stop the step when the job was cancelled or its lease lost."""
    every = get_settings().job_heartbeat_seconds
    while True:
        await asyncio.sleep(every)
        try:
            cancel = await _touch(job_id, runner)
        except Exception:  # a database hiccup: the next beat may get through before the lease goes stale
            log.warning("heartbeat of job %s failed", job_id, exc_info=True)
            continue
        if cancel is None or cancel:
            why.append("lost" if cancel is None else "cancel")
            task.cancel()
            return


class StepTimeout(Exception):
    """The step ran past its kind's limit."""


async def _work(kind: JobKind, job: Job, runner: str, why: list[str]):
    """The step itself, under the kind's limit and a heartbeat that lives exactly as long."""
    beat = asyncio.create_task(_heartbeat(job.id, runner, asyncio.current_task(), why))
    try:
        async with asyncio.timeout(kind.timeout_s) as limit:
            return await kind.step(Step(job, runner, get_settings().job_step_seconds))
    except TimeoutError as exc:
        if limit.expired():
            raise StepTimeout() from exc
        raise
    finally:
        beat.cancel()


async def run(kind: JobKind, ctx: dict, job_id: str, step: int) -> None:
    """Run one step of a job: claim, work under a heartbeat and the kind's limit, then settle or go on."""
    jid, me = uuid.UUID(job_id), ctx.get("job_id") or delivery_id(uuid.UUID(job_id), step, "direct")
    job = await _claim(jid, step, me)
    if job is None:
        log.info("job %s step %s: nothing to do (done, finished, or held by a live delivery)", job_id, step)
        return
    if job.cancel_requested:
        return await finish(jid, me, "cancelled", error="Cancelled.")
    why: list[str] = []  # set when our heartbeat stopped the step
    try:
        outcome = await _work(kind, job, me, why)
    except StepTimeout:
        await finish(jid, me, "failed", error=f"Timed out: step {step + 1} ran past its {kind.timeout_s:g} s limit.")
    except Cancelled:
        await finish(jid, me, "cancelled", error="Cancelled.")
    except LeaseLost:
        log.warning("job %s step %s: another delivery took over", job_id, step)
    except asyncio.CancelledError:
        if why:  # our heartbeat stopped the step: settle it here, arq has nothing to retry
            asyncio.current_task().uncancel()
            if why[0] == "cancel":
                await finish(jid, me, "cancelled", error="Cancelled.")
            return
        # Aborted through arq (a cancel from the API) or the worker is shutting down (arq runs it again).
        if (await _touch(jid, me)) is True:
            await finish(jid, me, "cancelled", error="Cancelled.")
        else:
            await _release(jid, me)
        raise
    except kind.fatal as exc:
        await finish(jid, me, "failed", error=str(exc)[:2000])
    except Exception as exc:
        await _failed(kind, job, me, exc)
    else:
        if outcome is MORE or isinstance(outcome, Later):
            await _advance(kind, job, me, outcome.seconds if isinstance(outcome, Later) else 0)
        else:
            await finish(jid, me, "succeeded", result=outcome, error=None)


async def _failed(kind: JobKind, job: Job, runner: str, exc: Exception) -> None:
    """Retry the step with backoff while it has tries left, then fail the job with a readable error."""
    log.exception("job %s (%s) step %s failed", job.id, kind.name, job.step, exc_info=exc)
    error = f"{type(exc).__name__}: {exc}"[:1900]
    if job.attempts >= kind.max_tries:
        return await finish(job.id, runner, "failed", error=f"{error} (step {job.step + 1}, {job.attempts} tries)")
    delay = kind.backoff(job.attempts)
    if await _release(job.id, runner, hold_s=delay + 5, error=f"Retrying in {delay:g} s: {error}"):
        raise Retry(defer=delay) from exc


async def _advance(kind: JobKind, job: Job, runner: str, defer_s: float = 0) -> None:
    """Count the step done and enqueue the next one, `defer_s` from now (the sweeper enqueues it if this process
    dies first; a deferred step is no orphan until its time has come)."""
    if await _release(job.id, runner, hold_s=defer_s + 5 if defer_s else 0, step=job.step + 1, attempts=0):
        await enqueue(kind.name, job.id, job.step + 1, defer_s=defer_s)


def _entry(kind: JobKind):
    async def entry(ctx: dict, job_id: str, step: int = 0) -> None:
        await run(kind, ctx, job_id, step)

    entry.__qualname__ = entry.__name__ = kind.name
    return entry


def arq_functions() -> list:
    """One arq function per registered kind (arq's own limit a little above the runner's)."""
    return [func(_entry(k), name=k.name, timeout=k.timeout_s + 30) for k in kinds()]
