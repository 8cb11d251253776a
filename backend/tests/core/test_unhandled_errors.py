"""An unhandled error is one 500 envelope, and the keep-alive connection that carried it stays usable."""

import asyncio
import socket

import httpx
import pytest
import uvicorn
from fastapi.routing import APIRoute


@pytest.fixture(scope="module")
def boom_app():
    from app.main import create_app

    app = create_app()

    async def boom():
        raise RuntimeError("a bug")

    # Ahead of the SPA and /api catch-alls, which would answer first otherwise.
    app.router.routes.insert(0, APIRoute("/api/v1/boom", boom, methods=["GET"]))
    return app


async def test_an_unhandled_error_is_a_500_envelope_with_the_usual_headers(boom_app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=boom_app), base_url="http://test") as c:
        r = await c.get("/api/v1/boom")  # the app no longer re-raises into the server (or this client)
    assert r.status_code == 500
    assert r.json() == {"error": "internal_error", "message": "Something went wrong on our side."}
    assert r.headers["x-content-type-options"] == "nosniff"


async def test_the_connection_survives_a_500(boom_app):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(boom_app, log_level="critical", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
            await asyncio.sleep(0.02)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        replies = []
        for path in ("/api/v1/boom", "/healthz"):  # one connection, two requests
            writer.write(f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length")))
            await reader.readexactly(length)
            replies.append(head.split(b" ", 2)[1])
        writer.close()
        assert replies == [b"500", b"200"]
    finally:
        server.should_exit = True
        await task
