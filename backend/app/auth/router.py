from fastapi import APIRouter, Request, Response

from app.auth import service
from app.auth.schemas import LoginRequest, RefreshRequest, TokenPair, UserRead
from app.core.db import SessionDep
from app.core.deps import CurrentUser

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
