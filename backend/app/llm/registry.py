"""Build chat and embedding models from the catalogue, plus their process-level configuration."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

from app.llm import catalogue
from app.llm.base import ChatModel, EmbeddingModel
from app.llm.catalogue import ModelSpec


@dataclass(frozen=True, slots=True)
class LLMConfig:
    """Process-level model configuration (keys and endpoints never live in workspace settings)."""

    openai_api_key: str = ""
    openai_base_url: str = ""
    openai_chat_model: str = "gpt-4o-mini"
    openai_embedding_model: str = "text-embedding-3-small"
    ollama_base_url: str = ""
    ollama_chat_model: str = "qwen2.5-7b-instruct-1m"
    ollama_num_ctx: int = 32768
    extra_models: str = ""  # EXTRA_MODELS, JSON; see catalogue.parse_extra_models

    @property
    def llm_configured(self) -> bool:
        """Whether an OpenAI-compatible chat endpoint is configured."""
        return bool(self.openai_api_key or self.openai_base_url)

    @classmethod
    def from_env(cls) -> LLMConfig:
        """Read the environment and `.env`, as `app.core.config.Settings` does; read again only when one of
        the model variables or the `.env` file changed (building Settings costs ~3 ms, several times a chat)."""
        global _from_env
        key = tuple(os.environ.get(name) for name in _ENV_NAMES) + (_mtime(".env"),)
        if _from_env is None or _from_env[0] != key:
            from app.core.config import Settings

            _from_env = (key, cls.from_settings(Settings()))
        return _from_env[1]

    @classmethod
    def from_settings(cls, settings: Any) -> LLMConfig:
        """Copy the model fields of `app.core.config.Settings` (or any object having the openai_* ones)."""
        default = cls()
        return cls(
            openai_api_key=settings.openai_api_key or "",
            openai_base_url=settings.openai_base_url or "",
            openai_chat_model=settings.openai_chat_model or default.openai_chat_model,
            openai_embedding_model=settings.openai_embedding_model or default.openai_embedding_model,
            ollama_base_url=getattr(settings, "ollama_base_url", "") or "",
            ollama_chat_model=getattr(settings, "ollama_chat_model", "") or default.ollama_chat_model,
            ollama_num_ctx=getattr(settings, "ollama_num_ctx", 0) or default.ollama_num_ctx,
            extra_models=getattr(settings, "extra_models", "") or "",
        )


_ENV_NAMES = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_CHAT_MODEL", "OPENAI_EMBEDDING_MODEL", "OLLAMA_BASE_URL",
              "OLLAMA_CHAT_MODEL", "OLLAMA_NUM_CTX", "EXTRA_MODELS")
_from_env: tuple[tuple, LLMConfig] | None = None


def _mtime(path: str) -> float | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


_embedders: dict[tuple, EmbeddingModel] = {}
_embedders_lock = threading.Lock()


def default_chat_provider(config: LLMConfig | None = None) -> str:
    """Return the configured chat provider with the lowest `auto_rank` (openai, ollama, then extractive)."""
    config = config or LLMConfig.from_env()
    ranked = sorted((p for p in catalogue.providers("chat") if p.auto_rank is not None and p.configured(config)),
                    key=lambda p: p.auto_rank)
    return ranked[0].name


def get_chat_model(provider: str | None = None, config: LLMConfig | None = None) -> ChatModel | None:
    """Build the chat model for `provider` (None: the default); choose the model name via ChatOptions.
    None for "extractive": no model runs, the chat domain quotes the knowledge instead."""
    config = config or LLMConfig.from_env()
    name = provider or default_chat_provider(config)
    spec = catalogue.provider("chat", name)
    if spec is None:
        known = sorted(p.name for p in catalogue.providers("chat"))
        raise ValueError(f"unknown chat provider {name!r}; known: {known}")
    return spec.build(config)


def embedding_spec(provider: str, model: str | None = None, *, dim: int | None = None,
                   config: LLMConfig | None = None) -> ModelSpec:
    """Resolve and validate a provider/model pair; a model outside the catalogue needs `dim`."""
    config = config or LLMConfig.from_env()
    p = catalogue.provider("embedding", provider)
    if p is None:
        known = sorted(x.name for x in catalogue.providers("embedding"))
        raise ValueError(f"unknown embedding provider {provider!r}; known: {known}")
    model = model or (p.default_model(config) if p.default_model else "")
    spec = catalogue.find_model("embedding", provider, model, config) if model else None
    if (spec is None or not spec.dimensions) and dim and not p.shared:
        spec = ModelSpec(provider, model, "embedding", dimensions=dim, source="config")  # e.g. bge-m3 on vLLM
    if spec is None or not spec.dimensions:
        raise ValueError(f"unknown embedding model {model!r} for provider {provider!r}")
    if dim and dim != spec.dimensions:
        raise ValueError(f"{model!r} produces {spec.dimensions}-dim vectors, not {dim}")
    return spec


def get_embedding_model(provider: str, model: str | None = None, *, dim: int | None = None,
                        config: LLMConfig | None = None) -> EmbeddingModel:
    """Return the process-wide embedding model for a provider/model pair (created once)."""
    config = config or LLMConfig.from_env()
    spec = embedding_spec(provider, model, dim=dim, config=config)
    p = catalogue.provider("embedding", provider)
    # Local engines are heavy: one per process. Remote ones are keyed by endpoint too.
    key = (spec, None if p.shared else config)
    with _embedders_lock:
        if key not in _embedders:
            _embedders[key] = p.build(spec, config)
        return _embedders[key]
