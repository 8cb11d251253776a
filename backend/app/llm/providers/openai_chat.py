"""Streaming chat over any OpenAI-compatible endpoint (OpenAI, vLLM, Hugging Face TGI, Ollama's /v1)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

import openai

from app.llm.base import (
    ChatChunk,
    ChatMessage,
    ChatModel,
    ChatOptions,
    LLMError,
    Usage,
    estimate_prompt_tokens,
    estimate_tokens,
)
from app.llm.catalogue import ModelSpec, ProviderSpec, register_models, register_provider
from app.llm.providers._openai_client import DEFAULT_MAX_RETRIES, get_client, to_llm_error

log = logging.getLogger(__name__)


class OpenAIChatModel(ChatModel):
    """Chat completions with `stream=True`; `options.model` overrides `default_model`."""

    provider = "openai"

    def __init__(self, *, api_key: str | None, base_url: str | None, default_model: str = "gpt-4o-mini",
                 max_retries: int = DEFAULT_MAX_RETRIES):
        self.api_key = api_key
        self.base_url = base_url
        self.default_model = default_model
        self.max_retries = max_retries

    def _request(self, messages: Sequence[ChatMessage], options: ChatOptions) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": options.model or self.default_model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "temperature": options.temperature,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if options.max_tokens:
            # vLLM and Ollama understand max_tokens, not max_completion_tokens
            params["max_tokens"] = options.max_tokens
        if options.stop:
            params["stop"] = list(options.stop)
        return params

    async def stream(self, messages: Sequence[ChatMessage], options: ChatOptions) -> AsyncIterator[ChatChunk]:
        """Yield text deltas as they arrive, then a final chunk with usage."""
        client = get_client(base_url=self.base_url, api_key=self.api_key, max_retries=self.max_retries)
        parts: list[str] = []
        usage: Usage | None = None
        finish: str | None = None
        saw_choice = False
        try:
            response = await client.chat.completions.create(**self._request(messages, options),
                                                            timeout=options.timeout_s)
            async with response:
                async for chunk in response:
                    if chunk.usage is not None:
                        usage = Usage(chunk.usage.prompt_tokens or 0, chunk.usage.completion_tokens or 0)
                    for choice in chunk.choices:
                        if choice.index != 0:
                            continue
                        saw_choice = True
                        finish = choice.finish_reason or finish
                        text = choice.delta.content if choice.delta else None
                        if text:
                            parts.append(text)
                            yield ChatChunk(text=text)
        except (asyncio.CancelledError, LLMError):
            raise
        except Exception as exc:
            if not isinstance(exc, openai.OpenAIError):
                log.warning("chat stream failed outside the SDK", exc_info=exc)
            raise to_llm_error(exc, timeout_s=options.timeout_s) from exc
        if not saw_choice:
            raise LLMError("llm_bad_response", "The language model sent no answer.")
        if usage is None:  # some servers ignore stream_options; count ourselves and say so
            usage = Usage(estimate_prompt_tokens(messages), estimate_tokens("".join(parts)), estimated=True)
        yield ChatChunk(usage=usage, finish_reason=finish)


register_provider(ProviderSpec(
    "openai", "chat",
    lambda config: OpenAIChatModel(api_key=config.openai_api_key or None, base_url=config.openai_base_url or None,
                                   default_model=config.openai_chat_model),
    configured=lambda config: config.llm_configured,
    default_model=lambda config: config.openai_chat_model,
    auto_rank=10,
))
register_models(*(ModelSpec("openai", name, "chat", context_length=context) for name, context in (
    ("gpt-4o-mini", 128_000),
    ("gpt-4o", 128_000),
    ("gpt-4.1-mini", 1_047_576),
    ("gpt-4.1-nano", 1_047_576),
    # served by vLLM or TGI (OPENAI_BASE_URL); see the README's presets
    ("Qwen/Qwen2.5-7B-Instruct-1M", 1_010_000),
    ("qwen2.5:7b-instruct", 32_768),  # Ollama's OpenAI-compatible /v1 (no num_ctx there: see ollama_chat)
)))
