"""Provider-neutral types for chat and embedding models.

Chat: `ChatModel.stream(messages, options)` is the one primitive. It yields `ChatChunk`s:
zero or more with non-empty `text`, then exactly one last chunk with `usage` set (and
`text == ""`). `complete()` joins the stream into a `ChatResult`.

Models only run prompts: the chat domain renders the retrieved knowledge into the prompt, and answers
without a model by quoting it (chat/extractive.py); neither is a model's concern.

Embeddings: `EmbeddingModel.embed_batch(texts, kind=...)` returns an (n, dim) float32 array
whose rows are L2-normalised, so cosine similarity is a dot product.

Failures surface as `LLMError` with a stable `code` for the `{"error", "message"}` envelope.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np

Role = Literal["system", "user", "assistant"]
EmbedKind = Literal["query", "passage"]
LLMErrorCode = Literal["llm_timeout", "llm_unavailable", "llm_bad_response", "llm_rate_limited"]

_STATUS_BY_CODE: dict[str, int] = {
    "llm_timeout": 504,
    "llm_unavailable": 503,
    "llm_bad_response": 502,
    "llm_rate_limited": 429,
}


class LLMError(Exception):
    """A model call failed; `code` and `message` go straight into the error envelope."""

    def __init__(self, code: LLMErrorCode, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status_code = _STATUS_BY_CODE[code]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class ChatOptions:
    model: str | None = None  # None: the provider's configured default
    temperature: float = 0.2
    max_tokens: int | None = 512
    timeout_s: float = 30.0  # connect, first byte, and each gap between chunks; not the total
    stop: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int
    estimated: bool = False  # True when the server sent no usage and we counted ourselves

    def __add__(self, other: Usage) -> Usage:
        """Two calls' tokens together (estimated if either was)."""
        return Usage(self.prompt_tokens + other.prompt_tokens, self.completion_tokens + other.completion_tokens,
                     self.estimated or other.estimated)

    def as_dict(self) -> dict[str, int]:
        """Return the `{prompt_tokens, completion_tokens}` shape of the `done` event."""
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens}


@dataclass(frozen=True, slots=True)
class ChatChunk:
    text: str = ""
    usage: Usage | None = None  # set on the final chunk only
    finish_reason: str | None = None  # final chunk: "stop", "length", ...


@dataclass(frozen=True, slots=True)
class ChatResult:
    text: str
    usage: Usage
    finish_reason: str | None = None


class ChatModel(ABC):
    """A chat model; subclasses implement `stream` only."""

    provider: ClassVar[str]
    is_local: ClassVar[bool] = False

    @abstractmethod
    def stream(self, messages: Sequence[ChatMessage], options: ChatOptions) -> AsyncIterator[ChatChunk]:
        """Yield text deltas in order, then one final chunk carrying usage."""

    async def complete(self, messages: Sequence[ChatMessage], options: ChatOptions) -> ChatResult:
        """Run `stream` to the end and join its text."""
        parts: list[str] = []
        usage: Usage | None = None
        finish: str | None = None
        async for chunk in self.stream(messages, options):
            if chunk.text:
                parts.append(chunk.text)
            if chunk.usage is not None:
                usage, finish = chunk.usage, chunk.finish_reason
        text = "".join(parts)
        if usage is None:  # a provider bug, but never lose the answer over bookkeeping
            usage = Usage(estimate_prompt_tokens(messages), estimate_tokens(text), estimated=True)
        return ChatResult(text=text, usage=usage, finish_reason=finish)


class EmbeddingModel(ABC):
    """A text embedding model with a fixed output dimension."""

    provider: ClassVar[str]
    is_local: ClassVar[bool] = False
    name: str  # model name stored in knowledge_chunks.embedding_model
    dim: int

    @abstractmethod
    async def embed_batch(self, texts: Sequence[str], *, kind: EmbedKind = "passage") -> np.ndarray:
        """Embed texts into an (n, dim) float32 array of L2-normalised rows."""

    async def embed_query(self, text: str) -> np.ndarray:
        """Embed one search query into a (dim,) vector."""
        return (await self.embed_batch([text], kind="query"))[0]


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """Return float32 rows scaled to unit length (zero rows stay zero)."""
    arr = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(arr, axis=-1, keepdims=True)
    return arr / np.where(norms > 0, norms, 1.0)


def estimate_tokens(text: str) -> int:
    """Roughly count BPE tokens: ~4 UTF-8 bytes a token (a Hangul syllable is 3 bytes)."""
    return math.ceil(len(text.encode("utf-8")) / 4) if text else 0


def estimate_prompt_tokens(messages: Sequence[ChatMessage]) -> int:
    """Roughly count prompt tokens, with the ~4 tokens of framing each message costs."""
    return sum(estimate_tokens(m.content) + 4 for m in messages) + 2


__all__ = [
    "ChatChunk", "ChatMessage", "ChatModel", "ChatOptions", "ChatResult", "EmbedKind", "EmbeddingModel",
    "LLMError", "LLMErrorCode", "Role", "Usage", "estimate_prompt_tokens",
    "estimate_tokens", "l2_normalize",
]
