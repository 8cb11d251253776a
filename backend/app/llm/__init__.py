"""Chat and embedding models behind one small interface; see base.py for the contract."""

from app.llm.base import (
    ChatChunk,
    ChatMessage,
    ChatModel,
    ChatOptions,
    ChatResult,
    EmbeddingModel,
    LLMError,
    Usage,
)
from app.llm.registry import (
    LLMConfig,
    default_chat_provider,
    embedding_spec,
    get_chat_model,
    get_embedding_model,
)

__all__ = [
    "ChatChunk", "ChatMessage", "ChatModel", "ChatOptions", "ChatResult", "EmbeddingModel", "LLMConfig",
    "LLMError", "Usage", "default_chat_provider", "embedding_spec", "get_chat_model",
    "get_embedding_model",
]
