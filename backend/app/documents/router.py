import uuid

from fastapi import APIRouter, Query, Response, UploadFile
from fastapi.responses import StreamingResponse

from app.core.config import get_settings
from app.core.db import SessionDep
from app.core.deps import CurrentWorkspace, EditorWorkspace
from app.core.errors import AppError, error_responses
from app.documents import service, summary
from app.documents.schemas import (
    DocumentList,
    DocumentRead,
    DocumentText,
    SummaryCreate,
    SummaryList,
    SummaryRead,
    UnitRead,
)

router = APIRouter(prefix="/documents", tags=["documents"])
UPLOAD_ERRORS = error_responses(409, 413, 415, 422)


async def _read(file: UploadFile) -> tuple[str, bytes]:
    """The upload's name and bytes: 413 past the size limit, 400 when empty."""
    limit = get_settings().upload_max_mb * 1024 * 1024
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise AppError(f"File is larger than {get_settings().upload_max_mb} MB.", code="payload_too_large",
                       status_code=413)
    if not data:
        raise AppError("The file is empty.", code="empty_file", status_code=400)
    return (file.filename or "upload").replace("/", "_").replace("\\", "_")[-255:], data


@router.post("", response_model=DocumentRead, status_code=201, responses=UPLOAD_ERRORS)
async def upload(file: UploadFile, ws: EditorWorkspace, session: SessionDep):
    """Upload a document (txt, md, html, pdf, docx, hwpx, hwp, csv, xlsx); it is read at once (415, 413, 422 and
    409 for a duplicate, with nothing stored) and indexed by a background job (`indexing` shows its stage)."""
    name, data = await _read(file)
    doc = await service.upload(session=session, ws_id=ws.id, user_id=ws.user.id, filename=name, data=data)
    return DocumentRead.of(*await service.get_with_job(session=session, ws_id=ws.id, document_id=doc.id))


@router.get("", response_model=DocumentList)
async def list_documents(ws: CurrentWorkspace, session: SessionDep):
    """The workspace's documents, newest first, with their indexing progress."""
    rows = await service.list_documents(session=session, ws_id=ws.id)
    return DocumentList(items=[DocumentRead.of(d, j) for d, j in rows])


@router.get("/{document_id}", response_model=DocumentRead)
async def get_document(document_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep):
    """One document."""
    return DocumentRead.of(*await service.get_with_job(session=session, ws_id=ws.id, document_id=document_id))


@router.put("/{document_id}/file", response_model=DocumentRead, responses=UPLOAD_ERRORS)
async def replace_file(document_id: uuid.UUID, file: UploadFile, ws: EditorWorkspace, session: SessionDep):
    """Upload a new version; its pieces replace the old ones in one transaction once indexed."""
    name, data = await _read(file)
    await service.replace(session=session, ws_id=ws.id, user_id=ws.user.id, document_id=document_id,
                          filename=name, data=data)
    return DocumentRead.of(*await service.get_with_job(session=session, ws_id=ws.id, document_id=document_id))


@router.delete("/{document_id}", status_code=204)
async def delete_document(document_id: uuid.UUID, ws: EditorWorkspace, session: SessionDep):
    """Delete a document, its pieces and vectors, and its summaries."""
    await service.delete_document(session=session, ws_id=ws.id, document_id=document_id)
    return Response(status_code=204)


@router.get("/{document_id}/text", response_model=DocumentText)
async def document_text(document_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep,
                        page: int | None = Query(None, ge=1, le=100_000)):
    """The extracted text, all of it or one page (what a chat source opens)."""
    units = await service.units(session=session, ws_id=ws.id, document_id=document_id, page=page)
    return DocumentText(document_id=document_id, page=page, units=[UnitRead(**u) for u in units])


@router.get("/{document_id}/summaries", response_model=SummaryList)
async def list_summaries(document_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep):
    """The document's summaries, newest first (to re-run and compare)."""
    await service.get_document(session=session, ws_id=ws.id, document_id=document_id)
    items = await summary.list_summaries(session=session, ws_id=ws.id, document_id=document_id)
    return SummaryList(items=[SummaryRead.model_validate(s) for s in items])


@router.post("/{document_id}/summaries", response_model=SummaryRead,
             responses={200: {"content": {"text/event-stream": {}}}})
async def summarize(document_id: uuid.UUID, body: SummaryCreate, ws: CurrentWorkspace, session: SessionDep):
    """Summarise the document; streams SSE (meta, progress…, token…, done with latency, usage and citations, or
    error). The summary is saved whether or not the client stays (interrupted when it leaves)."""
    await service.get_document(session=session, ws_id=ws.id, document_id=document_id)
    await session.close()  # the run reads and writes in short transactions of its own
    run = await summary.start(ws_id=ws.id, user_id=ws.user.id, document_id=document_id, body=body)

    async def frames():
        async for event in run.events():
            yield event.encode()

    return StreamingResponse(frames(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
