"""The one model catalogue: every chat and embedding model the service knows, and who serves it.

Each provider file registers itself (`register_provider`) and its models (`register_models`) when
`app.llm.providers` is imported; nothing else lists models. Settings validation, `GET /api/v1/models`
and the SPA's choices all read `list_models` / `find_model`.

Models also join at run time, without code:
- the configured default of a provider (`OPENAI_CHAT_MODEL`, `OLLAMA_CHAT_MODEL`, ...), source "config";
- models the platform admin lists in `EXTRA_MODELS` (JSON), source "admin";
- fine-tuned models: `register_models` at run time, or any `ft:<base>:...` name on a provider whose
  base model is in the catalogue (it inherits the base's context length and capabilities), source "finetuned".
"""

from __future__ import annotations

import importlib
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from app.llm.registry import LLMConfig

log = logging.getLogger(__name__)

Kind = Literal["chat", "embedding"]
Source = Literal["builtin", "config", "admin", "finetuned"]

# Capabilities the code acts on (a model may carry others, shown in the SPA only):
LOCAL = "local"            # runs inside this process, needs no endpoint
EXTRACTIVE = "extractive"  # answers only from the retrieved sources, never invents text
SIGNAL = "signal"          # an auxiliary embedding (on/off-topic signal); never a workspace's choice
SHORTENED = "shortened"    # the API shortens its vectors to `dimensions` when asked
ADAPTER = "adapter"        # a workspace's retrieval adapter over a base embedding model (app.finetune); it is
                           # activated through the fine-tuning routes, never chosen as a workspace's model

# Stored vectors need an HNSW index of their width (migrations 0001/0002); a workspace can only choose
# embedding models of these widths. USE's 512 is indexed too, but only as the signal.
INDEXED_DIMS = frozenset({384, 1536})


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """One model: who serves it, what it is, how wide its vectors or its context are."""

    provider: str
    name: str
    kind: Kind
    dimensions: int | None = None  # embeddings: the width stored in knowledge_chunks.embedding_dim
    context_length: int | None = None  # tokens the model can attend to (prompt + answer)
    capabilities: frozenset[str] = frozenset()
    source: Source = "builtin"

    def has(self, capability: str) -> bool:
        """Whether the model carries `capability`."""
        return capability in self.capabilities


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """A provider: how to build its model object and when it is usable."""

    name: str
    kind: Kind
    build: Callable[..., Any]  # chat: (config) -> ChatModel; embedding: (spec, config) -> EmbeddingModel
    configured: Callable[[LLMConfig], bool] = field(default=lambda config: True)
    default_model: Callable[[LLMConfig], str] | None = None  # the configured model name, if any
    auto_rank: int | None = None  # chat: "auto" picks the configured provider with the lowest rank
    shared: bool = False  # embedding: one instance per process whatever the endpoint (local engines)


_lock = threading.Lock()
_providers: dict[tuple[Kind, str], ProviderSpec] = {}
_models: dict[tuple[Kind, str, str], ModelSpec] = {}
_loaded = False


def register_provider(spec: ProviderSpec) -> ProviderSpec:
    """Add a provider (called once by its file at import)."""
    with _lock:
        _providers[(spec.kind, spec.name)] = spec
    return spec


def register_models(*specs: ModelSpec) -> None:
    """Add models (a provider's file at import, or a fine-tune or admin action at run time)."""
    for spec in specs:
        _check(spec)
    with _lock:
        for spec in specs:
            _models[(spec.kind, spec.provider, spec.name)] = spec


def _check(spec: ModelSpec) -> None:
    if not spec.name:
        raise ValueError("a model needs a name")
    if spec.kind == "embedding":
        if not spec.dimensions:
            raise ValueError(f"embedding model {spec.name!r} needs its dimensions")
        if spec.dimensions not in INDEXED_DIMS and not spec.has(SIGNAL):
            raise ValueError(f"{spec.name!r}: {spec.dimensions}-dim vectors have no index; "
                             f"use {sorted(INDEXED_DIMS)} (or a model that can shorten its vectors)")


def _ensure_loaded() -> None:
    global _loaded
    if not _loaded:
        importlib.import_module("app.llm.providers")  # each provider file registers itself
        _loaded = True


def provider(kind: Kind, name: str) -> ProviderSpec | None:
    """Return the provider of `kind` called `name`, or None."""
    _ensure_loaded()
    return _providers.get((kind, name))


def providers(kind: Kind) -> list[ProviderSpec]:
    """Every registered provider of `kind`, in registration order."""
    _ensure_loaded()
    return [p for (k, _), p in _providers.items() if k == kind]


def _runtime_models(config: LLMConfig) -> list[ModelSpec]:
    out: list[ModelSpec] = []
    for p in _providers.values():
        name = p.default_model(config) if p.default_model else ""
        # an embedding model needs its width to join; list one outside the catalogue in EXTRA_MODELS
        if name and p.kind == "chat" and (p.kind, p.name, name) not in _models:
            base = _finetune_base(p.kind, p.name, name)
            out.append(replace(base, name=name, source="finetuned") if base
                       else ModelSpec(p.name, name, p.kind, source="config"))
    out.extend(parse_extra_models(config.extra_models))
    return out


def list_models(config: LLMConfig | None = None, *, kind: Kind | None = None) -> list[ModelSpec]:
    """Every model in the catalogue: built in, configured, admin-listed and fine-tuned."""
    _ensure_loaded()
    from app.llm.registry import LLMConfig

    config = config or LLMConfig.from_env()
    with _lock:
        merged = dict(_models)
    for spec in _runtime_models(config):
        merged.setdefault((spec.kind, spec.provider, spec.name), spec)
    return [s for s in merged.values() if kind is None or s.kind == kind]


def find_model(kind: Kind, provider_name: str, name: str, config: LLMConfig | None = None) -> ModelSpec | None:
    """Return the catalogue's spec of a model, resolving fine-tuned names from their base; None if unknown."""
    for spec in list_models(config, kind=kind):
        if spec.provider == provider_name and spec.name == name:
            return spec
    base = _finetune_base(kind, provider_name, name)
    return replace(base, name=name, source="finetuned") if base else None


def _finetune_base(kind: Kind, provider_name: str, name: str) -> ModelSpec | None:
    """The built-in base of an OpenAI-style fine-tune name: `ft:gpt-4o-mini-2024-07-18:org::id` -> gpt-4o-mini."""
    if kind != "chat" or not name.startswith("ft:"):
        return None
    base = name.split(":")[1] if name.count(":") >= 2 else ""
    with _lock:
        candidates = [s for (k, p, n), s in _models.items() if k == kind and p == provider_name
                      and (base == n or base.startswith(n + "-"))]
    # the longest matching name: gpt-4o-mini-2024-07-18 is a gpt-4o-mini, not a gpt-4o
    return max(candidates, key=lambda s: len(s.name), default=None)


def parse_extra_models(raw: str) -> list[ModelSpec]:
    """Read `EXTRA_MODELS`: a JSON list of {provider, name, kind, dimensions?, context_length?, capabilities?}."""
    if not raw.strip():
        return []
    try:
        items = json.loads(raw)
        specs = [_extra(item) for item in items]
    except (ValueError, TypeError, KeyError) as exc:
        log.warning("EXTRA_MODELS ignored: %s", exc)
        return []
    return specs


def _extra(item: dict[str, Any]) -> ModelSpec:
    kind = item.get("kind", "chat")
    if kind not in ("chat", "embedding"):
        raise ValueError(f"kind must be chat or embedding, not {kind!r}")
    spec = ModelSpec(provider=str(item["provider"]), name=str(item["name"]), kind=kind,
                     dimensions=item.get("dimensions"), context_length=item.get("context_length"),
                     capabilities=frozenset(item.get("capabilities", ())), source="admin")
    _check(spec)
    return spec


def selectable(spec: ModelSpec) -> bool:
    """Whether a workspace may choose this model (signals serve the pipeline, not a workspace; adapters are
    activated, not chosen)."""
    return not spec.has(SIGNAL) and not spec.has(ADAPTER)



# The choice of no chat model: the chat domain then answers by quoting the knowledge (chat/extractive.py), so
# this provider builds nothing. It is "auto"'s last resort.
register_provider(ProviderSpec("extractive", "chat", lambda config: None, default_model=lambda config: "extractive",
                               auto_rank=100))
register_models(ModelSpec("extractive", "extractive", "chat", capabilities=frozenset({LOCAL, EXTRACTIVE})))
