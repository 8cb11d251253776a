import uuid
from dataclasses import dataclass

import pytest

from app.core.db import sessionmaker
from app.retrieval import service as retrieval
from app.workspaces import service as workspaces
from app.workspaces.schemas import RetrievalSettings
from tests.conftest import make_actor, make_workspace
from tests.helpers import clone_demo


@dataclass
class DemoSearch:
    """A workspace holding the demo knowledge, searched with its own (or given) retrieval settings."""

    ws_id: uuid.UUID
    settings: RetrievalSettings

    async def __call__(self, query: str, settings: RetrievalSettings | None = None, **kw) -> retrieval.SearchResult:
        return await retrieval.search(ws_id=self.ws_id, query=query, settings=settings or self.settings, **kw)


@pytest.fixture
async def demo_search(client) -> DemoSearch:
    owner = await make_actor(client)
    ws = await make_workspace(client, owner)
    await clone_demo(ws["id"])
    ws_id = uuid.UUID(ws["id"])
    async with sessionmaker()() as s:
        settings = (await workspaces.load_settings(session=s, ws_id=ws_id)).retrieval
    return DemoSearch(ws_id, settings)
