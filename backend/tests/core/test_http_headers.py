"""Security headers on the SPA and the API, and 405 replies that name the allowed methods."""

import re

import pytest

from app.core.config import get_settings
from app.core.headers import SPA_CSP
from tests.conftest import ROOT

COMMON = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "no-referrer"}


@pytest.mark.parametrize("path", ["/", "/chat/anything", "/api/v1/models", "/api/v1/nope", "/healthz",
                                  "/api/v1/docs"])
async def test_every_reply_carries_the_security_headers(client, path):
    r = await client.get(path)
    for name, value in COMMON.items():
        assert r.headers.get(name) == value, (path, name, r.headers)
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    if not path.startswith(("/api/", "/healthz")):
        assert csp == SPA_CSP
    elif path != "/api/v1/docs":
        assert csp.startswith("default-src 'none'")


async def test_too_large_and_validation_replies_carry_them_too(client):
    r = await client.post("/api/v1/auth/login", content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                          headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"] == "payload_too_large"
    assert r.headers["x-frame-options"] == "DENY"
    r = await client.post("/api/v1/auth/login", json={})
    assert r.status_code == 422 and r.headers["x-content-type-options"] == "nosniff"


def test_the_built_spa_needs_nothing_the_policy_forbids():
    index = ROOT / get_settings().frontend_dist / "index.html"
    if not index.is_file():
        pytest.skip("the SPA is not built (make build)")
    html = index.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script needs 'unsafe-inline' or a hash"
    assert "<style" not in html and " style=" not in html, "inline styles need style-src 'unsafe-inline'"
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith(("/", "data:")), f"{url} is not same-origin: extend SPA_CSP"
    for asset in (index.parent / "assets").glob("*.css"):
        for url in re.findall(r"url\(([^)]*)\)", asset.read_text(encoding="utf-8")):
            assert not url.strip("'\"").startswith(("http:", "https:", "//")), f"{asset.name}: {url}"


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("PUT", "/api/v1/workspaces", "GET, HEAD, POST"),
    ("POST", "/api/v1/users/me", "GET, HEAD"),
    ("PUT", "/api/v1/workspaces/00000000-0000-0000-0000-000000000000/knowledge/00000000-0000-0000-0000-000000000000",
     "DELETE, GET, HEAD, PATCH"),
    ("DELETE", "/api/v1/auth/login", "POST"),
])
async def test_405_names_the_allowed_methods(client, method, path, allow):
    r = await client.request(method, path)
    assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"
    assert r.headers["allow"] == allow
