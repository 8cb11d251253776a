"""Request body limits, enforced while the body arrives."""

import re

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import envelope

MB = 1024 * 1024
REQUEST_BODY_MAX = MB  # JSON bodies: the longest field (an answer) is 20,000 characters
_UPLOAD_PATH = re.compile(r"/api/v1/workspaces/[^/]+/knowledge/import")


def upload_body_max(upload_max_mb: int) -> int:
    """Largest body of a knowledge upload: the file plus multipart framing."""
    return upload_max_mb * MB + 64 * 1024


class BodyLimitMiddleware:
    """Answer 413 once a request body passes its limit, without reading the rest of it.

    A Content-Length past the limit is refused before anything is read; a body without one (chunked) is counted
    as it arrives. Starlette used to spool a 200 MB multipart upload to disk before the handler could say no.
    """

    def __init__(self, app: ASGIApp, *, upload_max_mb: int):
        self.app, self.upload_max = app, upload_body_max(upload_max_mb)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.upload_max if _UPLOAD_PATH.fullmatch(scope["path"]) else REQUEST_BODY_MAX
        message = f"The request body is larger than {limit // MB} MB." if limit >= MB else "The body is too large."
        length = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if length is not None and length.isdigit() and int(length) > limit:
            return await envelope(413, "payload_too_large", message, {"Connection": "close"})(scope, receive, send)
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:  # the route's body reader re-raises an HTTPException as is: one 413 envelope
                    raise HTTPException(413, message, {"Connection": "close"})
            return msg

        await self.app(scope, counted, send)
