"""The catalogue as the API shows it: selectable models with their availability on this server."""

from app.llm import catalogue
from app.llm.registry import LLMConfig, default_chat_provider
from app.llm.schemas import ModelList, ModelRead


def list_choices(config: LLMConfig | None = None) -> ModelList:
    """Return every model a workspace may choose, chat first, each provider's default first."""
    config = config or LLMConfig.from_env()
    items: list[ModelRead] = []
    for spec in catalogue.list_models(config):
        if not catalogue.selectable(spec):
            continue
        p = catalogue.provider(spec.kind, spec.provider)
        default = p.default_model(config) if p and p.default_model else ""
        items.append(ModelRead(provider=spec.provider, name=spec.name, kind=spec.kind, dimensions=spec.dimensions,
                               context_length=spec.context_length, capabilities=sorted(spec.capabilities),
                               source=spec.source, available=bool(p and p.configured(config)),
                               default=spec.name == default))
    items.sort(key=lambda m: (m.kind != "chat", m.provider, not m.default, m.name))
    return ModelList(items=items, default_chat_provider=default_chat_provider(config))
