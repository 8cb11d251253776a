"""arq worker: runs every registered job kind. Run with `arq app.worker.WorkerSettings`."""

from arq import cron

from app.core.db import dispose_engine
from app.core.queue import redis_settings
from app.jobs.runner import arq_functions
from app.jobs.sweeper import sweep, sweep_cron

DOMAINS = ("app.knowledge.jobs", "app.documents.jobs", "app.finetune.jobs",
           "app.finetune.openai_ft")  # each registers its kinds on import


def functions() -> list:
    """The arq functions of every domain's job kinds."""
    import importlib

    for name in DOMAINS:
        importlib.import_module(name)
    return arq_functions()


async def startup(ctx: dict) -> None:
    from app.chat.service import warm_up

    await sweep()  # jobs a dead worker left behind
    await warm_up()


async def shutdown(ctx: dict) -> None:
    from app.core.queue import close_queue

    await close_queue()
    await dispose_engine()


class WorkerSettings:
    functions = functions()
    cron_jobs = [cron(sweep_cron, name="sweep_orphan_jobs", second=0, run_at_startup=False)]
    redis_settings = redis_settings()
    on_startup = startup
    on_shutdown = shutdown
    allow_abort_jobs = True
    max_jobs = 4
    # Retries are decided by the runner from the attempts recorded in Postgres (JobKind.max_tries); arq's own
    # count only has to stay out of the way.
    max_tries = 100
    keep_result = 3600
