"""Request dependencies: the caller (`CurrentUser`), their workspace role (`CurrentWorkspace`), admins."""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select

from app.core.db import SessionDep
from app.core.errors import Forbidden, NotFound, Unauthorized
from app.core.security import decode_access_token
from app.models import Membership, User, Workspace

_bearer = HTTPBearer(auto_error=False)


async def current_user(
    session: SessionDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """Resolve the bearer token to an active user or answer 401."""
    if creds is None or creds.scheme.lower() != "bearer":
        raise Unauthorized("Missing bearer token.")
    user = await session.get(User, decode_access_token(creds.credentials))
    if user is None or not user.is_active:
        raise Unauthorized("User is disabled or gone.", code="invalid_token")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def admin_user(user: CurrentUser) -> User:
    """Require a platform admin."""
    if not user.is_admin:
        raise Forbidden("Platform admins only.")
    return user


AdminUser = Annotated[User, Depends(admin_user)]


@dataclass
class WorkspaceAccess:
    """A workspace together with the caller's role in it."""

    workspace: Workspace
    role: str
    user: User

    @property
    def id(self) -> uuid.UUID:
        return self.workspace.id

    @property
    def can_edit(self) -> bool:
        return self.role in ("owner", "editor")

    def require_editor(self) -> None:
        """Owners and editors only."""
        if not self.can_edit:
            raise Forbidden("Only workspace owners and editors can do this.")

    def require_owner(self) -> None:
        """Owners only."""
        if self.role != "owner":
            raise Forbidden("Only workspace owners can do this.")


async def current_workspace(
    session: SessionDep, user: CurrentUser, workspace_id: Annotated[uuid.UUID, Path()]
) -> WorkspaceAccess:
    """Load the workspace if the caller is a member; otherwise 404 (never reveal it exists)."""
    row = (await session.execute(
        select(Workspace, Membership.role)
        .join(Membership, Membership.workspace_id == Workspace.id)
        .where(Workspace.id == workspace_id, Membership.user_id == user.id)
    )).first()
    if row is None:
        raise NotFound("Workspace not found.")
    return WorkspaceAccess(workspace=row[0], role=row[1], user=user)


CurrentWorkspace = Annotated[WorkspaceAccess, Depends(current_workspace)]


async def editor_workspace(ws: CurrentWorkspace) -> WorkspaceAccess:
    """A workspace the caller may change (owner or editor)."""
    ws.require_editor()
    return ws


EditorWorkspace = Annotated[WorkspaceAccess, Depends(editor_workspace)]
