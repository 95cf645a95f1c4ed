"""SPEC rule 15: two unlocks of one person racing on different tills leave one live session.

This runs against a real waitress server on a free loopback port with real
threads, because that is where a lost race would show.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
from flask import Flask
from sqlalchemy import func, select

from nixpos.server.models import PosSession
from tests.helpers import TENANT, Shop
from tests.live_server import LiveServer

TILLS = [f"Race Till {n}" for n in range(6)]
ROUNDS = 25


@pytest.fixture
def server_url(app: Flask) -> Iterator[str]:
    server = LiveServer(app, threads=len(TILLS))
    server.start()
    yield server.url
    server.stop()


def live_sessions_of(shop: Shop, name: str) -> int:
    with shop.ctx.db.read() as s:
        query = select(func.count()).select_from(PosSession).where(
            PosSession.staff_id == shop.ids[name], PosSession.ended_at.is_(None))
        return int(s.scalar(query) or 0)


def race(server_url: str, keys: list[str], pin: str) -> list[int]:
    """Unlock with ``pin`` on every till at the same instant; the statuses, in any order."""
    barrier = threading.Barrier(len(keys))
    statuses: list[int] = []

    def unlock(key: str) -> None:
        with httpx.Client(base_url=server_url, timeout=30) as http:
            barrier.wait()
            response = http.post("/api/v1/pos/unlock", json={"pin": pin},
                                 headers={"X-Terminal-Key": key})
            statuses.append(response.status_code)

    threads = [threading.Thread(target=unlock, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_racing_unlocks_of_one_person_leave_exactly_one_live_session(
    shop: Shop, server_url: str
) -> None:
    keys = [shop.enroll(TENANT, till) for till in TILLS]
    for round_number in range(ROUNDS):
        statuses = race(server_url, keys, shop.pins["Sokha Lim"])
        assert statuses == [200] * len(TILLS), f"round {round_number}: {statuses}"
        assert live_sessions_of(shop, "Sokha Lim") == 1, f"round {round_number}"
