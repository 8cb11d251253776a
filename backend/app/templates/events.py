"""Typed server-sent events of a document generation, in the order they are sent (per section: section,
sources for a knowledge section, token…; then done, or error instead)."""

from dataclasses import dataclass, field

from app.chat.events import Event


@dataclass
class Section(Event):
    name = "section"
    document_id: str
    index: int
    key: str
    title: str
    kind: str


@dataclass
class Sources(Event):
    name = "sources"
    key: str
    sources: list[dict]


@dataclass
class Token(Event):
    name = "token"
    key: str
    text: str


@dataclass
class Done(Event):
    name = "done"
    document_id: str
    status: str
    sections: list[dict] = field(default_factory=list)  # {key, status} of each section written


@dataclass
class Error(Event):
    name = "error"
    error: str
    message: str
    key: str | None = None
