"""`python -m app.cli import FILE --workspace NAME --create`, as `make run FAQ=file` calls it."""

import uuid
from pathlib import Path

from sqlalchemy import func, select

from app import cli
from app.core.db import sessionmaker
from app.models import KnowledgeEntry, Membership, User
from app.workspaces.service import load_settings

FIXTURE = Path(__file__).parent / "fixtures" / "faq_helpcentre.pkl"


async def test_import_creates_its_own_workspace_once():
    name = f"faq-{uuid.uuid4().hex[:8]}"
    await cli.import_cmd(str(FIXTURE), name, create=True)
    await cli.import_cmd(str(FIXTURE), name, create=True)  # again: the same workspace, the same entries

    ws = await cli.ensure_workspace(name)
    async with sessionmaker()() as s:
        roles = dict((await s.execute(select(User.email, Membership.role).join(Membership)
                                      .where(Membership.workspace_id == ws.id))).all())
        entries = await s.scalar(select(func.count()).select_from(KnowledgeEntry)
                                 .where(KnowledgeEntry.workspace_id == ws.id))
    assert ws.name == name and ws.name != cli.DEMO_WORKSPACE
    assert roles == {cli.ADMIN[0]: "owner", cli.DEMO[0]: "member"}
    assert entries == 12
    async with sessionmaker()() as s:
        settings = await load_settings(session=s, ws_id=ws.id)
    assert settings.profile.link_hosts == cli.HELP_CENTRE_HOSTS  # help-centre links render in its answers
