import uuid

from fastapi import APIRouter, Query
from sqlalchemy import select

from app.core.db import SessionDep
from app.core.deps import CurrentWorkspace
from app.core.errors import NotFound
from app.jobs.schemas import JobRead
from app.models import Job

router = APIRouter(tags=["jobs"])


@router.get("/jobs", response_model=dict[str, list[JobRead]])
async def list_jobs(ws: CurrentWorkspace, session: SessionDep, limit: int = Query(20, ge=1, le=100)):
    """Recent jobs of the workspace."""
    rows = (await session.execute(select(Job).where(Job.workspace_id == ws.id)
                                  .order_by(Job.created_at.desc()).limit(min(limit, 100)))).scalars()
    return {"items": [JobRead.of(j) for j in rows]}


@router.get("/jobs/{job_id}", response_model=JobRead)
async def get_job(job_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep):
    """One job's status and progress."""
    job = (await session.execute(select(Job).where(Job.id == job_id, Job.workspace_id == ws.id))).scalar_one_or_none()
    if job is None:
        raise NotFound("Job not found.")
    return JobRead.of(job)
