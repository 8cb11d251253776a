import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class JobProgress(BaseModel):
    processed: int
    total: int
    stage: str | None = None  # import: "indexing", then "embedding_answers" (searchable from the second)


class JobRead(BaseModel):
    id: uuid.UUID
    workspace_id: uuid.UUID | None
    kind: str
    status: JobStatus
    progress: JobProgress
    result: dict
    error: str | None
    attempts: int  # tries of the current step
    cancel_requested: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None

    @classmethod
    def of(cls, job) -> "JobRead":
        progress = JobProgress(processed=job.progress_done, total=job.progress_total,
                               stage=(job.payload or {}).get("stage"))
        return cls(id=job.id, workspace_id=job.workspace_id, kind=job.kind, status=job.status, progress=progress,
                   result=job.result, error=job.error, attempts=job.attempts, cancel_requested=job.cancel_requested,
                   created_at=job.created_at, started_at=job.started_at, finished_at=job.finished_at,
                   heartbeat_at=job.heartbeat_at)


class JobList(BaseModel):
    items: list[JobRead]
    total: int


class AdminJobRead(JobRead):
    workspace_name: str | None


class AdminJobList(BaseModel):
    items: list[AdminJobRead]
    total: int
