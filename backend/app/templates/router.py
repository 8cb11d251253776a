"""Templates, generation (SSE) and generated documents of a workspace."""

import uuid
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Response, UploadFile
from fastapi.responses import StreamingResponse

from app.core.config import get_settings
from app.core.db import SessionDep
from app.core.deps import CurrentWorkspace, EditorWorkspace
from app.core.errors import AppError
from app.core.types import Offset
from app.templates import documents, export, generation, service
from app.templates.models import DocTemplateVersion
from app.templates.schemas import (
    GeneratedDocumentList,
    GeneratedDocumentRead,
    GeneratedDocumentSummary,
    GeneratedDocumentUpdate,
    GeneratedRevisionList,
    GeneratedRevisionRead,
    GenerateRequest,
    TemplateCreate,
    TemplateList,
    TemplateRead,
    TemplateUpdate,
    TemplateVersionList,
    TemplateVersionRead,
)

router = APIRouter(tags=["templates"])
SSE = {200: {"description": "Server-sent events: section, sources, token…, done (or error)",
             "content": {"text/event-stream": {"schema": {"type": "string"}}}}}
FILES = {200: {"description": "The exported file",
               "content": {t.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                           for t in export.MEDIA_TYPES.values()}}}
VersionNo = Annotated[int, Path(ge=1, le=1_000_000)]
SectionKey = Annotated[str, Path(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")]


async def _finish(gen: generation.Generation, session) -> GeneratedDocumentRead:
    """Run a generation to its end for a client that asked for JSON (?stream=false); a model failure is a 502."""
    async for event in gen.events():
        if isinstance(event, generation.ev.Error):
            raise AppError(event.message, code=event.error, status_code=502)
    doc = await documents.get_document(session=session, ws_id=gen.ws_id, document_id=gen.document_id)
    out = GeneratedDocumentRead.model_validate(doc)
    await session.close()
    return out


def _stream(gen: generation.Generation) -> StreamingResponse:
    async def frames():
        async for event in gen.events():
            yield event.encode()

    return StreamingResponse(frames(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.get("/templates", response_model=TemplateList)
async def list_templates(ws: CurrentWorkspace, session: SessionDep):
    """The workspace's templates at their current versions."""
    return TemplateList(items=await service.list_templates(session=session, ws_id=ws.id))


@router.post("/templates", response_model=TemplateRead, status_code=201)
async def create_template(body: TemplateCreate, ws: EditorWorkspace, session: SessionDep):
    """Create a template (422 `template_invalid` with the section, line and reason when a section is invalid)."""
    return await service.create_template(session=session, ws_id=ws.id, user_id=ws.user.id, body=body)


@router.get("/templates/{template_id}", response_model=TemplateRead)
async def get_template(template_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep):
    """A template at its current version."""
    return service.to_read(*await service.get_version(session=session, ws_id=ws.id, template_id=template_id))


@router.patch("/templates/{template_id}", response_model=TemplateRead)
async def update_template(template_id: uuid.UUID, body: TemplateUpdate, ws: EditorWorkspace, session: SessionDep):
    """Rename, or change fields and sections (a new version)."""
    return await service.update_template(session=session, ws_id=ws.id, user_id=ws.user.id,
                                         template_id=template_id, body=body)


@router.delete("/templates/{template_id}", status_code=204)
async def delete_template(template_id: uuid.UUID, ws: EditorWorkspace, session: SessionDep):
    """Delete a template; the documents made from it stay."""
    await service.delete_template(session=session, ws_id=ws.id, template_id=template_id)
    return Response(status_code=204)


@router.get("/templates/{template_id}/versions", response_model=TemplateVersionList)
async def list_versions(template_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep):
    """Every version of a template, newest first."""
    return TemplateVersionList(items=await service.list_versions(session=session, ws_id=ws.id, template_id=template_id))


@router.get("/templates/{template_id}/versions/{version}", response_model=TemplateVersionRead)
async def get_version(template_id: uuid.UUID, version: VersionNo, ws: CurrentWorkspace, session: SessionDep):
    """One version of a template."""
    _, row = await service.get_version(session=session, ws_id=ws.id, template_id=template_id, version=version)
    return service.version_read(row)


@router.put("/templates/{template_id}/layout", response_model=TemplateRead)
async def upload_layout(template_id: uuid.UUID, file: UploadFile, ws: EditorWorkspace, session: SessionDep):
    """Attach a .docx or .hwpx with `{{ name }}` markers as the template's layout (a new version)."""
    limit = get_settings().upload_max_mb * 1024 * 1024
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise AppError(f"File is larger than {get_settings().upload_max_mb} MB.", code="payload_too_large",
                       status_code=413)
    if not data:
        raise AppError("The file is empty.", code="empty_file", status_code=400)
    return await service.set_layout(session=session, ws_id=ws.id, user_id=ws.user.id, template_id=template_id,
                                    filename=file.filename or "layout", data=data)


@router.delete("/templates/{template_id}/layout", response_model=TemplateRead)
async def remove_layout(template_id: uuid.UUID, ws: EditorWorkspace, session: SessionDep):
    """Stop using the uploaded layout (a new version)."""
    return await service.set_layout(session=session, ws_id=ws.id, user_id=ws.user.id, template_id=template_id,
                                    filename="", data=None)


@router.post("/templates/{template_id}/generate", response_model=GeneratedDocumentRead, responses=SSE)
async def generate(template_id: uuid.UUID, body: GenerateRequest, ws: CurrentWorkspace, session: SessionDep,
                   stream: bool = True):
    """Fill a template: 422 naming the field on a bad value; else the document is saved and its sections stream
    as SSE (section, sources, token…, then done or error), or come back as JSON with ?stream=false."""
    gen = await generation.start(session=session, ws_id=ws.id, user_id=ws.user.id, template_id=template_id,
                                 values=body.values, title=body.title)
    await session.close()  # the sections read and write in short transactions of their own
    return _stream(gen) if stream else await _finish(gen, session)


@router.get("/generated-documents", response_model=GeneratedDocumentList)
async def list_documents(ws: CurrentWorkspace, session: SessionDep, template_id: uuid.UUID | None = None,
                         offset: Offset = 0, limit: Annotated[int, Query(ge=1, le=100)] = 50):
    """Generated documents, newest first."""
    rows, total = await documents.list_documents(session=session, ws_id=ws.id, template_id=template_id,
                                                 offset=offset, limit=limit)
    return GeneratedDocumentList(items=[GeneratedDocumentSummary.model_validate(r) for r in rows], total=total)


@router.get("/generated-documents/{document_id}", response_model=GeneratedDocumentRead)
async def get_document(document_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep):
    """A generated document with its sections and their sources."""
    return await documents.get_document(session=session, ws_id=ws.id, document_id=document_id)


@router.patch("/generated-documents/{document_id}", response_model=GeneratedDocumentRead)
async def update_document(document_id: uuid.UUID, body: GeneratedDocumentUpdate, ws: CurrentWorkspace, session: SessionDep):
    """Edit the title or sections by hand (the previous text is kept as a revision)."""
    return await documents.update_document(session=session, ws_id=ws.id, document_id=document_id, body=body)


@router.delete("/generated-documents/{document_id}", status_code=204)
async def delete_document(document_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep):
    """Delete a generated document."""
    await documents.delete_document(session=session, ws_id=ws.id, document_id=document_id)
    return Response(status_code=204)


@router.get("/generated-documents/{document_id}/revisions", response_model=GeneratedRevisionList)
async def list_revisions(document_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep):
    """Earlier states of a document (before each edit or re-generation), newest first."""
    rows = await documents.list_revisions(session=session, ws_id=ws.id, document_id=document_id)
    return GeneratedRevisionList(items=[GeneratedRevisionRead.model_validate(r) for r in rows])


@router.post("/generated-documents/{document_id}/sections/{key}/regenerate", response_model=GeneratedDocumentRead,
             responses=SSE)
async def regenerate(document_id: uuid.UUID, key: SectionKey, ws: CurrentWorkspace, session: SessionDep,
                     stream: bool = True):
    """Write one section again (SSE as for generate, or JSON with ?stream=false); the previous text is kept as a
    revision."""
    gen = await generation.start_regenerate(session=session, ws_id=ws.id, document_id=document_id, key=key)
    await session.close()
    return _stream(gen) if stream else await _finish(gen, session)


@router.get("/generated-documents/{document_id}/export", response_model=GeneratedDocumentRead, responses=FILES)
async def export_document(document_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep,
                          format: Literal["md", "docx", "hwpx", "json"] = "docx"):
    """Download the document as Markdown, .docx or .hwpx (through the template's layout of that kind, if any),
    or as JSON (the document itself)."""
    doc = await documents.get_document(session=session, ws_id=ws.id, document_id=document_id)
    if format == "json":
        return doc
    version = await session.get(DocTemplateVersion, doc.template_version_id) if doc.template_version_id else None
    labels = {f["name"]: f.get("label") or f["name"] for f in (version.fields if version else [])}
    layout = version.layout if version is not None and version.layout_kind == format else None
    await session.close()
    if format == "md":
        data = export.markdown(doc, labels).encode()
    else:
        data = (export.docx if format == "docx" else export.hwpx)(doc, labels, layout)
    name = f"{doc.title}.{format}"
    disposition = f"attachment; filename=\"document.{format}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=export.MEDIA_TYPES[format], headers={"Content-Disposition": disposition})
