"""Shared machinery for in-process CPU embedders: lazy engine, thread offload, query cache."""

from __future__ import annotations

import asyncio
import threading
from abc import abstractmethod
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

import numpy as np

from app.llm.base import EmbeddingModel, EmbedKind, l2_normalize


class LRUCache:
    """A small thread-safe LRU map from text to a read-only vector."""

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._data: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> np.ndarray | None:
        """Return the cached vector and mark it recently used, or None."""
        with self._lock:
            vec = self._data.get(key)
            if vec is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return vec

    def put(self, key: str, vec: np.ndarray) -> None:
        """Store a vector, evicting the least recently used beyond `maxsize`."""
        vec = vec.copy()
        vec.setflags(write=False)  # shared between callers, so nobody may edit it in place
        with self._lock:
            self._data[key] = vec
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


def _settle(future: asyncio.Future, value: Any, exc: BaseException | None) -> None:
    """Resolve a waiter on its own event loop, unless it was cancelled meanwhile (client gone)."""
    if future.done():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(value)


def _deliver(future: asyncio.Future, value: Any, exc: BaseException | None) -> None:
    """From the engine thread: hand a result to the waiter's event loop. A loop that has closed meanwhile (its
    caller is gone) is skipped, so one finished loop never stops the engine from serving the others."""
    try:
        future.get_loop().call_soon_threadsafe(_settle, future, value, exc)
    except RuntimeError:
        pass


class LocalEmbeddingModel(EmbeddingModel):
    """Base for CPU embedders: subclasses supply `_load` and `_encode`."""

    is_local = True
    batch_size: ClassVar[int] = 64  # small slices so a chat query never waits long behind a re-embed job
    cache_size: ClassVar[int] = 4096

    def __init__(self) -> None:
        self._engine: Any = None
        self._load_lock = threading.Lock()
        # The engines use every core per call (OpenMP / BLAS); running two at once only thrashes.
        self._run_lock = threading.Lock()
        # Async callers go through one dedicated thread: OpenMP keeps its team of worker threads per calling
        # thread, so a single caller finds them warm (a shared pool would wake or create teams per call).
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"embed-{self.provider}")
        self._pending: list[tuple[str, asyncio.Future]] = []  # queries waiting for the engine
        self._pending_lock = threading.Lock()
        self._draining = False
        self.query_cache = LRUCache(self.cache_size)

    @abstractmethod
    def _load(self) -> Any:
        """Create the engine (slow, once per process)."""

    @abstractmethod
    def _encode(self, engine: Any, texts: list[str], kind: EmbedKind) -> np.ndarray:
        """Embed texts with the engine, returning (n, dim) float32."""

    def engine(self) -> Any:
        """Return the engine, loading it on first use."""
        if self._engine is None:
            with self._load_lock:
                if self._engine is None:
                    self._engine = self._load()
        return self._engine

    def embed_sync(self, texts: Sequence[str], kind: EmbedKind = "passage") -> np.ndarray:
        """Embed on the calling thread (for scripts and warm-up; async code uses `embed_batch`)."""
        engine = self.engine()
        with self._run_lock:
            out = self._encode(engine, list(texts), kind)
        return l2_normalize(np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim))

    async def _embed_uncached(self, texts: list[str], kind: EmbedKind) -> np.ndarray:
        loop = asyncio.get_running_loop()
        parts = [await loop.run_in_executor(self._executor, self.embed_sync, texts[i:i + self.batch_size], kind)
                 for i in range(0, len(texts), self.batch_size)]
        return np.concatenate(parts) if parts else np.zeros((0, self.dim), dtype=np.float32)

    async def _embed_queries(self, texts: list[str]) -> list[np.ndarray]:
        """Embed queries, batched with whatever other queries are waiting (micro-batching).

        Alone, a query runs as a batch of one (the engine parallelises inside it: lowest latency). Under load,
        queries that arrive while the engine is busy go in together as the next batch, which the engine
        parallelises across texts: about a third less CPU per query, so fifty concurrent chats finish sooner.
        """
        loop = asyncio.get_running_loop()
        futures = [loop.create_future() for _ in texts]
        with self._pending_lock:
            self._pending.extend(zip(texts, futures, strict=True))
            start = not self._draining
            self._draining = True
        if start:
            self._executor.submit(self._drain)
        return list(await asyncio.gather(*futures))

    def _drain(self) -> None:
        """Executor thread: embed waiting queries in batches until none are left."""
        try:
            self._drain_batches()
        except BaseException:
            with self._pending_lock:  # let the next query start a fresh drain (it takes the leftovers too)
                self._draining = False
            raise

    def _drain_batches(self) -> None:
        while True:
            with self._pending_lock:
                batch, self._pending = self._pending[:self.batch_size], self._pending[self.batch_size:]
                if not batch:
                    self._draining = False
                    return
            try:
                vectors = self.embed_sync([text for text, _ in batch], "query")
            except Exception as exc:  # every waiter gets the error; the loop goes on for later queries
                for _, future in batch:
                    _deliver(future, None, exc)
                continue
            for (_, future), vec in zip(batch, vectors, strict=True):
                _deliver(future, vec, None)

    async def embed_batch(self, texts: Sequence[str], *, kind: EmbedKind = "passage") -> np.ndarray:
        """Embed texts off the event loop; queries are served from an LRU cache when seen before."""
        texts = list(texts)
        if kind != "query":
            return await self._embed_uncached(texts, kind)
        found = {t: v for t in dict.fromkeys(texts) if (v := self.query_cache.get(t)) is not None}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            for text, vec in zip(missing, await self._embed_queries(missing), strict=True):
                self.query_cache.put(text, vec)
                found[text] = vec
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=True)

    async def warm_up(self) -> None:
        """Load the engine and run one embedding so the first user request is fast."""
        await asyncio.get_running_loop().run_in_executor(self._executor, self.embed_sync, ["warm up"], "query")
