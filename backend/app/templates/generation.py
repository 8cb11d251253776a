"""Generating a document: check the values and save the document, then write its sections one by one as SSE.

A request owns its transactions: the document is saved (status generating) before the stream starts; each section
is planned with short reads, written with no connection held while a model streams, then saved in a short
transaction of its own. A client that leaves mid-way leaves the document saved as interrupted.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import anyio
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from app.chat.events import Event
from app.core.db import sessionmaker
from app.core.errors import AppError, Conflict, NotFound
from app.llm.base import LLMError
from app.llm.registry import get_chat_model
from app.templates import documents, knowledge, render, service
from app.templates import events as ev
from app.templates.models import DocTemplateVersion, GeneratedDocument
from app.templates.values import validate_values
from app.workspaces.schemas import WorkspaceSettingsRead
from app.workspaces.service import load_settings


@dataclass
class Item:
    """A section to write: its place in the document, its definition, and its text or question rendered."""

    index: int
    key: str
    title: str
    kind: str
    text: str


def _pending(section: dict) -> dict:
    return {"key": section["key"], "title": section["title"], "kind": section["kind"], "content": "",
            "status": "pending", "sources": [], "provider": None, "prompt_version_id": None, "edited": False}


def _items(version: DocTemplateVersion, values: dict, keys: set[str] | None = None) -> list[Item]:
    """Each section's fixed text or question rendered with the values (422 when one cannot be rendered)."""
    out = []
    for index, s in enumerate(version.sections):
        if keys is not None and s["key"] not in keys:
            continue
        try:
            text = render.render(s["body"], values)
        except render.RenderFailed as exc:
            err = AppError(f"sections.{s['key']}: {exc.reason}", code="template_render_failed", status_code=422)
            err.extra = {"section": s["key"], "reason": exc.reason}
            raise err from None
        out.append(Item(index=index, key=s["key"], title=s["title"], kind=s["kind"], text=text))
    return out


async def start(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID, template_id: uuid.UUID,
                values: dict, title: str | None) -> "Generation":
    """Check the values (422 naming the field), save the document as generating, and return its generation."""
    tpl, version = await service.get_version(session=session, ws_id=ws_id, template_id=template_id)
    clean = validate_values(version.fields, values)
    items = _items(version, clean)
    settings = await load_settings(session=session, ws_id=ws_id)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    doc = GeneratedDocument(workspace_id=ws_id, template_id=tpl.id, template_version_id=version.id,
                            template_name=tpl.name, template_version=version.version,
                            title=(title or f"{tpl.name} ({stamp})").strip()[:200], values=clean,
                            sections=[_pending(s) for s in version.sections], status="generating",
                            created_by=user_id)
    session.add(doc)
    await session.commit()
    return Generation(ws_id=ws_id, document_id=doc.id, settings=settings, template_name=tpl.name,
                      fields=version.fields, values=clean, items=items)


async def start_regenerate(*, session: AsyncSession, ws_id: uuid.UUID, document_id: uuid.UUID,
                           key: str) -> "Generation":
    """Write one section again from the document's values and template version (the old text is a revision)."""
    doc = await documents.get_document(session=session, ws_id=ws_id, document_id=document_id, lock=True)
    version = await session.get(DocTemplateVersion, doc.template_version_id) if doc.template_version_id else None
    if version is None or version.workspace_id != ws_id:
        raise Conflict("The template this document was made from is gone; edit the section by hand instead.",
                       code="template_gone")
    if not any(s["key"] == key for s in version.sections) or not any(s["key"] == key for s in doc.sections):
        raise NotFound("This document has no such section.")
    items = _items(version, doc.values, {key})
    settings = await load_settings(session=session, ws_id=ws_id)
    documents.snapshot(session, doc, f"다시 생성: {key}")
    doc.status = "generating"
    await session.commit()
    return Generation(ws_id=ws_id, document_id=doc.id, settings=settings, template_name=doc.template_name,
                      fields=version.fields, values=doc.values, items=items)


class Generation:
    """The sections of one saved document, written in order; `events()` streams them."""

    def __init__(self, *, ws_id: uuid.UUID, document_id: uuid.UUID, settings: WorkspaceSettingsRead,
                 template_name: str, fields: Sequence[dict], values: dict, items: list[Item]):
        self.ws_id, self.document_id, self.settings = ws_id, document_id, settings
        self.template_name, self.fields, self.values, self.items = template_name, fields, values, items

    async def events(self) -> AsyncIterator[Event]:
        """section, sources, token… per section, then done (or error); every section is saved as it ends."""
        model = get_chat_model(self.settings.qa.provider)  # None: sections quote the knowledge
        written: list[dict] = []
        doc_id = str(self.document_id)
        item: Item | None = None
        try:
            for item in self.items:
                yield ev.Section(document_id=doc_id, index=item.index, key=item.key, title=item.title, kind=item.kind)
                section: dict = {"status": "complete", "sources": [], "provider": "template", "prompt_version_id": None}
                if item.kind == "text":
                    chunks = knowledge.pieces(item.text)
                else:
                    kplan = await knowledge.plan(ws_id=self.ws_id, settings=self.settings, query=item.text)
                    section["sources"] = knowledge.source_dicts(kplan.cited)
                    yield ev.Sources(key=item.key, sources=section["sources"])
                    if not kplan.supported:
                        chunks, section["status"], section["provider"] = knowledge.pieces(knowledge.UNSUPPORTED), \
                            "unsupported", None
                    elif model is None:
                        chunks, section["provider"] = knowledge.pieces(knowledge.compose(item.text, kplan.cited)), \
                            "extractive"
                    else:
                        chunks, version_id = await knowledge.drafted(
                            model=model, settings=self.settings, kplan=kplan, template_name=self.template_name,
                            title=item.title, fields=self.fields, values=self.values)
                        section["provider"] = model.provider
                        section["prompt_version_id"] = str(version_id) if version_id else None
                parts: list[str] = []
                async for chunk in chunks:
                    if chunk.text:
                        parts.append(chunk.text)
                        yield ev.Token(key=item.key, text=chunk.text)
                section["content"] = "".join(parts).strip()
                if item.kind == "knowledge" and section["content"] in ("", knowledge.UNSUPPORTED):
                    section |= {"status": "unsupported", "content": knowledge.UNSUPPORTED, "sources": []}
                await self._save(item.index, section)
                written.append({"key": item.key, "status": section["status"]})
            await self._save(None, None, status="complete")
            yield ev.Done(document_id=doc_id, status="complete", sections=written)
        except (asyncio.CancelledError, GeneratorExit):
            # The client went away: what was written is saved; the document says it stopped.
            with anyio.CancelScope(shield=True):
                await self._save(None, None, status="interrupted")
            raise
        except LLMError as exc:
            if item is not None:
                await self._save(item.index, {"status": "failed", "content": "", "sources": []}, status="failed")
            yield ev.Error(error=exc.code, message=exc.message, key=item.key if item else None)
        except NotFound:
            yield ev.Error(error="document_deleted", message="문서가 삭제되어 생성을 멈췄습니다.")

    async def _save(self, index: int | None, section: dict | None, status: str | None = None) -> None:
        """Write one section's result (and the document's status) in a short transaction."""
        async with sessionmaker()() as s:
            doc = await documents.get_document(session=s, ws_id=self.ws_id, document_id=self.document_id, lock=True)
            if index is not None and section is not None and index < len(doc.sections):
                sections = [dict(x) for x in doc.sections]
                sections[index] = sections[index] | section | {"edited": False}
                doc.sections = sections
                flag_modified(doc, "sections")
            if status is not None:
                doc.status = status
            doc.updated_at = datetime.now(UTC)
            await s.commit()
