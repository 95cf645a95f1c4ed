"""Trusting one reverse proxy, explicitly (``nixpos-server serve --trusted-proxy ADDR``).

Behind an https proxy the server sees plain http from the proxy's address.
Only from that address are ``X-Forwarded-Proto`` (so the back-office cookie is
``Secure``) and ``X-Forwarded-For`` (so throttles count per real client)
believed; from anywhere else every forwarded header is dropped, so no client
can claim https or another address. Parsing is waitress's; a malformed header
from the proxy gets a JSON 400 like every other refusal.
"""

from __future__ import annotations

from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from waitress.proxy_headers import (
    PROXY_HEADERS,
    MalformedProxyHeader,
    clear_untrusted_headers,
    parse_proxy_headers,
)

from nixpos.server.errors import InvalidRequest

TRUSTED_HEADERS = frozenset({"x-forwarded-for", "x-forwarded-proto"})


class TrustedProxy:
    """WSGI middleware: believe forwarded headers from ``address`` only (None: from nobody)."""

    def __init__(self, app: WSGIApplication, address: str | None) -> None:
        self.app = app
        self.address = address

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse
                 ) -> Iterable[bytes]:
        untrusted: Iterable[str] = PROXY_HEADERS
        if self.address is not None and environ.get("REMOTE_ADDR") == self.address:
            try:
                untrusted = parse_proxy_headers(environ, trusted_proxy_count=1,
                                                trusted_proxy_headers=set(TRUSTED_HEADERS))
            except MalformedProxyHeader as malformed:
                status, headers, body = InvalidRequest(
                    f"The reverse proxy sent a malformed {malformed.header} header. "
                    "Check its configuration (docs/deploy.md).").http_answer()
                start_response(status, headers)
                return [body]
        clear_untrusted_headers(environ, sorted(untrusted))
        return self.app(environ, start_response)
