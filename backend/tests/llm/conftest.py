"""Make the loopback OpenAI fixtures available even before the root conftest registers them."""

from tests.fakes.openai_server import fake_openai, fake_openai_env, fake_openai_server  # noqa: F401
