import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_serializer

from app.core.types import SafeStr


class SessionCreate(BaseModel):
    title: SafeStr | None = Field(None, max_length=200)


class SessionUpdate(BaseModel):
    title: SafeStr = Field(min_length=1, max_length=200)


class SessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    title: str
    created_at: datetime
    updated_at: datetime


class SessionList(BaseModel):
    items: list[SessionRead]


class MessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    content: SafeStr = Field(min_length=1, max_length=2000)
    followup_entry_id: uuid.UUID | None = None


DOCUMENT_FIELDS = ("kind", "document_id", "document_title", "page", "section")


class SourceRead(BaseModel):
    entry_id: str
    question: str
    category: str | None
    score: float  # best cosine similarity of the entry's chunks, 0..1
    rank_score: float | None = None  # fused z-score sum over the candidates (relative, not 0..1)
    # A document's piece (app/documents): entry_id is the piece's id, and the document and place are named.
    kind: Literal["document"] | None = None  # None: an FAQ entry (its sources are as before)
    document_id: str | None = None
    document_title: str | None = None
    page: int | None = None
    section: str | None = None

    @model_serializer(mode="wrap")
    def _faq_as_before(self, handler):
        """An FAQ source is sent and read back exactly as before documents existed (no document fields)."""
        out = handler(self)
        if self.kind is None:
            for name in DOCUMENT_FIELDS:
                out.pop(name, None)
        return out


class FollowupRead(BaseModel):
    question: str  # the entry's question: what a click asks
    entry_id: str | None
    offer: str | None = None  # with a chat model: the question worded as an offer ("…안내해드릴까요?"), shown instead

    @model_serializer(mode="wrap")
    def _offer_only_when_worded(self, handler):
        """A follow-up without an offer reads back as it was streamed (no offer field)."""
        out = handler(self)
        if self.offer is None:
            out.pop("offer", None)
        return out


class StarterList(BaseModel):
    items: list[FollowupRead]  # questions to start with: the knowledge's first entry, then its most linked-to ones


class MessageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    role: Literal["user", "assistant"]
    reply_to_id: uuid.UUID | None  # an answer's question (None on questions)
    content: str
    sources: list[SourceRead]
    followups: list[FollowupRead]
    refused: bool
    status: Literal["complete", "interrupted", "failed"]
    feedback: Literal[-1, 0, 1] | None
    standalone_query: str | None
    latency_ms: dict[str, float]  # retrieval, rewrite, rerank, first_token, total (assistant messages)
    prompt_versions: dict[str, str]  # {prompt key: version id} of every prompt the answer ran (assistant messages)
    created_at: datetime


class MessageList(BaseModel):
    items: list[MessageRead]


class ExchangeRead(BaseModel):
    user_message: MessageRead
    assistant_message: MessageRead


class FeedbackCreate(BaseModel):
    rating: Literal[-1, 0, 1]
