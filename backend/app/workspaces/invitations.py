"""Invitations: an owner invites an email, the person it belongs to accepts or declines.

Inviting never looks the email up among users, so neither the reply nor its timing says whether the
email is registered; the invitation waits for whoever signs in with that email.
"""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin import audit
from app.core.errors import Conflict, NotFound
from app.models import Membership, User, Workspace, WorkspaceInvitation
from app.workspaces.schemas import InvitationRead, MyInvitationRead, WorkspaceRead

VALID_FOR = timedelta(days=14)
MAX_PENDING = 100  # per workspace: an owner cannot flood strangers' invitation lists


def _normal(email: str) -> str:
    return email.strip().lower()


async def invite(*, session: AsyncSession, ws_id: uuid.UUID, inviter: User, email: str, role: str
                 ) -> InvitationRead:
    """Invite an email (again: the role and expiry are renewed); members are already in the list."""
    email = _normal(email)
    # Members are visible to owners anyway, so saying so reveals nothing new.
    already = await session.scalar(
        select(func.count()).select_from(Membership).join(User, User.id == Membership.user_id)
        .where(Membership.workspace_id == ws_id, User.email == email))
    if already:
        raise Conflict("That person is already a member.")
    pending = await session.scalar(select(func.count()).select_from(WorkspaceInvitation)
                                   .where(WorkspaceInvitation.workspace_id == ws_id,
                                          WorkspaceInvitation.email != email))
    if pending >= MAX_PENDING:
        raise Conflict(f"At most {MAX_PENDING} invitations may wait at once; revoke some first.",
                       code="too_many_invitations")
    now = datetime.now(UTC)
    stmt = insert(WorkspaceInvitation).values(
        id=uuid.uuid4(), workspace_id=ws_id, email=email, role=role, invited_by=inviter.id,
        created_at=now, expires_at=now + VALID_FOR)
    stmt = stmt.on_conflict_do_update(
        constraint="uq_invitation_workspace_email",
        set_={"role": role, "invited_by": inviter.id, "created_at": now, "expires_at": now + VALID_FOR},
    ).returning(WorkspaceInvitation)
    row = (await session.execute(stmt)).scalar_one()
    audit.record(session, actor_id=inviter.id, action="invitation.create", workspace_id=ws_id,
                 target_type="invitation", target_id=row.id, detail={"email": email, "role": role})
    await session.commit()
    return InvitationRead.model_validate(row)


async def list_for_workspace(*, session: AsyncSession, ws_id: uuid.UUID) -> list[InvitationRead]:
    """A workspace's waiting invitations, expired ones included (they can be sent again)."""
    rows = await session.scalars(select(WorkspaceInvitation).where(WorkspaceInvitation.workspace_id == ws_id)
                                 .order_by(WorkspaceInvitation.created_at))
    return [InvitationRead.model_validate(r) for r in rows]


async def revoke(*, session: AsyncSession, ws_id: uuid.UUID, invitation_id: uuid.UUID,
                 actor_id: uuid.UUID | None = None) -> None:
    """Withdraw an invitation of this workspace."""
    done = await session.execute(delete(WorkspaceInvitation).where(
        WorkspaceInvitation.workspace_id == ws_id, WorkspaceInvitation.id == invitation_id))
    if not done.rowcount:
        raise NotFound("Invitation not found.")
    audit.record(session, actor_id=actor_id, action="invitation.revoke", workspace_id=ws_id,
                 target_type="invitation", target_id=invitation_id)
    await session.commit()


async def list_for_user(*, session: AsyncSession, user: User) -> list[MyInvitationRead]:
    """Invitations waiting for the user's email that have not expired."""
    rows = await session.execute(
        select(WorkspaceInvitation, Workspace.name, func.coalesce(func.nullif(User.name, ""), User.email))
        .join(Workspace, Workspace.id == WorkspaceInvitation.workspace_id)
        .outerjoin(User, User.id == WorkspaceInvitation.invited_by)
        .where(WorkspaceInvitation.email == _normal(user.email), WorkspaceInvitation.expires_at > func.now())
        .order_by(WorkspaceInvitation.created_at))
    return [MyInvitationRead(id=i.id, workspace_id=i.workspace_id, workspace_name=name, role=i.role,
                             invited_by=by, created_at=i.created_at, expires_at=i.expires_at)
            for i, name, by in rows]


async def _mine(session: AsyncSession, user: User, invitation_id: uuid.UUID) -> WorkspaceInvitation:
    """The user's own live invitation, or 404 (someone else's looks exactly like one that does not exist)."""
    inv = await session.scalar(select(WorkspaceInvitation).where(
        WorkspaceInvitation.id == invitation_id, WorkspaceInvitation.email == _normal(user.email),
        WorkspaceInvitation.expires_at > func.now()).with_for_update())
    if inv is None:
        raise NotFound("Invitation not found.")
    return inv


async def accept(*, session: AsyncSession, user: User, invitation_id: uuid.UUID) -> WorkspaceRead:
    """Join the workspace with the invited role; the invitation is used up."""
    inv = await _mine(session, user, invitation_id)
    ws_id, role = inv.workspace_id, inv.role
    membership = await session.get(Membership, (ws_id, user.id))
    if membership is None:  # already a member (joined another way): keep the role they have
        membership = Membership(workspace_id=ws_id, user_id=user.id, role=role)
        session.add(membership)
    await session.delete(inv)
    await session.commit()
    ws = await session.get(Workspace, ws_id)
    return WorkspaceRead(id=ws.id, name=ws.name, slug=ws.slug, role=membership.role, created_at=ws.created_at)


async def decline(*, session: AsyncSession, user: User, invitation_id: uuid.UUID) -> None:
    """Turn an invitation down; the workspace may invite again."""
    await session.delete(await _mine(session, user, invitation_id))
    await session.commit()
