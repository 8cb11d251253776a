"""Resolve the prompt versions that run: a workspace's production label, else the platform's, else the built-in.

Reads go through a short in-process cache; every label move increments a Redis counter (`GENERATION_KEY`) which
each read compares with the one its cached entry was loaded under, so a move takes effect at once in every API
process. Without Redis an entry lives at most CACHE_SECONDS.

Callers that record which versions they used wrap their work in `tracking()`; the playground runs a draft or a
chosen version in place of the production one with `overriding()`.
"""

import contextlib
import dataclasses
import logging
import time
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from redis.exceptions import RedisError
from sqlalchemy import or_, select

from app.core.db import read
from app.core.queue import get_queue
from app.llm.base import ChatOptions
from app.models import Prompt, PromptLabel, PromptVersion
from app.prompts import store
from app.prompts.defaults import DEFAULTS

log = logging.getLogger(__name__)
GENERATION_KEY = "prompts:generation"
CACHE_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class ActivePrompt:
    """The version of a prompt that runs, with its model settings (None: the caller's own default)."""

    key: str
    version_id: uuid.UUID | None  # None: a draft (playground) or the built-in text before it is stored
    version: int | None
    template: str
    model: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None

    def options(self, base: ChatOptions) -> ChatOptions:
        """`base` with this version's model settings where it sets them."""
        return dataclasses.replace(
            base, model=self.model or base.model,
            temperature=base.temperature if self.temperature is None else self.temperature,
            max_tokens=self.max_tokens or base.max_tokens)


_used: ContextVar[dict[str, str] | None] = ContextVar("prompt_versions_used", default=None)
_overrides: ContextVar[dict[str, ActivePrompt] | None] = ContextVar("prompt_overrides", default=None)
_cache: dict[tuple[str, uuid.UUID | None], tuple[int | None, float, ActivePrompt]] = {}


def start_tracking() -> dict[str, str]:
    """Record, in the returned dict, {key: version id} of every prompt resolved from now on in this task."""
    used: dict[str, str] = {}
    _used.set(used)
    return used


@contextlib.contextmanager
def tracking() -> Iterator[dict[str, str]]:
    """`start_tracking` for the duration of a block."""
    token = _used.set({})
    try:
        yield _used.get()  # type: ignore[misc]
    finally:
        _used.reset(token)


@contextlib.contextmanager
def overriding(prompts: dict[str, ActivePrompt]) -> Iterator[None]:
    """Within the block, resolve these keys to the given versions (drafts) instead of the production ones."""
    token = _overrides.set(prompts)
    try:
        yield
    finally:
        _overrides.reset(token)


async def generation() -> int | None:
    """The label-move counter, or None when Redis cannot be read."""
    try:
        value = await (await get_queue()).get(GENERATION_KEY)
    except (RedisError, OSError):
        log.warning("prompt cache: Redis unreadable, entries expire after %s s", CACHE_SECONDS, exc_info=True)
        return None
    return int(value or 0)


async def invalidate() -> None:
    """Tell every process that a label moved (call after the change is committed)."""
    _cache.clear()
    try:
        await (await get_queue()).incr(GENERATION_KEY)
    except (RedisError, OSError):
        log.warning("prompt cache: the label move reaches other processes within %s s", CACHE_SECONDS, exc_info=True)


async def active_prompt(key: str, *, ws_id: uuid.UUID | None = None) -> ActivePrompt:
    """The version of `key` that runs for workspace `ws_id` (None: the platform's)."""
    override = (_overrides.get() or {}).get(key)
    if override is not None:
        prompt = override
    else:
        gen = await generation()
        hit = _cache.get((key, ws_id))
        now = time.monotonic()
        if hit is not None and hit[0] == gen and now - hit[1] < CACHE_SECONDS:
            prompt = hit[2]
        else:
            prompt = await _load(key, ws_id)
            _cache[(key, ws_id)] = (gen, now, prompt)
    used = _used.get()
    if used is not None:
        used[key] = str(prompt.version_id) if prompt.version_id else "draft"
    return prompt


async def active_template(key: str, *, ws_id: uuid.UUID | None = None) -> tuple[uuid.UUID | None, str]:
    """Return (version id, template) of the version of `key` that runs for `ws_id`."""
    prompt = await active_prompt(key, ws_id=ws_id)
    return prompt.version_id, prompt.template


async def _load(key: str, ws_id: uuid.UUID | None) -> ActivePrompt:
    await store.ensure(key)
    scope = PromptLabel.workspace_id.is_(None)
    if ws_id is not None:
        scope = or_(PromptLabel.workspace_id == ws_id, scope)
    # The workspace's own production label first, then the platform's.
    row = (await read(
        select(PromptVersion).join(PromptLabel, PromptLabel.version_id == PromptVersion.id)
        .join(Prompt, Prompt.id == PromptLabel.prompt_id)
        .where(Prompt.key == key, PromptLabel.label == "production", scope)
        .order_by(PromptLabel.workspace_id.is_(None)).limit(1))).scalar_one_or_none()
    if row is None:
        return ActivePrompt(key=key, version_id=None, version=None, template=DEFAULTS[key])
    return ActivePrompt(key=key, version_id=row.id, version=row.version, template=row.template, model=row.model,
                        temperature=row.temperature, max_tokens=row.max_tokens)
