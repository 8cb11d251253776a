"""arq worker: gathers every domain's jobs. Run with `arq app.worker.WorkerSettings`."""

from app.core.db import dispose_engine
from app.core.queue import redis_settings
from app.knowledge.jobs import JOBS as KNOWLEDGE_JOBS


async def startup(ctx: dict) -> None:
    from app.chat.service import warm_up

    await warm_up()


async def shutdown(ctx: dict) -> None:
    await dispose_engine()


class WorkerSettings:
    functions = [*KNOWLEDGE_JOBS]
    redis_settings = redis_settings()
    on_startup = startup
    on_shutdown = shutdown
    max_jobs = 4
    job_timeout = 1800
    max_tries = 3
    keep_result = 3600
