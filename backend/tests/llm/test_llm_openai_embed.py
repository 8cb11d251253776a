"""OpenAIEmbeddingModel against the loopback server: batching, order, normalisation, errors."""

import numpy as np
import pytest

from app.llm.base import LLMError
from app.llm.providers.openai_embed import OpenAIEmbeddingModel
from tests.fakes.openai_server import fake_embedding


def embedder(fake, **kw) -> OpenAIEmbeddingModel:
    kw.setdefault("model", "text-embedding-3-small")
    kw.setdefault("dim", 1536)
    return OpenAIEmbeddingModel(api_key="test-key", base_url=fake.base_url, **kw)


async def test_batches_keep_order_and_normalise(fake_openai):
    texts = [f"질문 {i}" for i in range(600)]
    out = await embedder(fake_openai, batch_size=256).embed_batch(texts)
    assert [len(b["input"]) for b in fake_openai.embedding_requests] == [256, 256, 88]
    assert out.shape == (600, 1536) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    for i in (0, 255, 256, 599):  # the fake answers in reverse order; rows must still match inputs
        expected = fake_embedding(texts[i], 1536)
        np.testing.assert_allclose(out[i], expected / np.linalg.norm(expected), atol=1e-5)


async def test_request_names_model_and_optional_dimensions(fake_openai):
    large = embedder(fake_openai, model="text-embedding-3-large", request_dimensions=True)
    out = await large.embed_batch(["a"])
    body = fake_openai.embedding_requests[-1]
    assert body["model"] == "text-embedding-3-large"
    assert body["dimensions"] == 1536
    assert out.shape == (1, 1536)
    await embedder(fake_openai).embed_batch(["b"])
    assert "dimensions" not in fake_openai.embedding_requests[-1]


async def test_empty_input_sends_nothing(fake_openai):
    out = await embedder(fake_openai).embed_batch([])
    assert out.shape == (0, 1536)
    assert fake_openai.embedding_requests == []


async def test_wrong_dimension_is_bad_response(fake_openai):
    fake_openai.embedding_dim = 768
    with pytest.raises(LLMError) as info:
        await embedder(fake_openai).embed_batch(["x"])
    assert info.value.code == "llm_bad_response"


async def test_server_error_is_unavailable(fake_openai):
    fake_openai.fail(500, endpoint="embeddings", times=2)  # the first try and its one retry
    with pytest.raises(LLMError) as info:
        await embedder(fake_openai).embed_batch(["x"])
    assert info.value.code == "llm_unavailable"
