"""Embeddings over any OpenAI-compatible `/v1/embeddings` endpoint."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import numpy as np

from app.llm.base import EmbeddingModel, EmbedKind, LLMError, l2_normalize
from app.llm.catalogue import SHORTENED, ModelSpec, ProviderSpec, register_models, register_provider
from app.llm.providers._openai_client import get_client, to_llm_error

BATCH_SIZE = 256  # inputs per request; OpenAI allows 2048 but smaller requests retry cheaper


class OpenAIEmbeddingModel(EmbeddingModel):
    """OpenAI embeddings; `kind` is ignored because these models are symmetric."""

    provider = "openai"
    is_local = False

    def __init__(self, *, model: str, dim: int, api_key: str | None, base_url: str | None,
                 request_dimensions: bool = False, batch_size: int = BATCH_SIZE, timeout_s: float = 60.0):
        self.name = model
        self.dim = dim
        self.api_key = api_key
        self.base_url = base_url
        # text-embedding-3-* can shorten vectors server-side (e.g. large -> 1536 to stay HNSW-indexable).
        self.request_dimensions = request_dimensions
        self.batch_size = batch_size
        self.timeout_s = timeout_s

    async def _embed_one_batch(self, texts: list[str]) -> np.ndarray:
        client = get_client(base_url=self.base_url, api_key=self.api_key)
        extra = {"dimensions": self.dim} if self.request_dimensions else {}
        try:
            resp = await client.embeddings.create(model=self.name, input=texts, timeout=self.timeout_s,
                                                  **extra)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            raise to_llm_error(exc, timeout_s=self.timeout_s) from exc
        rows = sorted(resp.data, key=lambda d: d.index)  # the API does not promise input order
        if len(rows) != len(texts) or any(len(r.embedding) != self.dim for r in rows):
            raise LLMError("llm_bad_response",
                           f"Embedding endpoint returned {len(rows)} vectors for {len(texts)} inputs "
                           f"or a dimension other than {self.dim}.")
        return np.asarray([r.embedding for r in rows], dtype=np.float32)

    async def embed_batch(self, texts: Sequence[str], *, kind: EmbedKind = "passage") -> np.ndarray:
        """Embed texts in requests of `batch_size`, in order, and L2-normalise them."""
        items = [t if t.strip() else " " for t in texts]  # the API rejects empty strings
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [await self._embed_one_batch(items[i:i + self.batch_size])
                 for i in range(0, len(items), self.batch_size)]
        return l2_normalize(np.concatenate(parts))


register_provider(ProviderSpec(
    "openai", "embedding",
    lambda spec, config: OpenAIEmbeddingModel(
        model=spec.name, dim=spec.dimensions, api_key=config.openai_api_key or None,
        base_url=config.openai_base_url or None, request_dimensions=spec.has(SHORTENED)),
    configured=lambda config: config.llm_configured,
    default_model=lambda config: config.openai_embedding_model,
))
register_models(
    ModelSpec("openai", "text-embedding-3-small", "embedding", dimensions=1536, context_length=8191),
    # 3072 dims exceed pgvector's 2000-dim HNSW limit; the API's Matryoshka shortening to 1536
    # keeps most of its quality and lets it share the 1536 index (filter by embedding_model).
    ModelSpec("openai", "text-embedding-3-large", "embedding", dimensions=1536, context_length=8191,
              capabilities=frozenset({SHORTENED})),
    ModelSpec("openai", "text-embedding-ada-002", "embedding", dimensions=1536, context_length=8191),
)
