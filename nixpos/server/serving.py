"""The production WSGI server (waitress), configured once for ``nixpos-server serve``,
the tests' live server and the benchmarks.

What waitress answers by itself, before the app sees a request, is SPEC's
JSON error like every other answer (``JsonErrorTask``): a body over
``MAX_BODY_BYTES`` (with a length or chunked) → 413 ``payload_too_large``; a
malformed request (NUL in a header, a bad chunk) → 400 ``invalid_request``;
headers over ``MAX_HEADER_BYTES`` → 431 ``headers_too_large``; a transfer
coding it does not know → 400, not 501, since no client gets a 5xx.

The limits are chosen, not inherited (``ServeOptions``; docs/deploy.md):

- ``connection_limit`` 1000: waitress's 100 lets a hundred idle or trickling
  sockets shut every till out. With more than select()'s 1024 descriptors in
  sight, waitress must use poll() (``asyncore_use_poll``).
- ``channel_timeout`` 30 s: a connection silent that long is closed, and so
  (``SlowRequestChannel``) is one whose request has not arrived whole after
  that long, however it trickles (slowloris). Tills poll every few seconds
  with small requests, so neither touches them.
- ``threads`` 8: requests are short; the database decides the pace.

An exposed server belongs behind a reverse proxy (docs/deploy.md);
``trusted_proxy`` names it (``proxy``).
"""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any, cast
from wsgiref.types import WSGIApplication

import waitress.server
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, MultiSocketServer
from waitress.task import ErrorTask
from waitress.utilities import (
    BadRequest,
    InternalServerError,
    RequestEntityTooLarge,
    RequestHeaderFieldsTooLarge,
    ServerNotImplemented,
)

from nixpos.server.errors import (
    HeadersTooLarge,
    InvalidRequest,
    NixposError,
    PayloadTooLarge,
    ServerError,
)
from nixpos.server.limits import MAX_BODY_BYTES, MAX_HEADER_BYTES
from nixpos.server.proxy import TrustedProxy

WaitressServer = BaseWSGIServer | MultiSocketServer


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8765
    threads: int = 8
    connection_limit: int = 1000
    channel_timeout_s: int = 30
    trusted_proxy: str | None = None


def as_json_error(error: Any) -> NixposError:
    """One of waitress's own refusals (``waitress.utilities.Error``) as one of ours."""
    if isinstance(error, RequestEntityTooLarge):
        return PayloadTooLarge()
    if isinstance(error, RequestHeaderFieldsTooLarge):
        return HeadersTooLarge()
    if isinstance(error, BadRequest):
        return InvalidRequest(f"The HTTP request is malformed ({error.body.rstrip('.')}). "
                              "Send a well-formed HTTP/1.1 request.")
    if isinstance(error, ServerNotImplemented):
        return InvalidRequest(f"{error.body.rstrip('.')}. Send the body with Content-Length "
                              "or Transfer-Encoding: chunked.")
    if isinstance(error, InternalServerError):
        return ServerError()
    return InvalidRequest()


class JsonErrorTask(ErrorTask):
    """Writes waitress's own refusals as SPEC's JSON error instead of plain text."""

    def execute(self) -> None:
        status, headers, body = as_json_error(getattr(self.request, "error", None)).http_answer()
        self.status = status
        self.response_headers = [*self.response_headers, *headers]
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class SlowRequestChannel(HTTPChannel):
    """A connection that must deliver each request whole within ``channel_timeout``.

    waitress's own timeout counts from the last byte received, so a client
    sending one byte every few seconds would hold its connection forever.
    """

    error_task_class = JsonErrorTask

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request_began = time.monotonic()

    def received(self, data: bytes) -> bool:
        if self.request is None:  # these bytes start a new request
            self.request_began = time.monotonic()
        result: bool = super().received(data)
        late = time.monotonic() - self.request_began > self.adj.channel_timeout
        if self.request is not None and not self.request.completed and late:
            self.will_close = True  # closed by the server loop, like waitress's own timeout
        return result


def waitress_settings(options: ServeOptions) -> dict[str, Any]:
    return {
        "host": options.host,
        "port": options.port,
        "threads": options.threads,
        "connection_limit": options.connection_limit,
        "channel_timeout": options.channel_timeout_s,
        "cleanup_interval": max(1, min(30, options.channel_timeout_s // 2)),
        "asyncore_use_poll": True,
        # One more than the app's own limit: a body of exactly MAX_BODY_BYTES passes both.
        "max_request_body_size": MAX_BODY_BYTES + 1,
        "max_request_header_size": MAX_HEADER_BYTES,
        # Forwarded headers are ours to judge (proxy.TrustedProxy), answering in JSON.
        "clear_untrusted_proxy_headers": False,
        "ident": "nixpos",
    }


@dataclass
class Listening:
    """A configured server, listening but not yet running; ``connections`` is its socket map
    (the listening sockets, waitress's trigger and every open connection)."""

    server: WaitressServer
    connections: dict[int, Any]

    @property
    def port(self) -> int:
        if isinstance(self.server, MultiSocketServer):
            return int(self.server.effective_listen[0][1])
        return int(cast(Any, self.server).effective_port)  # missing from waitress's stubs


def create_server(app: WSGIApplication, options: ServeOptions) -> Listening:
    connections: dict[int, Any] = {}
    server = waitress.server.create_server(TrustedProxy(app, options.trusted_proxy),
                                           map=connections, **waitress_settings(options))
    for dispatcher in list(connections.values()):
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = SlowRequestChannel
    return Listening(server, connections)


def serve(app: WSGIApplication, options: ServeOptions) -> None:
    """Serve until interrupted."""
    create_server(app, options).server.run()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BackgroundServer:
    """The configured server in a thread of this process, on loopback (tests, benchmarks).

    ``stop`` behaves like a crashed server: the listening socket *and* every open
    keep-alive connection close, so a client finds out at once instead of
    waiting on a socket nobody serves any more. ``start`` again reuses the port.
    """

    def __init__(self, app: WSGIApplication, options: ServeOptions | None = None) -> None:
        self.app = app
        self.options = options or ServeOptions(port=0)
        self.port = self.options.port
        self._listening: Listening | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._listening = create_server(self.app, dataclasses.replace(self.options,
                                                                      port=self.port))
        self.port = self._listening.port
        self._thread = threading.Thread(target=self._listening.server.run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        listening, self._listening = self._listening, None
        if listening is None:
            return

        def close_everything() -> None:  # in the server's own thread, between two polls
            for channel in list(listening.connections.values()):
                channel.close()

        listener: Any = next(d for d in listening.connections.values()
                             if isinstance(d, BaseWSGIServer))
        try:
            listener.trigger.pull_trigger(close_everything)
        except OSError:
            # The wake-up pipe is gone (seen rarely under heavy fuzzing): close from here.
            close_everything()
        assert self._thread is not None
        self._thread.join(timeout=5)  # the loop ends once nothing is left to serve
        listening.server.task_dispatcher.shutdown()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
