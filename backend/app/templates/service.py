"""Templates: create, read, change (each change of fields, sections or layout is a new immutable version),
delete, and the layout file."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError, NotFound
from app.templates import layouts, render
from app.templates.models import DocTemplate, DocTemplateVersion
from app.templates.schemas import (
    TemplateCreate,
    TemplateFieldDef,
    TemplateLayoutRead,
    TemplateRead,
    TemplateSectionDef,
    TemplateUpdate,
    TemplateVersionRead,
)


def _invalid(message: str, **extra) -> AppError:
    err = AppError(message, code="template_invalid", status_code=422)
    err.extra = extra or None
    return err


def check_definition(fields: Sequence[TemplateFieldDef], sections: Sequence[TemplateSectionDef]) -> None:
    """Unique names and keys, and every section's text valid for these fields (422 with the section and line)."""
    names = [f.name for f in fields]
    keys = [s.key for s in sections]
    for label, items in (("field", names), ("section", keys)):
        dup = next((n for n in items if items.count(n) > 1), None)
        if dup:
            raise _invalid(f"Two {label}s are named '{dup}'.", reason=f"duplicate {label} '{dup}'")
    clash = set(names) & (set(keys) | {"title"})
    if clash:
        name = sorted(clash)[0]
        raise _invalid(f"'{name}' names both a field and a section (or the title).", reason=f"name clash '{name}'")
    for section in sections:
        try:
            render.check(section.body, names)
        except render.TemplateInvalid as exc:
            where = f" line {exc.line}" if exc.line else ""
            raise _invalid(f"sections.{section.key}:{where}: {exc.reason}", section=section.key, line=exc.line,
                           reason=exc.reason) from None


def layout_read(version: DocTemplateVersion) -> TemplateLayoutRead | None:
    if not version.layout_kind:
        return None
    return TemplateLayoutRead(kind=version.layout_kind, filename=version.layout_filename or f"layout.{version.layout_kind}")


def to_read(tpl: DocTemplate, version: DocTemplateVersion) -> TemplateRead:
    """The API shape of a template at its current version."""
    return TemplateRead(id=tpl.id, name=tpl.name, description=tpl.description, version=version.version,
                        fields=version.fields, sections=version.sections, layout=layout_read(version),
                        created_at=tpl.created_at, updated_at=tpl.updated_at)


def version_read(version: DocTemplateVersion) -> TemplateVersionRead:
    return TemplateVersionRead(version=version.version, note=version.note, fields=version.fields,
                       sections=version.sections, layout=layout_read(version), created_at=version.created_at)


async def create_template(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID | None,
                          body: TemplateCreate, commit: bool = True) -> TemplateRead:
    """A new template at version 1."""
    check_definition(body.fields, body.sections)
    tpl = DocTemplate(id=uuid.uuid4(), workspace_id=ws_id, name=body.name.strip(), description=body.description,
                      current_version=1, created_by=user_id)
    session.add(tpl)
    await session.flush()
    version = DocTemplateVersion(workspace_id=ws_id, template_id=tpl.id, version=1, note=body.note or "처음 버전",
                                 fields=[f.model_dump() for f in body.fields],
                                 sections=[s.model_dump() for s in body.sections], created_by=user_id)
    session.add(version)
    await session.flush()
    await session.refresh(tpl)
    if commit:
        await session.commit()
    return to_read(tpl, version)


async def list_templates(*, session: AsyncSession, ws_id: uuid.UUID) -> list[TemplateRead]:
    """The workspace's templates at their current versions, by name."""
    rows = (await session.execute(
        select(DocTemplate, DocTemplateVersion)
        .join(DocTemplateVersion, (DocTemplateVersion.template_id == DocTemplate.id)
              & (DocTemplateVersion.version == DocTemplate.current_version)
              & (DocTemplateVersion.workspace_id == ws_id))
        .where(DocTemplate.workspace_id == ws_id).order_by(DocTemplate.name, DocTemplate.created_at))).all()
    return [to_read(t, v) for t, v in rows]


async def get_version(*, session: AsyncSession, ws_id: uuid.UUID, template_id: uuid.UUID,
                      version: int | None = None) -> tuple[DocTemplate, DocTemplateVersion]:
    """A template and one of its versions (default: the current one), or 404."""
    tpl = (await session.execute(select(DocTemplate).where(DocTemplate.id == template_id,
                                                           DocTemplate.workspace_id == ws_id))).scalar_one_or_none()
    if tpl is None:
        raise NotFound("Template not found.")
    row = (await session.execute(select(DocTemplateVersion).where(
        DocTemplateVersion.workspace_id == ws_id, DocTemplateVersion.template_id == tpl.id,
        DocTemplateVersion.version == (version or tpl.current_version)))).scalar_one_or_none()
    if row is None:
        raise NotFound("Template version not found.")
    return tpl, row


async def list_versions(*, session: AsyncSession, ws_id: uuid.UUID, template_id: uuid.UUID) -> list[TemplateVersionRead]:
    """Every version of a template, newest first."""
    await get_version(session=session, ws_id=ws_id, template_id=template_id)
    rows = (await session.execute(select(DocTemplateVersion).where(
        DocTemplateVersion.workspace_id == ws_id, DocTemplateVersion.template_id == template_id)
        .order_by(DocTemplateVersion.version.desc()))).scalars().all()
    return [version_read(v) for v in rows]


async def _new_version(session: AsyncSession, tpl: DocTemplate, base: DocTemplateVersion, user_id: uuid.UUID | None,
                       note: str, **changes) -> DocTemplateVersion:
    version = DocTemplateVersion(
        workspace_id=tpl.workspace_id, template_id=tpl.id, version=tpl.current_version + 1, note=note,
        fields=changes.get("fields", base.fields), sections=changes.get("sections", base.sections),
        layout_kind=changes.get("layout_kind", base.layout_kind),
        layout_filename=changes.get("layout_filename", base.layout_filename),
        layout=changes.get("layout", base.layout), created_by=user_id)
    session.add(version)
    tpl.current_version = version.version
    tpl.updated_at = datetime.now(UTC)
    await session.flush()
    return version


def _layout_names(fields: Sequence[dict], sections: Sequence[dict]) -> list[str]:
    return [f["name"] for f in fields] + [s["key"] for s in sections] + ["title"]


async def update_template(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID | None,
                          template_id: uuid.UUID, body: TemplateUpdate) -> TemplateRead:
    """Rename or re-describe in place; new fields or sections make a new version (checked as on create)."""
    tpl, current = await get_version(session=session, ws_id=ws_id, template_id=template_id)
    fields = body.fields if body.fields is not None else [TemplateFieldDef.model_validate(f) for f in current.fields]
    sections = body.sections if body.sections is not None else [TemplateSectionDef.model_validate(s) for s in current.sections]
    if body.name is not None:
        tpl.name = body.name.strip()
    if body.description is not None:
        tpl.description = body.description
    version = current
    new_fields, new_sections = [f.model_dump() for f in fields], [s.model_dump() for s in sections]
    if new_fields != current.fields or new_sections != current.sections:
        check_definition(fields, sections)
        if current.layout is not None:  # the layout must still name only what exists
            layouts.check(current.layout_kind or "docx", current.layout, _layout_names(new_fields, new_sections))
        version = await _new_version(session, tpl, current, user_id, body.note or "수정",
                                     fields=new_fields, sections=new_sections)
    tpl.updated_at = datetime.now(UTC)
    await session.commit()
    return to_read(tpl, version)


async def delete_template(*, session: AsyncSession, ws_id: uuid.UUID, template_id: uuid.UUID) -> None:
    """Delete a template and its versions; documents made from it stay (without the layout)."""
    tpl, _ = await get_version(session=session, ws_id=ws_id, template_id=template_id)
    await session.delete(tpl)
    await session.commit()


async def set_layout(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID | None, template_id: uuid.UUID,
                     filename: str, data: bytes | None) -> TemplateRead:
    """Attach a checked .docx/.hwpx layout (or remove it with data None) as a new version."""
    tpl, current = await get_version(session=session, ws_id=ws_id, template_id=template_id)
    if data is None:
        if current.layout is None:
            return to_read(tpl, current)
        version = await _new_version(session, tpl, current, user_id, "레이아웃 제거",
                                     layout_kind=None, layout_filename=None, layout=None)
    else:
        kind = layouts.kind_of(filename)
        layouts.check(kind, data, _layout_names(current.fields, current.sections))
        version = await _new_version(session, tpl, current, user_id, f"레이아웃 {filename[:200]}",
                                     layout_kind=kind, layout_filename=filename[:255], layout=data)
    await session.commit()
    return to_read(tpl, version)
