import pytest


@pytest.fixture(autouse=True)
def _no_real_llm(monkeypatch):
    """Answer extractively unless a test points OPENAI_* at the fake; a developer's key stays unused."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
