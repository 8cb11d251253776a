import uuid
from datetime import datetime

from pydantic import BaseModel


class JobProgress(BaseModel):
    processed: int
    total: int
    stage: str | None = None  # import: "indexing", then "embedding_answers" (searchable from the second)


class JobRead(BaseModel):
    id: uuid.UUID
    kind: str
    status: str
    progress: JobProgress
    result: dict
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, job) -> "JobRead":
        progress = JobProgress(processed=job.progress_done, total=job.progress_total,
                               stage=(job.payload or {}).get("stage"))
        return cls(id=job.id, kind=job.kind, status=job.status, progress=progress, result=job.result,
                   error=job.error, created_at=job.created_at, started_at=job.started_at,
                   finished_at=job.finished_at)
