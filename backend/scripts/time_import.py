"""Time the two-phase import job on a FAQ file: when it is searchable (phase 1) and when it is complete.

Runs the job's steps in a burst arq worker inside this process on a scratch workspace, then deletes the workspace. Once phase 1 is
done, a second process (as the API is, beside the worker) searches the workspace while phase 2 runs:
    .venv/bin/python infra/scripts/stack.py exec .venv/bin/python backend/scripts/time_import.py <file> [--warm] [--phase1]
"""

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import select

from app.chat.service import warm_up
from app.core.db import dispose_engine, sessionmaker
from app.jobs import service as jobs
from app.knowledge import ingest
from app.knowledge.jobs import STAGE_EMBEDDING
from app.models import Job, JobUpload, Workspace
from app.retrieval import service as retrieval
from app.users.service import ensure_user
from app.workspaces import service as workspaces

PROBES = ["정산 계좌 변경", "반품 배송비는 누가 내나요", "미성년자 판매자 가입", "상품 일괄 등록 엑셀", "광고비 충전 방법",
          "송장번호 입력", "판매 수수료", "통신판매업 신고"]


async def probe(ws_id: uuid.UUID) -> None:
    """Search the workspace (first query loads the models) and print the latency of the others."""
    times, found = [], 0
    async with sessionmaker()() as s:
        settings = (await workspaces.load_settings(session=s, ws_id=ws_id)).retrieval
        for query in ["warm up", *PROBES]:
            result = await retrieval.search(ws_id=ws_id, query=query, settings=settings)
            if query != "warm up":
                times.append(result.ms)
                found += bool(result.hits)
    print(f"searches during phase 2 (another process): {found}/{len(PROBES)} found entries; "
          f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms", flush=True)
    await dispose_engine()


async def burst_worker() -> None:
    """A worker in this process that runs the queue (the job's steps) until it is empty."""
    from arq.worker import Worker

    from app.core.queue import redis_settings
    from app.worker import functions

    worker = Worker(functions=functions(), redis_settings=redis_settings(), burst=True, poll_delay=0.05,
                    handle_signals=False, allow_abort_jobs=True, max_tries=100)
    try:
        await worker.async_run()
    finally:
        await worker.close()


async def main(path: Path, warm: bool = False, phase1_only: bool = False) -> None:
    async with sessionmaker()() as s:
        owner = await ensure_user(session=s, email=f"time-import-{uuid.uuid4().hex[:8]}@sangdam.dev",
                                  password=uuid.uuid4().hex)
        ws = await workspaces.create(session=s, owner=owner, name=f"time import {uuid.uuid4().hex[:6]}")
        job = await jobs.create_and_enqueue(session=s, ws_id=ws.id, kind="import_knowledge", user_id=owner.id,
                                            extra=[JobUpload(filename=path.name, data=path.read_bytes())])
        ws_id, job_id = ws.id, job.id

    if warm:  # as the worker does at startup (app/worker.py), so the job does not pay for loading the models
        t = time.perf_counter()
        await warm_up()
        print(f"models loaded before the job: {time.perf_counter() - t:.1f} s", flush=True)
    t0 = time.perf_counter()
    run = asyncio.create_task(burst_worker())
    searchable, searcher = None, None
    while not run.done():
        await asyncio.sleep(0.5)  # phase 1 holds the loop while Kiwi runs: the reading is late by up to a batch
        async with sessionmaker()() as s:
            row = (await s.execute(select(Job.payload, Job.progress_done, Job.progress_total)
                                   .where(Job.id == job_id))).one()
            if searchable is None and row.payload.get("stage") == STAGE_EMBEDDING:
                searchable = time.perf_counter() - t0
                pending = await ingest.pending_vectors(s, ws_id)
                print(f"phase 1 (searchable): {searchable:.1f} s; {pending} pieces wait for vectors", flush=True)
                if phase1_only:
                    run.cancel()
                    break
                searcher = await asyncio.create_subprocess_exec(sys.executable, __file__, "--probe", str(ws_id))
    try:
        await run
    except asyncio.CancelledError:
        pass
    if searcher:
        await searcher.wait()
    total = time.perf_counter() - t0
    async with sessionmaker()() as s:
        job = await s.get(Job, job_id)
        print(f"job {job.status}: {job.result} {job.error or ''}")
        print(f"complete: {total:.1f} s; phase 2: {total - (searchable or total):.1f} s; "
              f"still pending: {await ingest.pending_vectors(s, ws_id)}")
        await workspaces.delete(session=s, ws=await s.get(Workspace, ws_id))
    from app.core.queue import close_queue

    await close_queue()
    await dispose_engine()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, nargs="?")
    parser.add_argument("--warm", action="store_true", help="load the models first, as the worker does at startup")
    parser.add_argument("--phase1", action="store_true", help="stop once the workspace is searchable")
    parser.add_argument("--probe", type=uuid.UUID, help=argparse.SUPPRESS)
    args = parser.parse_args()
    asyncio.run(probe(args.probe) if args.probe else main(args.file, args.warm, args.phase1))
