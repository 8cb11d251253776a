"""Typed server-sent events of the chat stream, in the order they are sent."""

import json
from dataclasses import asdict, dataclass, field
from typing import ClassVar


@dataclass
class Event:
    name: ClassVar[str]

    def encode(self) -> str:
        """Render as one SSE frame."""
        return f"event: {self.name}\ndata: {json.dumps(asdict(self), ensure_ascii=False, default=str)}\n\n"


@dataclass
class Meta(Event):
    name = "meta"
    session_id: str
    user_message_id: str
    assistant_message_id: str
    standalone_query: str


@dataclass
class Sources(Event):
    name = "sources"
    sources: list[dict]


@dataclass
class Token(Event):
    name = "token"
    text: str


@dataclass
class Followups(Event):
    name = "followups"
    followups: list[dict]


@dataclass
class Done(Event):
    name = "done"
    message_id: str
    refused: bool
    latency_ms: dict
    usage: dict = field(default_factory=dict)


@dataclass
class Error(Event):
    name = "error"
    error: str
    message: str
