import uuid

from fastapi import APIRouter, Query, Response, UploadFile

from app.core.config import get_settings
from app.core.db import SessionDep
from app.core.deps import CurrentWorkspace, EditorWorkspace
from app.core.errors import AppError
from app.core.types import Offset, SafeStr
from app.jobs.schemas import JobRead
from app.knowledge import jobs, service
from app.knowledge.parsing import SUPPORTED_SUFFIXES
from app.knowledge.schemas import CategoryList, EntryCreate, EntryList, EntryRead, EntryUpdate

router = APIRouter(tags=["knowledge"])


@router.get("/knowledge", response_model=EntryList)
async def list_entries(ws: CurrentWorkspace, session: SessionDep, q: SafeStr | None = None,
                       category: SafeStr | None = None, offset: Offset = 0,
                       limit: int = Query(50, ge=1, le=200)):
    """Entries with search, category filter and paging."""
    items, total = await service.list_entries(session=session, ws_id=ws.id, q=q, category=category,
                                              offset=offset, limit=limit)
    return EntryList(items=items, total=total)


@router.get("/knowledge/categories", response_model=CategoryList)
async def categories(ws: CurrentWorkspace, session: SessionDep):
    """Categories and how many entries each holds."""
    return CategoryList(items=await service.categories(session=session, ws_id=ws.id))


@router.post("/knowledge", response_model=EntryRead, status_code=201)
async def create_entry(body: EntryCreate, ws: EditorWorkspace, session: SessionDep):
    """Add an entry (indexed at once)."""
    return await service.create_entry(session=session, ws_id=ws.id, body=body)


@router.get("/knowledge/{entry_id}", response_model=EntryRead)
async def get_entry(entry_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep):
    """One entry."""
    return await service.get_entry(session=session, ws_id=ws.id, entry_id=entry_id)


@router.patch("/knowledge/{entry_id}", response_model=EntryRead)
async def update_entry(entry_id: uuid.UUID, body: EntryUpdate, ws: EditorWorkspace, session: SessionDep):
    """Edit an entry (re-indexed at once)."""
    return await service.update_entry(session=session, ws_id=ws.id, entry_id=entry_id, body=body)


@router.delete("/knowledge/{entry_id}", status_code=204)
async def delete_entry(entry_id: uuid.UUID, ws: EditorWorkspace, session: SessionDep):
    """Delete an entry."""
    await service.delete_entry(session=session, ws_id=ws.id, entry_id=entry_id)
    return Response(status_code=204)


@router.post("/knowledge/import", response_model=JobRead, status_code=202)
async def import_file(file: UploadFile, ws: EditorWorkspace, session: SessionDep):
    """Upload a knowledge file (.pkl, .json, .jsonl, .csv); it is imported by a background job."""
    name = file.filename or "upload"
    if not name.lower().endswith(SUPPORTED_SUFFIXES):
        raise AppError(f"Unsupported file type; use one of {', '.join(SUPPORTED_SUFFIXES)}.",
                       code="unsupported_file", status_code=415)
    limit = get_settings().upload_max_mb * 1024 * 1024
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise AppError(f"File is larger than {get_settings().upload_max_mb} MB.", code="payload_too_large",
                       status_code=413)
    if not data:
        raise AppError("The file is empty.", code="empty_file", status_code=400)
    job = await jobs.enqueue_import(session=session, ws_id=ws.id, user_id=ws.user.id, filename=name, data=data)
    return JobRead.of(job)


@router.post("/knowledge/reembed", response_model=JobRead, status_code=202)
async def reembed(ws: EditorWorkspace, session: SessionDep):
    """Re-embed all knowledge with the workspace's embedding model, in a background job."""
    return JobRead.of(await jobs.enqueue_reembed(session=session, ws_id=ws.id, user_id=ws.user.id))
