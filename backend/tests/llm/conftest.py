"""Make the loopback OpenAI and Ollama fixtures available even before the root conftest registers them."""

from tests.fakes.ollama_server import fake_ollama, fake_ollama_server  # noqa: F401
from tests.fakes.openai_server import fake_openai, fake_openai_env, fake_openai_server  # noqa: F401
