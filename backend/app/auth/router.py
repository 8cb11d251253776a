from fastapi import APIRouter, Request, Response

from app.auth import service
from app.auth.schemas import LoginRequest, PasswordChange, PasswordResetRedeem, RefreshRequest, TokenPair, UserRead
from app.core.db import SessionDep
from app.core.deps import CurrentUser
from app.core.errors import error_responses
from app.users import service as users
from app.workspaces import invitations
from app.workspaces.schemas import InviteSignup

router = APIRouter(tags=["auth"])


@router.post("/auth/login", response_model=TokenPair)
async def login(body: LoginRequest, request: Request, session: SessionDep):
    """Exchange email and password for an access and a refresh token."""
    ip = request.client.host if request.client else "unknown"
    return await service.login(session=session, email=body.email, password=body.password, client_ip=ip)


@router.post("/auth/refresh", response_model=TokenPair)
async def refresh(body: RefreshRequest, session: SessionDep):
    """Rotate the refresh token and get a new access token."""
    return await service.refresh(session=session, refresh_token=body.refresh_token)


@router.post("/auth/logout", status_code=204)
async def logout(body: RefreshRequest, session: SessionDep):
    """Revoke the refresh token (and its family)."""
    await service.logout(session=session, refresh_token=body.refresh_token)
    return Response(status_code=204)


@router.get("/users/me", response_model=UserRead)
async def me(user: CurrentUser):
    """The current user."""
    return user


@router.post("/users/me/password", response_model=TokenPair, responses=error_responses(401))
async def change_password(body: PasswordChange, user: CurrentUser, session: SessionDep):
    """Change the caller's password (the current one is required): every refresh token is revoked and this
    session goes on with the new pair."""
    return await users.change_password(session=session, user=user, current=body.current_password,
                                       new=body.new_password)


@router.post("/auth/password-reset", status_code=204, responses=error_responses(404))
async def redeem_password_reset(body: PasswordResetRedeem, session: SessionDep):
    """Set a new password with the one-time token of an admin's reset link."""
    await users.redeem_reset(session=session, token=body.token, password=body.new_password)
    return Response(status_code=204)


@router.post("/auth/signup", response_model=TokenPair, status_code=201, responses=error_responses(404, 409))
async def signup(body: InviteSignup, session: SessionDep):
    """Sign up through an invite link: the account gets the invited email and joins the workspace."""
    return await invitations.signup(session=session, token=body.token, name=body.name, password=body.password)
