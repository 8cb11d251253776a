import pytest

from tests.chat.conftest import server, start_server  # noqa: F401 - a real API process for disconnect tests


@pytest.fixture(autouse=True)
def _no_real_llm(monkeypatch):
    """Summaries and answers are extractive unless a test points OPENAI_* at the fake."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
