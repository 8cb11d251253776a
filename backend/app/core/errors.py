"""One error envelope for every 4xx/5xx: {"error": code, "message": text}."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

_DEFAULT_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_error",
    429: "rate_limited", 500: "internal_error", 503: "unavailable",
}


class ErrorRead(BaseModel):
    """The error envelope every 4xx/5xx reply carries (503 overloaded adds retry_after)."""

    model_config = ConfigDict(extra="allow")
    error: str
    message: str


_DESCRIPTIONS = {
    400: "Bad request", 401: "Not logged in, or the token is invalid or expired", 403: "The role does not allow it",
    404: "No such resource in this workspace (also for workspaces the caller is not a member of)",
    409: "Conflicts with the current state", 413: "The request body is too large",
    415: "Unsupported file type", 422: "The request failed validation", 429: "Too many attempts; try later",
    502: "The language model failed", 503: "Overloaded; retry after Retry-After seconds",
}


def error_responses(*statuses: int) -> dict[int | str, dict]:
    """OpenAPI `responses=` documenting the error envelope for each status."""
    return {s: {"model": ErrorRead, "description": _DESCRIPTIONS[s]} for s in statuses}


class AppError(Exception):
    """An error the API reports to the client as-is."""

    status_code = 400
    code = "bad_request"
    headers: dict | None = None  # extra response headers (Retry-After, WWW-Authenticate)
    extra: dict | None = None  # extra envelope fields beside error and message

    def __init__(self, message: str, *, code: str | None = None, status_code: int | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status_code:
            self.status_code = status_code

    def come_back_in(self, seconds: int) -> "AppError":
        """Say when to come back: the Retry-After header and `retry_after` in the envelope (at least 1 s)."""
        seconds = max(1, int(seconds))
        self.headers, self.extra = {"Retry-After": str(seconds)}, {"retry_after": seconds}
        return self


class NotFound(AppError):
    status_code, code = 404, "not_found"


class Forbidden(AppError):
    status_code, code = 403, "forbidden"


class Unauthorized(AppError):
    status_code, code = 401, "unauthorized"


class Conflict(AppError):
    status_code, code = 409, "conflict"


class RateLimited(AppError):
    status_code, code = 429, "rate_limited"


def envelope(status: int, code: str, message: str, headers: dict | None = None,
             extra: dict | None = None) -> JSONResponse:
    """Build the standard error response."""
    # A message may quote the client's input (a field name); a lone surrogate in it cannot be encoded as UTF-8.
    message = message.encode("utf-8", "backslashreplace").decode("utf-8")
    return JSONResponse({"error": code, "message": message} | (extra or {}), status_code=status, headers=headers)


def _describe(err: dict) -> str:
    loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
    return f"{loc}: {err.get('msg', 'invalid')}" if loc else err.get("msg", "invalid")


def install_error_handlers(app: FastAPI) -> None:
    """Route every error through the envelope."""

    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError):
        headers = ({"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else {}) | (exc.headers or {})
        return envelope(exc.status_code, exc.code, exc.message, headers or None, exc.extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException):
        code = _DEFAULT_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code
        return envelope(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError):
        return envelope(422, "validation_error", "; ".join(_describe(e) for e in exc.errors()[:5]))

    @app.exception_handler(PoolTimeout)
    async def _pool_timeout(_: Request, exc: PoolTimeout):
        # Every pooled connection stayed busy for the pool's whole timeout: overloaded, not broken.
        log.warning("database pool exhausted: %s", exc)
        return envelope(503, "overloaded", "The service is busy; try again shortly.", {"Retry-After": "2"},
                        {"retry_after": 2})

    @app.exception_handler(Exception)
    async def _unhandled(_: Request, exc: Exception):
        log.exception("unhandled error", exc_info=exc)
        return envelope(500, "internal_error", "Something went wrong on our side.")


class UnhandledErrorMiddleware:
    """Answer an exception no handler took with the 500 envelope, and keep the connection open.

    Starlette's outermost error middleware sends its 500 and then re-raises, and uvicorn answers a re-raise after
    a reply by closing the socket: a keep-alive client saw its connection reset after a 500.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:
            if started:  # half a reply is out; only closing the connection can tell the client
                raise
            log.exception("unhandled error", exc_info=exc)
            await envelope(500, "internal_error", "Something went wrong on our side.")(scope, receive, send)

