"""Shared `AsyncOpenAI` clients and the mapping of SDK failures to `LLMError`."""

from __future__ import annotations

import asyncio
import json
import weakref

import httpx2
import openai

from app.llm.base import LLMError

DEFAULT_MAX_RETRIES = 1  # a user is waiting on chat; one quick retry of a 429/5xx is enough

# One client per (base_url, api_key, retries) keeps the connection pool warm. Keyed by event loop
# too, because a pooled connection cannot outlive the loop that opened it (tests, the arq worker).
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple, openai.AsyncOpenAI]] = (
    weakref.WeakKeyDictionary()
)


def get_client(*, base_url: str | None, api_key: str | None,
               max_retries: int = DEFAULT_MAX_RETRIES) -> openai.AsyncOpenAI:
    """Return the process-wide client for this endpoint and key, creating it once."""
    if not api_key and not base_url:
        raise LLMError("llm_unavailable", "No language model is configured (OPENAI_API_KEY/OPENAI_BASE_URL).")
    # Local vLLM/Ollama servers ignore the key, but the SDK insists on one.
    key = api_key or "not-needed"
    per_loop = _clients.setdefault(asyncio.get_running_loop(), {})
    cache_key = (base_url or None, key, max_retries)
    client = per_loop.get(cache_key)
    if client is None:
        client = openai.AsyncOpenAI(api_key=key, base_url=base_url or None, max_retries=max_retries)
        per_loop[cache_key] = client
    return client


def to_llm_error(exc: BaseException, *, timeout_s: float | None = None) -> LLMError:
    """Translate an SDK/transport exception into an `LLMError` with a safe message."""
    if isinstance(exc, LLMError):
        return exc
    if isinstance(exc, openai.APITimeoutError | httpx2.TimeoutException | TimeoutError):
        within = f" within {timeout_s:g}s" if timeout_s else ""
        return LLMError("llm_timeout", f"The language model did not respond{within}.")
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status == 429:
            return LLMError("llm_rate_limited", "The language model is rate limited; try again shortly.")
        if status >= 500 or status in (401, 403, 404):
            return LLMError("llm_unavailable", f"The language model is unavailable (HTTP {status}).")
        return LLMError("llm_bad_response", f"The language model rejected the request (HTTP {status}).")
    if isinstance(exc, openai.APIConnectionError | httpx2.TransportError):
        return LLMError("llm_unavailable", "Could not reach the language model.")
    if isinstance(exc, openai.APIError | json.JSONDecodeError | ValueError | KeyError | TypeError):
        return LLMError("llm_bad_response", "The language model sent a response we could not read.")
    return LLMError("llm_unavailable", f"The language model call failed ({type(exc).__name__}).")


async def close_clients() -> None:
    """Close the clients opened on the running loop (call from the app's shutdown)."""
    for client in _clients.pop(asyncio.get_running_loop(), {}).values():
        await client.close()
