import pytest

from tests.conftest import make_actor, make_workspace


@pytest.fixture(autouse=True)
def _no_real_llm(monkeypatch):
    """Sections are extractive unless a test points OPENAI_* at the fake; a developer's key stays unused."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OLLAMA_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def owner_ws(client):
    actor = await make_actor(client)
    ws = (await make_workspace(client, actor, "템플릿 워크스페이스"))["id"]
    return actor, ws
