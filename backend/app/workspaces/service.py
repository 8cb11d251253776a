"""Workspaces, members and settings."""

import re
import uuid

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin import audit
from app.core.errors import AppError, Conflict, NotFound
from app.llm import catalogue
from app.models import Membership, User, Workspace, WorkspaceSettings
from app.workspaces.schemas import (
    MemberRead,
    ProfileSettings,
    QASettings,
    RetrievalSettings,
    WorkspaceRead,
    WorkspaceSettingsRead,
    WorkspaceSettingsUpdate,
)


def _slugify(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "ws"
    return f"{base}-{uuid.uuid4().hex[:8]}"


async def list_for_user(*, session: AsyncSession, user: User) -> list[WorkspaceRead]:
    """Workspaces the user belongs to, with their role."""
    rows = await session.execute(
        select(Workspace, Membership.role).join(Membership, Membership.workspace_id == Workspace.id)
        .where(Membership.user_id == user.id).order_by(Workspace.created_at)
    )
    return [WorkspaceRead(id=w.id, name=w.name, slug=w.slug, role=r, created_at=w.created_at) for w, r in rows]


async def create(*, session: AsyncSession, owner: User, name: str, commit: bool = True) -> Workspace:
    """Create a workspace with default settings; the creator becomes its owner."""
    ws = Workspace(name=name.strip(), slug=_slugify(name))
    session.add(ws)
    await session.flush()
    session.add_all([
        Membership(workspace_id=ws.id, user_id=owner.id, role="owner"),
        WorkspaceSettings(workspace_id=ws.id, profile=ProfileSettings().model_dump(), qa=QASettings().model_dump(),
                          retrieval=RetrievalSettings().model_dump()),
    ])
    if commit:
        await session.commit()
    return ws


async def rename(*, session: AsyncSession, ws: Workspace, name: str) -> Workspace:
    """Rename a workspace."""
    ws.name = name.strip()
    await session.commit()
    return ws


async def delete(*, session: AsyncSession, ws: Workspace) -> None:
    """Delete a workspace and everything in it."""
    await session.delete(ws)
    await session.commit()


async def list_members(*, session: AsyncSession, ws_id: uuid.UUID) -> list[MemberRead]:
    """Members of a workspace."""
    rows = await session.execute(
        select(User, Membership.role).join(Membership, Membership.user_id == User.id)
        .where(Membership.workspace_id == ws_id).order_by(Membership.created_at)
    )
    return [MemberRead(user_id=u.id, email=u.email, name=u.name, role=r) for u, r in rows]


async def _membership(session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID) -> Membership:
    m = await session.get(Membership, (ws_id, user_id))
    if m is None:
        raise NotFound("Member not found.")
    return m


async def _owners(session: AsyncSession, ws_id: uuid.UUID) -> int:
    return await session.scalar(select(func.count()).select_from(Membership)
                                .where(Membership.workspace_id == ws_id, Membership.role == "owner"))


async def change_role(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID, role: str,
                      actor_id: uuid.UUID | None = None) -> MemberRead:
    """Change a member's role, keeping at least one owner."""
    m = await _membership(session, ws_id, user_id)
    if m.role == "owner" and role != "owner" and await _owners(session, ws_id) <= 1:
        raise Conflict("A workspace needs at least one owner.", code="last_owner")
    audit.record(session, actor_id=actor_id, action="member.role", workspace_id=ws_id, target_type="user",
                 target_id=user_id, detail={"from": m.role, "to": role})
    m.role = role
    await session.commit()
    user = await session.get(User, user_id)
    return MemberRead(user_id=user.id, email=user.email, name=user.name, role=role)


async def remove_member(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID,
                        actor_id: uuid.UUID | None = None) -> None:
    """Remove a member, keeping at least one owner."""
    m = await _membership(session, ws_id, user_id)
    if m.role == "owner" and await _owners(session, ws_id) <= 1:
        raise Conflict("A workspace needs at least one owner.", code="last_owner")
    audit.record(session, actor_id=actor_id, action="member.remove", workspace_id=ws_id, target_type="user",
                 target_id=user_id, detail={"role": m.role})
    await session.delete(m)
    await session.commit()


async def get_settings_row(session: AsyncSession, ws_id: uuid.UUID) -> WorkspaceSettings:
    row = await session.get(WorkspaceSettings, ws_id)
    if row is None:  # created with the workspace; kept robust for hand-made rows
        row = WorkspaceSettings(workspace_id=ws_id, profile={}, qa={}, retrieval={})
        session.add(row)
    return row


def read_settings(row: WorkspaceSettings) -> WorkspaceSettingsRead:
    """Stored settings merged over defaults."""
    return WorkspaceSettingsRead(profile=ProfileSettings(**row.profile), qa=QASettings(**row.qa),
                                 retrieval=RetrievalSettings(**row.retrieval))


async def load_settings(*, session: AsyncSession, ws_id: uuid.UUID) -> WorkspaceSettingsRead:
    """A workspace's effective settings."""
    return read_settings(await get_settings_row(session, ws_id))


def _invalid(message: str) -> AppError:
    return AppError(message, code="validation_error", status_code=422)


def _validate_models(new: WorkspaceSettingsRead) -> None:
    """Check the chosen providers and models against the model catalogue."""
    qa, retrieval = new.qa, new.retrieval
    if qa.chat_provider != "auto" and catalogue.provider("chat", qa.chat_provider) is None:
        known = ", ".join(["auto", *sorted(p.name for p in catalogue.providers("chat"))])
        raise _invalid(f"qa.chat_provider: unknown chat provider '{qa.chat_provider}'; known: {known}")
    if qa.chat_model and qa.chat_provider == "auto":
        raise _invalid("qa.chat_model: choose a chat_provider to choose a model (auto follows the server).")
    if qa.chat_model and catalogue.find_model("chat", qa.chat_provider, qa.chat_model) is None:
        raise _invalid(f"qa.chat_model: unknown chat model '{qa.chat_model}' for provider {qa.chat_provider}; "
                       f"known: {_known('chat', qa.chat_provider)}")
    if catalogue.provider("embedding", retrieval.embedding_provider) is None:
        known = ", ".join(sorted(p.name for p in catalogue.providers("embedding")))
        raise _invalid(f"retrieval.embedding_provider: unknown embedding provider "
                       f"'{retrieval.embedding_provider}'; known: {known}")
    spec = catalogue.find_model("embedding", retrieval.embedding_provider, retrieval.embedding_model)
    if spec is None or not catalogue.selectable(spec):
        raise _invalid(f"retrieval.embedding_model: unknown embedding model '{retrieval.embedding_model}' for "
                       f"provider {retrieval.embedding_provider}; "
                       f"known: {_known('embedding', retrieval.embedding_provider)}")


def _known(kind: catalogue.Kind, provider: str) -> str:
    names = sorted(s.name for s in catalogue.list_models(kind=kind) if s.provider == provider and catalogue.selectable(s))
    return ", ".join(names) or "none"


async def update_settings(*, session: AsyncSession, ws_id: uuid.UUID, patch: WorkspaceSettingsUpdate,
                          actor_id: uuid.UUID | None = None) -> tuple[WorkspaceSettingsRead, bool]:
    """Apply a partial update; return the new settings and whether the embedding model changed."""
    row = await get_settings_row(session, ws_id)
    current = read_settings(row)
    try:
        new = WorkspaceSettingsRead(
            profile=ProfileSettings(**(current.profile.model_dump() | (patch.profile or {}))),
            qa=QASettings(**(current.qa.model_dump() | (patch.qa or {}))),
            retrieval=RetrievalSettings(**(current.retrieval.model_dump() | (patch.retrieval or {}))),
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise AppError(f"{loc}: {err['msg']}" if loc else err["msg"], code="validation_error",
                       status_code=422) from None
    _validate_models(new)
    embedding_changed = (new.retrieval.embedding_provider, new.retrieval.embedding_model) != (
        current.retrieval.embedding_provider, current.retrieval.embedding_model)
    row.profile, row.qa, row.retrieval = (new.profile.model_dump(), new.qa.model_dump(),
                                          new.retrieval.model_dump())
    audit.record(session, actor_id=actor_id, action="settings.update", workspace_id=ws_id, target_type="workspace",
                 target_id=ws_id, detail=patch.model_dump(exclude_none=True))
    await session.commit()
    return new, embedding_changed
