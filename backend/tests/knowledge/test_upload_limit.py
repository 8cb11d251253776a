"""The upload's size is enforced while its body arrives, not after it was read whole."""

from app.core.limits import REQUEST_BODY_MAX
from tests.conftest import make_actor, make_workspace

MB = 1024 * 1024


async def _post_stream(app, path: str, headers: dict, chunks: int, chunk: bytes, content_length: int | None):
    """Send a body of `chunks` pieces straight through ASGI; return (status, body, pieces the app read)."""
    sent, response = 0, {"status": None, "body": b""}
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    if content_length is not None:
        raw.append((b"content-length", str(content_length).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": raw,
             "client": ("127.0.0.1", 1234), "server": ("test", 80)}

    async def receive():
        nonlocal sent
        if sent >= chunks:
            return {"type": "http.disconnect"}
        sent += 1
        return {"type": "http.request", "body": chunk, "more_body": sent < chunks}

    async def send(message):
        if message["type"] == "http.response.start":
            response["status"] = message["status"]
        elif message["type"] == "http.response.body":
            response["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return response["status"], response["body"], sent


async def test_a_200_mb_upload_is_refused_after_about_20_mb(app, client):
    owner = await make_actor(client)
    ws = await make_workspace(client, owner)
    path = f"/api/v1/workspaces/{ws['id']}/knowledge/import"
    boundary = "sangdamboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"faq.json\"\r\n"
            "Content-Type: application/json\r\n\r\n").encode()
    headers = owner.headers | {"content-type": f"multipart/form-data; boundary={boundary}"}
    # Chunked (no Content-Length): counted as it arrives.
    status, body, read = await _post_stream(app, path, headers, 200, head + b" " * (MB - len(head)), None)
    assert status == 413 and b"payload_too_large" in body
    assert read <= 22, f"read {read} MB of a 200 MB upload before refusing it"
    # A Content-Length past the limit: refused before any of the body is read.
    status, body, read = await _post_stream(app, path, headers, 200, b" " * MB, 200 * MB)
    assert status == 413 and b"payload_too_large" in body and read == 0


async def test_json_bodies_are_limited_too(app, client):
    owner = await make_actor(client)
    ws = await make_workspace(client, owner)
    path = f"/api/v1/workspaces/{ws['id']}/knowledge"
    headers = owner.headers | {"content-type": "application/json"}
    status, body, read = await _post_stream(app, path, headers, 50, b" " * (64 * 1024), None)
    assert status == 413 and read <= REQUEST_BODY_MAX // (64 * 1024) + 1
