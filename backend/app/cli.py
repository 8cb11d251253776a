"""Command line: `python -m app.cli seed | import FILE [--workspace WS [--create]] [--background]
| finetune-adapter --workspace WS [--param k=v] | adapter list|activate|rollback --workspace WS [--version N]`."""

import argparse
import asyncio
import json
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import or_, select

from app.core.db import dispose_engine, sessionmaker
from app.models import Membership, Workspace

DEMO_WORKSPACE = "스마트스토어 데모"
DEMO_FAQ = Path(__file__).parent / "seed" / "demo_faq.json"
ADMIN = ("admin@sangdam.dev", "sangdam-admin", "관리자")
DEMO = ("demo@sangdam.dev", "sangdam-demo", "데모 사용자")
# Both seeded workspaces answer SmartStore sellers: links to the help centre render as links in answers.
HELP_CENTRE_HOSTS = ["help.sell.smartstore.naver.com"]


async def ensure_workspace(name: str) -> Workspace:
    """Find the workspace named `name` or create it, owned by the admin with the demo user as a member (idempotent)."""
    from app.users.service import ensure_user
    from app.workspaces import service as workspaces

    async with sessionmaker()() as session:
        admin = await ensure_user(session=session, email=ADMIN[0], password=ADMIN[1], name=ADMIN[2], is_admin=True)
        demo = await ensure_user(session=session, email=DEMO[0], password=DEMO[1], name=DEMO[2])
        ws = (await session.execute(select(Workspace).where(Workspace.name == name)
                                    .order_by(Workspace.created_at))).scalars().first()
        if ws is None:
            ws = await workspaces.create(session=session, owner=admin, name=name, commit=False)
            session.add(Membership(workspace_id=ws.id, user_id=demo.id, role="member"))
            await session.flush()
            row = await workspaces.get_settings_row(session, ws.id)
            row.profile = row.profile | {"link_hosts": HELP_CENTRE_HOSTS}
        await session.commit()
        return ws


async def seed() -> uuid.UUID:
    """Create the admin, the demo member and the demo workspace with its FAQ (idempotent)."""
    from app.knowledge.jobs import import_file
    from app.templates.seed import ensure_demo_templates

    ws = await ensure_workspace(DEMO_WORKSPACE)
    async with sessionmaker()() as session:
        result = await import_file(session=session, ws_id=ws.id, filename=DEMO_FAQ.name, data=DEMO_FAQ.read_bytes())
    async with sessionmaker()() as session:
        templates = await ensure_demo_templates(session=session, ws_id=ws.id)
    print(f"seeded: workspace '{ws.name}' ({ws.id}), {result['entries']} demo FAQ entries, "
          f"{templates} new document templates")
    return ws.id


async def resolve_workspace(ref: str) -> uuid.UUID:
    """Find a workspace by id, slug or exact name."""
    async with sessionmaker()() as session:
        cond = [Workspace.slug == ref, Workspace.name == ref]
        try:
            cond.append(Workspace.id == uuid.UUID(ref))
        except ValueError:
            pass
        ws = (await session.execute(select(Workspace).where(or_(*cond)))).scalars().first()
        if ws is None:
            sys.exit(f"No workspace '{ref}'.")
        return ws.id


async def import_cmd(path: str, ws_ref: str, background: bool = False, create: bool = False) -> None:
    """Import a knowledge file into a workspace, printing progress (or queue it for the worker)."""
    from app.knowledge.jobs import enqueue_import, import_file

    ws_id = (await ensure_workspace(ws_ref)).id if create else await resolve_workspace(ws_ref or DEMO_WORKSPACE)
    data = Path(path).read_bytes()
    if background:
        async with sessionmaker()() as session:
            owner = await session.scalar(select(Membership.user_id).where(Membership.workspace_id == ws_id,
                                                                          Membership.role == "owner"))
            job = await enqueue_import(session=session, ws_id=ws_id, user_id=owner, filename=Path(path).name, data=data)
        print(f"queued import of {path} as job {job.id}; follow it in the Knowledge screen")
        return
    t0 = time.perf_counter()

    async def progress(done: int, total: int) -> None:
        print(f"\r  {done}/{total} entries", end="", flush=True)

    async with sessionmaker()() as session:
        result = await import_file(session=session, ws_id=ws_id, filename=Path(path).name, data=data,
                                   progress=progress)
    print(f"\nimported {path}: {json.dumps(result)} in {time.perf_counter() - t0:.1f} s")


async def finetune_cmd(ws_ref: str, params: dict) -> None:
    """Train a retrieval adapter for a workspace in this process (the worker's job, step by step), printing its
    log and report."""
    from app.finetune import service
    from app.finetune.models import FinetuneEvent
    from app.jobs import runner
    from app.jobs.registry import get_kind
    from app.models import Job

    ws_id = await resolve_workspace(ws_ref)
    async with sessionmaker()() as session:
        owner = await session.scalar(select(Membership.user_id).where(Membership.workspace_id == ws_id,
                                                                      Membership.role == "owner"))
        job = await service.launch(session=session, ws_id=ws_id, user_id=owner, kind="adapter", params=params)
    kind, seen, t0 = get_kind(job.kind), 0, time.perf_counter()
    while True:
        async with sessionmaker()() as session:
            row = await session.get(Job, job.id)
            for e in (await session.scalars(select(FinetuneEvent).where(FinetuneEvent.job_id == job.id,
                                                                        FinetuneEvent.id > seen)
                                            .order_by(FinetuneEvent.id))).all():
                seen = e.id
                print(f"  [{time.perf_counter() - t0:6.1f} s] {e.message}", flush=True)
        if row.status in ("succeeded", "failed", "cancelled"):
            break
        await runner.run(kind, {}, str(job.id), row.step)
    print(json.dumps({"status": row.status, "error": row.error, "seconds": round(time.perf_counter() - t0, 1),
                      **row.result}, ensure_ascii=False, indent=1))


async def adapter_cmd(ws_ref: str, action: str, version: int | None) -> None:
    """Activate an adapter version of a workspace, or roll back (as the workspace owner, audited)."""
    from app.finetune import service
    from app.finetune.models import RetrievalAdapter

    ws_id = await resolve_workspace(ws_ref)
    async with sessionmaker()() as session:
        owner = await session.scalar(select(Membership.user_id).where(Membership.workspace_id == ws_id,
                                                                      Membership.role == "owner"))
        if action == "activate":
            row = await session.scalar(select(RetrievalAdapter).where(RetrievalAdapter.workspace_id == ws_id,
                                                                      RetrievalAdapter.version == version))
            if row is None:
                sys.exit(f"No adapter version {version}.")
            await service.activate(session=session, ws_id=ws_id, user_id=owner, adapter_id=row.id)
            print(f"activated adapter v{version}")
        elif action == "rollback":
            row = await service.rollback(session=session, ws_id=ws_id, user_id=owner)
            print(f"active now: {f'v{row.version}' if row else 'the plain model'}")
        else:
            for r in await service.adapters(session=session, ws_id=ws_id):
                print(f"v{r.version}{' (active)' if r.active else ''}: {json.dumps(r.report, ensure_ascii=False)}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="sangdam")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("seed")
    imp = sub.add_parser("import")
    imp.add_argument("file")
    imp.add_argument("--workspace", default="")
    imp.add_argument("--background", action="store_true", help="queue an import job for the worker")
    imp.add_argument("--create", action="store_true",
                     help="create the workspace named --workspace when there is none (admin owner, demo member)")
    ft = sub.add_parser("finetune-adapter", help="train a retrieval adapter for a workspace in this process")
    ft.add_argument("--workspace", required=True)
    ft.add_argument("--activate", choices=["if_better", "never"], default="never")
    ft.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                    help="a hyper-parameter (rank, epochs, lr, tau, decay, batch, holdout_pct, sentences_per_entry)")
    ad = sub.add_parser("adapter", help="list, activate or roll back a workspace's adapters")
    ad.add_argument("action", choices=["list", "activate", "rollback"])
    ad.add_argument("--workspace", required=True)
    ad.add_argument("--version", type=int)
    args = parser.parse_args()

    async def run() -> None:
        try:
            if args.cmd == "seed":
                await seed()
            elif args.cmd == "import":
                await import_cmd(args.file, args.workspace, args.background, args.create)
            elif args.cmd == "finetune-adapter":
                params = {"activate": args.activate} | {k: json.loads(v) for k, v in
                                                         (p.split("=", 1) for p in args.param)}
                await finetune_cmd(args.workspace, params)
            elif args.cmd == "adapter":
                await adapter_cmd(args.workspace, args.action, args.version)
        finally:
            from app.core.queue import close_queue

            await close_queue()
            await dispose_engine()

    asyncio.run(run())


if __name__ == "__main__":
    main()
