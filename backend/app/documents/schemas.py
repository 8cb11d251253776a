import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.types import SafeStr
from app.jobs.schemas import JobStatus

DocumentStatus = Literal["queued", "indexing", "ready", "failed"]


class IndexingRead(BaseModel):
    """The document's latest indexing job: stage extracting, chunking, then embedding."""

    job_id: uuid.UUID
    status: JobStatus
    stage: str | None
    processed: int
    total: int


class DocumentRead(BaseModel):
    id: uuid.UUID
    filename: str
    title: str
    file_type: str
    size_bytes: int
    version: int
    status: DocumentStatus
    error: str | None
    page_count: int  # PDF pages; 0 for types without pages
    piece_count: int  # pieces in the knowledge index
    indexing: IndexingRead | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, doc, job) -> "DocumentRead":
        status, error = doc.status, doc.error
        if status in ("queued", "indexing") and job is not None and job.status in ("failed", "cancelled"):
            status, error = "failed", job.error  # the job gave up (retries spent, cancelled) before the swap
        indexing = IndexingRead(job_id=job.id, status=job.status, stage=(job.payload or {}).get("stage"),
                                processed=job.progress_done, total=job.progress_total) if job is not None else None
        return cls(id=doc.id, filename=doc.filename, title=doc.title, file_type=doc.file_type,
                   size_bytes=doc.size_bytes, version=doc.version, status=status, error=error,
                   page_count=doc.page_count, piece_count=doc.piece_count, indexing=indexing,
                   created_at=doc.created_at, updated_at=doc.updated_at)


class DocumentList(BaseModel):
    items: list[DocumentRead]


class UnitRead(BaseModel):
    text: str
    kind: Literal["heading", "paragraph", "table"]
    page: int | None
    section: str | None


class DocumentText(BaseModel):
    """The document's text as extracted (all of it, or one page), for the preview a source opens."""

    document_id: uuid.UUID
    page: int | None
    units: list[UnitRead]


SummaryLength = Literal["short", "medium", "long"]
SummaryFormat = Literal["paragraph", "bullets"]


class SummaryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    length: SummaryLength = "medium"
    format: SummaryFormat = "paragraph"
    focus: SafeStr | None = Field(None, max_length=500)  # a question the summary should answer first
    # auto: the workspace's chat model when one is configured, else extractive; extractive: never a model
    mode: Literal["auto", "extractive"] = "auto"


class CitationRead(BaseModel):
    text: str  # the sentence (extractive) or the claim (model)
    page: int | None
    section: str | None


class SummaryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    document_id: uuid.UUID
    document_version: int
    length: SummaryLength
    format: SummaryFormat
    focus: str | None
    mode: Literal["extractive", "single_pass", "refine"]
    provider: str | None
    model: str | None
    prompt_version_id: uuid.UUID | None
    status: Literal["complete", "interrupted", "failed"]
    content: str
    citations: list[CitationRead]
    latency_ms: dict[str, float]
    prompt_tokens: int
    completion_tokens: int
    created_at: datetime


class SummaryList(BaseModel):
    items: list[SummaryRead]
