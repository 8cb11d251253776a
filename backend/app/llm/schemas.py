from typing import Literal

from pydantic import BaseModel


class ModelRead(BaseModel):
    provider: str
    name: str
    kind: Literal["chat", "embedding"]
    dimensions: int | None
    context_length: int | None
    capabilities: list[str]
    source: Literal["builtin", "config", "admin", "finetuned"]
    available: bool  # the provider is configured on this server (a key or an endpoint, or local)
    default: bool  # the model the provider uses when a workspace names none


class ModelList(BaseModel):
    items: list[ModelRead]
    default_chat_provider: str  # what a workspace's chat_provider "auto" resolves to here
