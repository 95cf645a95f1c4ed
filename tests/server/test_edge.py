"""SPEC rule 15 at the real edge: what waitress answers itself, and hostile input, is JSON.

Everything here goes through a live server (nixpos's configured waitress on a
free loopback port) with raw sockets or httpx, because Flask's test client
never meets what waitress refuses before the app sees a request.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from flask import Flask
from sqlalchemy import func, select

from nixpos.server.errors import InvalidCredentials
from nixpos.server.limits import MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_JSON_DEPTH
from nixpos.server.models import AuditEvent, WebSession
from nixpos.server.services import web_sessions
from tests.helpers import Shop
from tests.live_server import LiveServer

MiB = 1024 * 1024


@pytest.fixture
def live(app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    json: Any


def exchange(server: LiveServer, request: bytes) -> Answer:
    """Send raw bytes, read the answer until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    return Answer(int(status_line.split()[1]), headers, json.loads(body))


def post_head(path: str, *headers: bytes) -> bytes:
    lines = [f"POST {path} HTTP/1.1".encode(), b"Host: till", b"Connection: close", *headers]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def assert_json_error(answer: Answer, status: int, code: str) -> None:
    assert answer.status == status
    assert answer.headers["content-type"] == "application/json"
    assert answer.json["error"] == code
    assert isinstance(answer.json["message"], str) and answer.json["message"]


# -- what waitress answers by itself ---------------------------------------------------


@pytest.mark.parametrize("size", [MAX_BODY_BYTES + 1, MiB + 1, 2 * MiB, 10 * MiB])
def test_a_body_over_the_limit_gets_json_413(live: LiveServer, size: int) -> None:
    # The server refuses on the announced length, before the body is read.
    answer = exchange(live, post_head("/api/v1/pos/unlock", b"Content-Length: %d" % size))
    assert_json_error(answer, 413, "payload_too_large")


def test_a_chunked_body_over_the_limit_gets_json_413(live: LiveServer) -> None:
    chunk = b"x" * (MAX_BODY_BYTES // 2 + 1)
    chunks = (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 2
    answer = exchange(live, post_head("/api/v1/pos/unlock", b"Transfer-Encoding: chunked")
                      + chunks)
    assert_json_error(answer, 413, "payload_too_large")


def test_a_body_of_exactly_the_limit_reaches_the_app(live: LiveServer) -> None:
    body = json.dumps({"pin": ""}).encode()
    body = body[:-1] + b" " * (MAX_BODY_BYTES - len(body)) + b"}"
    answer = exchange(live, post_head("/api/v1/pos/unlock", b"Content-Length: %d" % len(body))
                      + body)
    assert_json_error(answer, 401, "invalid_terminal")  # the app judged it: no key sent


def test_nul_in_a_header_gets_json_400(live: LiveServer) -> None:
    answer = exchange(live, post_head("/api/v1/pos/unlock", b"X-Terminal-Key: ab\x00cd",
                                      b"Content-Length: 0"))
    assert_json_error(answer, 400, "invalid_request")


def test_headers_over_the_limit_get_json_431(live: LiveServer) -> None:
    # Exactly as much as the server reads before it refuses, so none is left unread.
    start = b"GET /api/v1/terminal HTTP/1.1\r\nHost: till\r\nX-Padding: "
    answer = exchange(live, start + b"a" * (MAX_HEADER_BYTES - len(start)))
    assert_json_error(answer, 431, "headers_too_large")


def test_an_unknown_transfer_coding_gets_json_400_not_501(live: LiveServer) -> None:
    answer = exchange(live, post_head("/api/v1/pos/unlock", b"Transfer-Encoding: gzip"))
    assert_json_error(answer, 400, "invalid_request")


# -- hostile JSON and text, on this database (SQLite, or PostgreSQL in CI) --------------


def post_raw(server: LiveServer, path: str, content: bytes, **headers: str) -> httpx.Response:
    return httpx.post(f"{server.url}{path}", content=content, timeout=10,
                      headers={"Content-Type": "application/json", **headers})


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 980, 30_000])
def test_deeply_nested_json_gets_400(live: LiveServer, shop: Shop, depth: int) -> None:
    nested = b'{"pin": ' + b"[" * depth + b"]" * depth + b"}"
    response = post_raw(live, "/api/v1/pos/unlock", nested, **{"X-Terminal-Key":
                                                                shop.keys["Till 1"]})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "nested" in response.json()["message"]


LOGIN = {"email": "sokha@lumiere.example", "password": "wrong password", "device_name": "Laptop"}


@pytest.mark.parametrize(("field", "value"), [
    ("email", "\ud800@lumiere.example"),
    ("password", "pass\ud800word"),
    ("email", "sokha@lumiere.example\x00"),
    ("password", "pass\x00word"),
    ("device_name", "\udfff"),
    ("device_name", "Laptop\x1b[31m"),
    ("os", "\udfff"),
    ("os", "x" * 201),
])
def test_unstorable_text_in_a_login_gets_400_and_nothing_is_stored(
    live: LiveServer, shop: Shop, field: str, value: str
) -> None:
    with shop.ctx.db.read() as s:
        audit_rows = s.scalar(select(func.count()).select_from(AuditEvent))
    # json.dumps writes a lone surrogate as the escape \ud800: valid JSON text, odd content.
    response = post_raw(live, "/api/v1/admin/login", json.dumps(LOGIN | {field: value}).encode())
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    with shop.ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == audit_rows


def test_a_sign_in_with_a_clean_device_name_still_works(live: LiveServer, shop: Shop) -> None:
    body = LOGIN | {"password": "correct horse battery", "device_name": "Sokha's Laptop ☕"}
    response = post_raw(live, "/api/v1/admin/login", json.dumps(body).encode())
    assert response.status_code == 200
    with shop.ctx.db.read() as s:
        assert s.scalar(select(WebSession.device_name)) == "Sokha's Laptop ☕"


def test_invalid_utf8_gets_400(live: LiveServer, shop: Shop) -> None:
    response = post_raw(live, "/api/v1/admin/login", b'{"email": "\xff\xfe"}')
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


ODD = b"\x80\xff caf\xe9 \x7f"


@pytest.mark.parametrize(("path", "header"), [
    ("/api/v1/terminal", "X-Terminal-Key"),
    ("/api/v1/pos/session", "X-Terminal-Key"),
    ("/api/v1/pos/session", "Authorization"),
    ("/api/v1/pos/session", "X-Nix-Tenant"),
    ("/api/v1/admin/me", "Authorization"),
    ("/api/v1/admin/me", "X-Nix-Tenant"),
])
def test_odd_bytes_in_auth_headers_get_a_json_4xx(
    live: LiveServer, shop: Shop, path: str, header: str
) -> None:
    token = shop.unlock_ok("Till 1", "Mealea Sok")["token"]
    admin = shop.login("sokha@lumiere.example")
    headers: dict[bytes, bytes] = {
        b"X-Terminal-Key": shop.keys["Till 1"].encode(),
        b"Authorization": f"Bearer {admin if 'admin' in path else token}".encode(),
        header.encode(): (b"Bearer " + ODD) if header == "Authorization" else ODD,
    }
    response = httpx.get(f"{live.url}{path}", headers=headers, timeout=10)
    assert response.status_code in (400, 401)
    assert response.json()["error"] in {"invalid_request", "invalid_terminal", "invalid_token",
                                        "tenant_mismatch", "unauthorized"}


@pytest.mark.parametrize("email", ["sokha@lumiere.example\x00", "\ud800@lumiere.example"])
def test_the_sign_in_service_refuses_unstorable_e_mails_itself(shop: Shop, email: str) -> None:
    # The back office's sign-in form reaches the service without api.body's checks.
    with pytest.raises(InvalidCredentials):
        web_sessions.sign_in(shop.ctx, email, "correct horse battery", "Laptop", "Linux", None)
