"""Security headers on every response: the SPA's content policy, no framing, no referrer, no sniffing."""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The built SPA (frontend/dist) loads one module script and one stylesheet from /assets and sets styles only
# through the DOM (React's style prop), so nothing inline is needed; its icon is a data: URL. Keep infra/nginx.conf
# in step: nginx serves the same files in the compose stack.
SPA_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
           "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# Swagger UI (/api/v1/docs) is FastAPI's page: its script and styles come from jsDelivr, its set-up is inline.
DOCS_CSP = ("default-src 'none'; script-src https://cdn.jsdelivr.net 'unsafe-inline'; "
            "style-src https://cdn.jsdelivr.net; img-src https://fastapi.tiangolo.com data:; connect-src 'self'; "
            "frame-ancestors 'none'")
COMMON = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}


def policy_for(path: str) -> str:
    """The Content-Security-Policy of a response to `path`."""
    if path.startswith("/api/v1/docs"):
        return DOCS_CSP
    if path.startswith(("/api/", "/healthz", "/readyz")):
        return API_CSP
    return SPA_CSP


class SecurityHeadersMiddleware:
    """Add the security headers to every HTTP response, errors included."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        csp = policy_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", csp)
            await send(message)

        await self.app(scope, receive, send_with_headers)
