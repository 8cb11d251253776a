"""Invitations: an owner invites an email, the person it belongs to accepts or declines.

Inviting never looks the email up among users, so neither the reply nor its timing says whether the
email is registered; the invitation waits for whoever signs in with that email.

No mail server is assumed, so each invitation also has an invite link: a random token, kept hashed, shown once to
the inviter, who passes it on. Whoever holds it sees the workspace and the email it is for, and signs up with that
email (`signup`) or, already registered with it, joins (`redeem`). The link is as good as the invitation: an
inviter who keeps it could sign up in the invitee's name, and would learn (409) that the email has an account.
"""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin import audit
from app.auth.schemas import TokenPair
from app.core.errors import Conflict, NotFound
from app.core.security import hash_password, hash_refresh_token, new_refresh_token
from app.models import Membership, User, Workspace, WorkspaceInvitation
from app.workspaces.schemas import InvitationRead, InvitePreview, MyInvitationRead, WorkspaceRead

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
    token, token_hash = new_refresh_token()  # a fresh link each time: sending again retires the old one
    stmt = insert(WorkspaceInvitation).values(
        id=uuid.uuid4(), workspace_id=ws_id, email=email, role=role, invited_by=inviter.id,
        created_at=now, expires_at=now + VALID_FOR, token_hash=token_hash)
    stmt = stmt.on_conflict_do_update(
        constraint="uq_invitation_workspace_email",
        set_={"role": role, "invited_by": inviter.id, "created_at": now, "expires_at": now + VALID_FOR,
              "token_hash": token_hash},
    ).returning(WorkspaceInvitation)
    row = (await session.execute(stmt)).scalar_one()
    audit.record(session, actor_id=inviter.id, action="invitation.create", workspace_id=ws_id,
                 target_type="invitation", target_id=row.id, detail={"email": email, "role": role})
    await session.commit()
    return InvitationRead.model_validate(row).model_copy(update={"token": token, "invite_path": f"/invite#{token}"})


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


# ---- invite links ----------------------------------------------------------------------------------------

async def _by_token(session: AsyncSession, token: str, *, lock: bool = False) -> WorkspaceInvitation:
    """The live invitation of an invite link, or 404 (unknown, expired, used and revoked links look alike)."""
    stmt = select(WorkspaceInvitation).where(WorkspaceInvitation.token_hash == hash_refresh_token(token),
                                             WorkspaceInvitation.expires_at > func.now())
    inv = await session.scalar(stmt.with_for_update() if lock else stmt)
    if inv is None:
        raise NotFound("This invite link is not valid: it expired, was used or was withdrawn.",
                       code="invite_invalid")
    return inv


async def preview(*, session: AsyncSession, token: str) -> InvitePreview:
    """Where an invite link leads, for the sign-up page."""
    inv = await _by_token(session, token)
    ws = await session.get(Workspace, inv.workspace_id)
    return InvitePreview(workspace_name=ws.name, email=inv.email, role=inv.role, expires_at=inv.expires_at)


async def _join(session: AsyncSession, inv: WorkspaceInvitation, user: User) -> Membership:
    membership = await session.get(Membership, (inv.workspace_id, user.id))
    if membership is None:
        membership = Membership(workspace_id=inv.workspace_id, user_id=user.id, role=inv.role)
        session.add(membership)
    audit.record(session, actor_id=user.id, action="invitation.accept", workspace_id=inv.workspace_id,
                 target_type="invitation", target_id=inv.id, detail={"email": inv.email, "via": "link"})
    await session.delete(inv)
    return membership


async def signup(*, session: AsyncSession, token: str, name: str, password: str) -> TokenPair:
    """Create the account the invite link is for, join its workspace, and log in."""
    from app.auth.service import issue_tokens

    inv = await _by_token(session, token, lock=True)
    if await session.scalar(select(User.id).where(User.email == inv.email)) is not None:
        raise Conflict("This email already has an account: log in, then open the link again to join.",
                       code="email_registered")
    user = User(email=inv.email, name=name.strip(), password_hash=await hash_password(password))
    session.add(user)
    await session.flush()
    audit.record(session, actor_id=user.id, action="user.signup", workspace_id=inv.workspace_id,
                 target_type="user", target_id=user.id, detail={"email": inv.email, "via": "invite"})
    await _join(session, inv, user)
    pair = await issue_tokens(session, user.id)
    await session.commit()
    return pair


async def redeem(*, session: AsyncSession, user: User, token: str) -> WorkspaceRead:
    """Join through an invite link as the registered user it is for (another account's link is a 404)."""
    inv = await _by_token(session, token, lock=True)
    if inv.email != _normal(user.email):
        raise NotFound("This invite link is not valid: it expired, was used or was withdrawn.",
                       code="invite_invalid")
    ws_id = inv.workspace_id
    membership = await _join(session, inv, user)
    await session.commit()
    ws = await session.get(Workspace, ws_id)
    return WorkspaceRead(id=ws.id, name=ws.name, slug=ws.slug, role=membership.role, created_at=ws.created_at)
