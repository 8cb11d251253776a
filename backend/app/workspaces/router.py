import uuid

from fastapi import APIRouter, Response

from app.core.db import SessionDep
from app.core.deps import CurrentUser, CurrentWorkspace, EditorWorkspace
from app.core.errors import error_responses
from app.workspaces import invitations, service
from app.workspaces.schemas import (
    InvitationCreate,
    InvitationList,
    InvitationRead,
    InvitePreview,
    InviteToken,
    MemberList,
    MemberRead,
    MemberUpdate,
    MyInvitationList,
    WorkspaceCreate,
    WorkspaceList,
    WorkspaceRead,
    WorkspaceSettingsRead,
    WorkspaceSettingsUpdate,
    WorkspaceUpdate,
)

router = APIRouter(tags=["workspaces"])
scoped = APIRouter(tags=["workspaces"])  # mounted under /workspaces/{workspace_id}


@router.get("/workspaces", response_model=WorkspaceList)
async def list_workspaces(session: SessionDep, user: CurrentUser):
    """Workspaces the caller belongs to."""
    return WorkspaceList(items=await service.list_for_user(session=session, user=user))


@router.post("/workspaces", response_model=WorkspaceRead, status_code=201)
async def create_workspace(body: WorkspaceCreate, session: SessionDep, user: CurrentUser):
    """Create a workspace owned by the caller."""
    ws = await service.create(session=session, owner=user, name=body.name)
    return WorkspaceRead(id=ws.id, name=ws.name, slug=ws.slug, role="owner", created_at=ws.created_at)


@scoped.get("", response_model=WorkspaceRead)
async def get_workspace(ws: CurrentWorkspace):
    """One workspace."""
    w = ws.workspace
    return WorkspaceRead(id=w.id, name=w.name, slug=w.slug, role=ws.role, created_at=w.created_at)


@scoped.patch("", response_model=WorkspaceRead)
async def rename_workspace(body: WorkspaceUpdate, ws: CurrentWorkspace, session: SessionDep):
    """Rename a workspace (owners)."""
    ws.require_owner()
    w = await service.rename(session=session, ws=ws.workspace, name=body.name)
    return WorkspaceRead(id=w.id, name=w.name, slug=w.slug, role=ws.role, created_at=w.created_at)


@scoped.delete("", status_code=204)
async def delete_workspace(ws: CurrentWorkspace, session: SessionDep):
    """Delete a workspace and all it holds (owners)."""
    ws.require_owner()
    await service.delete(session=session, ws=ws.workspace)
    return Response(status_code=204)


@scoped.get("/members", response_model=MemberList)
async def list_members(ws: CurrentWorkspace, session: SessionDep):
    """Members of the workspace."""
    return MemberList(items=await service.list_members(session=session, ws_id=ws.id))


@scoped.post("/invitations", response_model=InvitationRead, status_code=202)
async def invite(body: InvitationCreate, ws: CurrentWorkspace, session: SessionDep):
    """Invite an email to join (owners); the reply is the same whether or not the email is registered."""
    ws.require_owner()
    return await invitations.invite(session=session, ws_id=ws.id, inviter=ws.user, email=body.email,
                                    role=body.role)


@scoped.get("/invitations", response_model=InvitationList)
async def list_invitations(ws: CurrentWorkspace, session: SessionDep):
    """Invitations waiting to be answered (owners)."""
    ws.require_owner()
    return InvitationList(items=await invitations.list_for_workspace(session=session, ws_id=ws.id))


@scoped.delete("/invitations/{invitation_id}", status_code=204)
async def revoke_invitation(invitation_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep):
    """Withdraw an invitation (owners)."""
    ws.require_owner()
    await invitations.revoke(session=session, ws_id=ws.id, invitation_id=invitation_id, actor_id=ws.user.id)
    return Response(status_code=204)


@router.get("/invitations", response_model=MyInvitationList)
async def my_invitations(session: SessionDep, user: CurrentUser):
    """Invitations waiting for the caller's email."""
    return MyInvitationList(items=await invitations.list_for_user(session=session, user=user))


@router.post("/invitations/preview", response_model=InvitePreview, responses=error_responses(404))
async def preview_invite(body: InviteToken, session: SessionDep):
    """Where an invite link leads (no login needed: the token is the secret)."""
    return await invitations.preview(session=session, token=body.token)


@router.post("/invitations/redeem", response_model=WorkspaceRead, responses=error_responses(404))
async def redeem_invite(body: InviteToken, session: SessionDep, user: CurrentUser):
    """Join through an invite link as the registered user it was sent to."""
    return await invitations.redeem(session=session, user=user, token=body.token)


@router.post("/invitations/{invitation_id}/accept", response_model=WorkspaceRead, responses=error_responses(404, 409))
async def accept_invitation(invitation_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    """Accept an invitation: the caller joins the workspace with the invited role."""
    return await invitations.accept(session=session, user=user, invitation_id=invitation_id)


@router.post("/invitations/{invitation_id}/decline", status_code=204, responses=error_responses(404))
async def decline_invitation(invitation_id: uuid.UUID, session: SessionDep, user: CurrentUser):
    """Decline an invitation."""
    await invitations.decline(session=session, user=user, invitation_id=invitation_id)
    return Response(status_code=204)


@scoped.patch("/members/{user_id}", response_model=MemberRead)
async def change_role(user_id: uuid.UUID, body: MemberUpdate, ws: CurrentWorkspace, session: SessionDep):
    """Change a member's role (owners)."""
    ws.require_owner()
    return await service.change_role(session=session, ws_id=ws.id, user_id=user_id, role=body.role,
                                    actor_id=ws.user.id)


@scoped.delete("/members/{user_id}", status_code=204)
async def remove_member(user_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep):
    """Remove a member (owners)."""
    ws.require_owner()
    await service.remove_member(session=session, ws_id=ws.id, user_id=user_id, actor_id=ws.user.id)
    return Response(status_code=204)


@scoped.get("/settings", response_model=WorkspaceSettingsRead)
async def get_settings(ws: CurrentWorkspace, session: SessionDep):
    """The workspace's settings."""
    return await service.load_settings(session=session, ws_id=ws.id)


@scoped.patch("/settings", response_model=WorkspaceSettingsRead)
async def update_settings(body: WorkspaceSettingsUpdate, ws: EditorWorkspace, session: SessionDep):
    """Update settings (owners and editors); a new embedding model re-embeds the knowledge in a job."""
    new, embedding_changed = await service.update_settings(session=session, ws_id=ws.id, patch=body,
                                                           actor_id=ws.user.id)
    if embedding_changed:
        from app.knowledge.jobs import enqueue_reembed

        await enqueue_reembed(session=session, ws_id=ws.id, user_id=ws.user.id)
    return new
