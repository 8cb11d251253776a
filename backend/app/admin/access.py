"""Who may see a workspace's dashboard, quota and review queue: its owners (editors too for the review queue) and
platform admins, who need not be members. Anyone else who is not a member gets 404, as everywhere."""

import uuid
from typing import Annotated

from fastapi import Depends, Path
from sqlalchemy import select

from app.core.db import SessionDep
from app.core.deps import CurrentUser, WorkspaceAccess
from app.core.errors import Forbidden, NotFound
from app.models import Membership, Workspace


async def _access(session, user, workspace_id: uuid.UUID, roles: tuple[str, ...]) -> WorkspaceAccess:
    row = (await session.execute(
        select(Workspace, Membership.role).outerjoin(
            Membership, (Membership.workspace_id == Workspace.id) & (Membership.user_id == user.id))
        .where(Workspace.id == workspace_id))).first()
    if row is None or (row[1] is None and not user.is_admin):
        raise NotFound("Workspace not found.")
    if not user.is_admin and row[1] not in roles:
        raise Forbidden("Only workspace owners and platform admins can see this.")
    return WorkspaceAccess(workspace=row[0], role=row[1] or "admin", user=user)


async def owner_or_admin(session: SessionDep, user: CurrentUser,
                         workspace_id: Annotated[uuid.UUID, Path()]) -> WorkspaceAccess:
    """The workspace for its owners and for platform admins."""
    return await _access(session, user, workspace_id, ("owner",))


async def editor_or_admin(session: SessionDep, user: CurrentUser,
                          workspace_id: Annotated[uuid.UUID, Path()]) -> WorkspaceAccess:
    """The workspace for its owners, its editors and platform admins."""
    return await _access(session, user, workspace_id, ("owner", "editor"))


OwnerOrAdmin = Annotated[WorkspaceAccess, Depends(owner_or_admin)]
EditorOrAdmin = Annotated[WorkspaceAccess, Depends(editor_or_admin)]
