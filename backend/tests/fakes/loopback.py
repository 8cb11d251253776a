"""Serve an ASGI app on a free loopback port in a daemon thread: the transport of the fake model servers."""

import socket
import threading
import time

import uvicorn


class LoopbackServer:
    """One uvicorn server on 127.0.0.1, started and stopped from the test process."""

    def __init__(self, name: str, host: str = "127.0.0.1"):
        self.name, self.host, self.port = name, host, 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self, app) -> int:
        """Serve `app`; return the port once the server accepts connections."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"{self.name} did not start")
            time.sleep(0.01)
        return self.port

    def stop(self) -> None:
        """Shut the server down and wait for its thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
