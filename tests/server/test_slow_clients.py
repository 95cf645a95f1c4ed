"""Slow clients (slowloris) cannot shut the tills out: the server's limits are chosen.

Real sockets against a live server, because this is about waitress's
connection handling: waitress's default of 100 connections let 105 sockets
that trickle a byte now and then stop it answering anyone.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from flask import Flask

from tests.helpers import Shop
from tests.live_server import LiveServer

SLOW_CLIENTS = 200


def open_slow_clients(server: LiveServer, count: int) -> list[socket.socket]:
    """Sockets that each sent the start of a request and never finish it."""
    clients = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        sock.sendall(b"GET /api/v1/terminal HTTP/1.1\r\nHost: till\r\nX-Slow: ")
        clients.append(sock)
    return clients


@pytest.fixture
def trickling(app: Flask) -> Iterator[tuple[LiveServer, list[socket.socket]]]:
    """A live server with 200 slow clients sending one byte each per second."""
    server = LiveServer(app)
    server.start()
    clients = open_slow_clients(server, SLOW_CLIENTS)
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(1.0):
            for sock in clients:
                with contextlib.suppress(OSError):  # the server may close slow clients
                    sock.send(b"a")

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    yield server, clients
    stop.set()
    thread.join()
    for sock in clients:
        sock.close()
    server.stop()


def test_polls_are_answered_promptly_while_200_slow_clients_are_connected(
    trickling: tuple[LiveServer, list[socket.socket]], shop: Shop
) -> None:
    server, _ = trickling
    token = shop.unlock_ok("Till 1", "Mealea Sok")["token"]
    headers = {"X-Terminal-Key": shop.keys["Till 1"], "Authorization": f"Bearer {token}"}
    waits = []
    for _ in range(5):
        started = time.perf_counter()
        # A fresh connection each time: a till that reconnects must get in too.
        response = httpx.get(f"{server.url}/api/v1/pos/session", headers=headers, timeout=10)
        waits.append(time.perf_counter() - started)
        assert response.status_code == 200
        assert response.json()["state"] == "active"
    assert max(waits) < 2.0, waits  # milliseconds normally; seconds only under heavy load


def test_a_request_that_trickles_in_is_cut_off_after_the_channel_timeout(app: Flask) -> None:
    server = LiveServer(app, channel_timeout_s=1)
    server.start()
    try:
        [sock] = open_slow_clients(server, 1)
        started = time.monotonic()
        closed = False
        while not closed and time.monotonic() - started < 10:
            time.sleep(0.2)  # a real client trickling a byte every 0.2 s
            try:
                sock.send(b"a")
                sock.settimeout(0.01)
                closed = sock.recv(1) == b""
            except TimeoutError:
                pass
            except OSError:
                closed = True
        assert closed, "the server kept a trickling request open"
        assert time.monotonic() - started < 5  # the 1 s limit, plus the server loop's pace
        sock.close()
    finally:
        server.stop()
