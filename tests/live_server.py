"""A real WSGI server for tests: the app under waitress on a free loopback port.

``stop`` behaves like a crashed server: the listening socket *and* every open
keep-alive connection close, so a client finds out at once instead of
waiting on a socket nobody serves any more. ``start`` again reuses the port.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

import waitress.server
from flask import Flask


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    def __init__(self, app: Flask, threads: int = 4) -> None:
        self.app = app
        self.threads = threads
        self.port = 0
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._server = waitress.server.create_server(self.app, host="127.0.0.1",
                                                     port=self.port, threads=self.threads)
        self.port = self._server.effective_port
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return

        def close_everything() -> None:  # in the server's own thread, between two polls
            for channel in list(server._map.values()):  # listener, trigger, connections
                channel.close()

        server.trigger.pull_trigger(close_everything)
        assert self._thread is not None
        self._thread.join(timeout=5)  # the loop ends once nothing is left to serve
        server.task_dispatcher.shutdown()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
