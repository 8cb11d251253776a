"""Command line: `python -m app.cli seed | import FILE [--workspace WS [--create]] [--background]`."""

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
    args = parser.parse_args()

    async def run() -> None:
        try:
            if args.cmd == "seed":
                await seed()
            elif args.cmd == "import":
                await import_cmd(args.file, args.workspace, args.background, args.create)
        finally:
            from app.core.queue import close_queue

            await close_queue()
            await dispose_engine()

    asyncio.run(run())


if __name__ == "__main__":
    main()
