import uuid

from fastapi import APIRouter, Query

from app.core.db import SessionDep
from app.core.deps import AdminUser, CurrentWorkspace, EditorWorkspace
from app.core.types import Offset, SafeStr
from app.jobs import service
from app.jobs.schemas import AdminJobList, AdminJobRead, JobList, JobRead, JobStatus

router = APIRouter(tags=["jobs"])
admin_router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/jobs", response_model=JobList)
async def list_jobs(ws: CurrentWorkspace, session: SessionDep, kind: SafeStr | None = None,
                    status: JobStatus | None = None, offset: Offset = 0,
                    limit: int = Query(20, ge=1, le=100)):
    """The workspace's jobs, newest first, whoever started them."""
    rows, total = await service.list_jobs(session=session, ws_id=ws.id, kind=kind, status=status,
                                          offset=offset, limit=limit)
    return JobList(items=[JobRead.of(job) for job, _ in rows], total=total)


@router.get("/jobs/{job_id}", response_model=JobRead)
async def get_job(job_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep):
    """One job's status and progress."""
    return JobRead.of(await service.get_job(session=session, ws_id=ws.id, job_id=job_id))


@router.post("/jobs/{job_id}/cancel", response_model=JobRead)
async def cancel_job(job_id: uuid.UUID, ws: EditorWorkspace, session: SessionDep):
    """Cancel a queued or running job (owners and editors)."""
    return JobRead.of(await service.cancel(session=session, ws_id=ws.id, job_id=job_id))


@router.post("/jobs/{job_id}/retry", response_model=JobRead, status_code=202)
async def retry_job(job_id: uuid.UUID, ws: EditorWorkspace, session: SessionDep):
    """Run a failed or cancelled job again from where it stopped (owners and editors)."""
    return JobRead.of(await service.retry(session=session, ws_id=ws.id, job_id=job_id))


@admin_router.get("/jobs", response_model=AdminJobList)
async def list_all_jobs(_: AdminUser, session: SessionDep, kind: SafeStr | None = None,
                        status: JobStatus | None = None, workspace_id: uuid.UUID | None = None,
                        offset: Offset = 0, limit: int = Query(50, ge=1, le=200)):
    """Every workspace's jobs, newest first (platform admins)."""
    rows, total = await service.list_jobs(session=session, ws_id=workspace_id, kind=kind, status=status,
                                          offset=offset, limit=limit)
    return AdminJobList(items=[AdminJobRead(**JobRead.of(job).model_dump(), workspace_name=name)
                               for job, name in rows], total=total)
