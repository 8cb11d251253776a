"""Streaming chat over Ollama's own `/api/chat` (NDJSON), which takes `options.num_ctx`.

Ollama's OpenAI-compatible `/v1` route (the openai provider) cannot set the context window, and Ollama
then cuts every prompt to its default (2–4k tokens) from the front, system prompt first. Long documents
need the window of Qwen2.5-7B-Instruct-1M, so this provider sends `num_ctx`: OLLAMA_NUM_CTX, raised to
the next power of two when the prompt would not fit, up to the model's context length in the catalogue.
Ollama reloads a model whose num_ctx changes, so short chats all share the configured window.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx

from app.llm import catalogue
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


class OllamaChatModel(ChatModel):
    """`POST {base_url}/api/chat` with `stream: true`; `options.model` overrides `default_model`."""

    provider = "ollama"

    def __init__(self, *, base_url: str, default_model: str, num_ctx: int = 32768,
                 context_length: dict[str, int] | None = None):
        self.base_url = base_url.rstrip("/")
        self.default_model = default_model
        self.num_ctx = num_ctx
        self.context_length = context_length or {}  # model name -> its context length, from the catalogue

    def window(self, model: str, messages: Sequence[ChatMessage], max_tokens: int | None) -> int:
        """Return the num_ctx for this prompt: the configured one, or the next power of two that fits it."""
        needed = estimate_prompt_tokens(messages) + (max_tokens or 512)
        limit = self.context_length.get(model, self.num_ctx)  # a model we know nothing of keeps the setting
        window = self.num_ctx
        while window < needed and window < limit:
            window *= 2
        return max(self.num_ctx, min(window, limit))

    def _request(self, messages: Sequence[ChatMessage], options: ChatOptions) -> dict[str, Any]:
        model = options.model or self.default_model
        opts: dict[str, Any] = {"temperature": options.temperature,
                                "num_ctx": self.window(model, messages, options.max_tokens)}
        if options.max_tokens:
            opts["num_predict"] = options.max_tokens
        if options.stop:
            opts["stop"] = list(options.stop)
        return {"model": model, "messages": [{"role": m.role, "content": m.content} for m in messages],
                "stream": True, "options": opts}

    async def stream(self, messages: Sequence[ChatMessage], options: ChatOptions) -> AsyncIterator[ChatChunk]:
        """Yield text deltas as the NDJSON lines arrive, then a final chunk with usage."""
        if not self.base_url:
            raise LLMError("llm_unavailable", "No Ollama server is configured (OLLAMA_BASE_URL).")
        body = self._request(messages, options)
        parts: list[str] = []
        final: dict[str, Any] | None = None
        # httpx's read timeout is per read: it bounds the first byte and each gap between lines, not the total.
        timeout = httpx.Timeout(options.timeout_s)
        try:
            async with httpx.AsyncClient(timeout=timeout) as client, \
                    client.stream("POST", f"{self.base_url}/api/chat", json=body) as response:
                if response.status_code >= 400:
                    raise _status_error(response.status_code, await response.aread(), body["model"])
                async for line in response.aiter_lines():
                    if not line.strip():
                        continue
                    data = json.loads(line)
                    if "error" in data:  # a failure after the headers arrives as one more line
                        raise LLMError("llm_bad_response", "The language model stopped with an error.")
                    text = (data.get("message") or {}).get("content") or ""
                    if text:
                        parts.append(text)
                        yield ChatChunk(text=text)
                    if data.get("done"):
                        final = data
                        break
        except (asyncio.CancelledError, LLMError):
            raise
        except httpx.TimeoutException:
            raise LLMError("llm_timeout", f"The language model did not respond within {options.timeout_s:g}s.") \
                from None
        except httpx.TransportError:
            raise LLMError("llm_unavailable", "Could not reach the language model.") from None
        except (ValueError, TypeError, AttributeError):  # json.JSONDecodeError is a ValueError
            raise LLMError("llm_bad_response", "The language model sent a response we could not read.") from None
        if final is None:
            raise LLMError("llm_bad_response", "The language model's answer ended before it was done.")
        if "prompt_eval_count" in final and "eval_count" in final:
            usage = Usage(int(final["prompt_eval_count"]), int(final["eval_count"]))
        else:  # Ollama leaves prompt_eval_count out when the whole prompt came from its cache
            usage = Usage(estimate_prompt_tokens(messages), estimate_tokens("".join(parts)), estimated=True)
        yield ChatChunk(usage=usage, finish_reason=final.get("done_reason") or "stop")


def _status_error(status: int, raw: bytes, model: str) -> LLMError:
    try:
        detail = str(json.loads(raw).get("error", ""))
    except (ValueError, AttributeError):
        detail = ""
    if status == 404 and "not found" in detail:
        return LLMError("llm_unavailable", f"The Ollama server has no model '{model}' (ollama pull it first).")
    if status == 429:
        return LLMError("llm_rate_limited", "The language model is rate limited; try again shortly.")
    if status >= 500 or status in (401, 403, 404):
        return LLMError("llm_unavailable", f"The language model is unavailable (HTTP {status}).")
    return LLMError("llm_bad_response", f"The language model rejected the request (HTTP {status}).")


def _build(config: Any) -> OllamaChatModel:
    lengths = {s.name: s.context_length for s in catalogue.list_models(config, kind="chat")
               if s.provider == "ollama" and s.context_length}
    return OllamaChatModel(base_url=config.ollama_base_url, default_model=config.ollama_chat_model,
                           num_ctx=config.ollama_num_ctx, context_length=lengths)


register_provider(ProviderSpec("ollama", "chat", _build, configured=lambda config: bool(config.ollama_base_url),
                               default_model=lambda config: config.ollama_chat_model, auto_rank=20))
register_models(
    # `ollama create qwen2.5-7b-instruct-1m` from the GGUF, as the README's preset shows
    ModelSpec("ollama", "qwen2.5-7b-instruct-1m", "chat", context_length=1_010_000),
    ModelSpec("ollama", "qwen2.5:7b-instruct", "chat", context_length=32_768),
)
