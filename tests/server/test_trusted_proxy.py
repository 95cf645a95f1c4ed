"""``serve --trusted-proxy ADDR``: only that proxy may say the client used https, or who it is.

Through a live server: the client connects from 127.0.0.2 (all of 127/8 is
loopback on Linux) to play the proxy, or from 127.0.0.1 to play anyone else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import httpx
import pytest
from flask import Flask

from tests.helpers import PASSWORD, Shop
from tests.live_server import LiveServer

PROXY = "127.0.0.2"
HTTPS = {"X-Forwarded-Proto": "https"}

Serve = Callable[[str | None], LiveServer]


@pytest.fixture
def serve(app: Flask) -> Iterator[Serve]:
    servers: list[LiveServer] = []

    def start(trusted_proxy: str | None) -> LiveServer:
        server = LiveServer(app, trusted_proxy=trusted_proxy)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def client(server: LiveServer, source: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=10,
                        transport=httpx.HTTPTransport(local_address=source))


def session_cookie(server: LiveServer, source: str, headers: dict[str, str]) -> str:
    """Sign in to the back office in a browser's way; the Set-Cookie of the session."""
    with client(server, source) as http:
        page = http.get("/signin", headers=headers)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf is not None
        # Sent by hand: httpx (rightly) keeps a Secure cookie from a plain-http server.
        cookie = page.headers["set-cookie"].split(";")[0]
        answer = http.post("/signin", headers=headers | {"Cookie": cookie}, data={
            "csrf": csrf.group(1), "email": "sokha@lumiere.example", "password": PASSWORD})
    assert answer.status_code == 302, answer.text
    [office] = [c for c in answer.headers.get_list("set-cookie")
                if c.startswith("nixpos_office=")]
    return office


def is_secure(set_cookie: str) -> bool:
    return "secure" in [part.strip().lower() for part in set_cookie.split(";")]


def test_https_from_the_trusted_proxy_makes_the_session_cookie_secure(
    serve: Serve, shop: Shop
) -> None:
    assert is_secure(session_cookie(serve(PROXY), PROXY, HTTPS))


def test_without_a_trusted_proxy_forwarded_https_is_not_believed(
    serve: Serve, shop: Shop
) -> None:
    assert not is_secure(session_cookie(serve(None), PROXY, HTTPS))


def test_forwarded_https_from_another_address_is_not_believed(serve: Serve, shop: Shop) -> None:
    assert not is_secure(session_cookie(serve(PROXY), "127.0.0.1", HTTPS))


def test_behind_the_proxy_sign_ins_are_throttled_per_real_client(
    serve: Serve, shop: Shop
) -> None:
    server = serve(PROXY)

    def sign_in(client_address: str, password: str) -> int:
        with client(server, PROXY) as http:
            return http.post("/api/v1/admin/login", headers={"X-Forwarded-For": client_address},
                             json={"email": "dara@lumiere.example", "password": password,
                                   "device_name": "Laptop"}).status_code

    for _ in range(5):
        assert sign_in("203.0.113.9", "wrong password") == 401
    assert sign_in("203.0.113.9", PASSWORD) == 429
    assert sign_in("198.51.100.4", PASSWORD) == 200  # another shop PC behind the same proxy
