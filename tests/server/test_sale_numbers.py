"""Sale numbers under load (SPEC §6): consecutive from 1, no gap, no repeat; and one
``client_id`` posted by many at once makes one sale. Through a live waitress server with
real threads, on SQLite and (with NIXPOS_TEST_POSTGRES_URL) PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from flask import Flask
from sqlalchemy import select

from nixpos.server.models import Sale
from tests.helpers import TENANT, Shop
from tests.live_server import LiveServer
from tests.server.selling import Counter, cash, line, stock

THREADS = 20


@pytest.fixture
def server_url(app: Flask) -> Iterator[str]:
    server = LiveServer(app, threads=8)
    server.start()
    yield server.url
    server.stop()


def all_at_once(server_url: str, requests: list[tuple[dict[str, str], dict[str, Any]]]
                ) -> list[httpx.Response]:
    """POST every (headers, body) at the same instant."""
    barrier = threading.Barrier(len(requests))
    answers: list[httpx.Response] = []

    def post(headers: dict[str, str], body: dict[str, Any]) -> None:
        with httpx.Client(base_url=server_url, timeout=60) as http:
            barrier.wait()
            answers.append(http.post("/api/v1/pos/sales", json=body, headers=headers))

    threads = [threading.Thread(target=post, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def headers(counter: Counter) -> dict[str, str]:
    return {"X-Terminal-Key": counter.shop.keys[counter.till],
            "Authorization": f"Bearer {counter.token}"}


def numbers(shop: Shop) -> list[int]:
    with shop.ctx.db.read() as s:
        return sorted(s.scalars(select(Sale.number)))


def test_twenty_tills_posting_at_once_get_numbers_one_to_twenty(
    shop: Shop, server_url: str
) -> None:
    menu = stock(shop)
    tills = [f"Race Till {n}" for n in range(4)]
    for till in tills:
        shop.enroll(TENANT, till)
    people = ["Sokha Lim", "Mealea Sok"]
    for n in range(2):
        shop.add(f"Racer {n}", "cashier", f"5{n}718293")
    counters = [Counter(shop, till, person)
                for till, person in zip(tills, [*people, "Racer 0", "Racer 1"], strict=True)]
    requests = [(headers(counters[n % 4]),
                 counters[n % 4].body([line(menu["Latte"], 1 + n, 350)], [cash(350 * (1 + n))]))
                for n in range(THREADS)]
    answers = all_at_once(server_url, requests)
    assert sorted(a.status_code for a in answers) == [201] * THREADS, [
        a.json() for a in answers if a.status_code != 201]
    assert sorted(a.json()["number"] for a in answers) == list(range(1, THREADS + 1))
    # Each answer is the sale its body asked for.
    assert {a.json()["total"] for a in answers} == {350 * (1 + n) for n in range(THREADS)}
    assert numbers(shop) == list(range(1, THREADS + 1))


def test_a_rejected_sale_in_the_crowd_consumes_no_number(shop: Shop, server_url: str) -> None:
    menu = stock(shop)
    owner = Counter(shop, "Till 1", "Sokha Lim")
    requests = [(headers(owner), owner.body([line(menu["Latte"], 1, 350)],
                                            [cash(300 if n % 3 == 0 else 350)]))
                for n in range(12)]
    answers = all_at_once(server_url, requests)
    assert sorted(a.status_code for a in answers) == [201] * 8 + [422] * 4
    assert numbers(shop) == list(range(1, 9))


def test_one_client_id_posted_by_ten_at_once_makes_one_sale(shop: Shop, server_url: str
                                                            ) -> None:
    menu = stock(shop)
    owner = Counter(shop, "Till 1", "Sokha Lim")
    body = owner.body([line(menu["Latte"], 2, 350)], [cash(700, 1000)],
                      client_id=uuid.uuid4().hex)
    answers = all_at_once(server_url, [(headers(owner), body)] * 10)
    assert sorted(a.status_code for a in answers) == [200] * 9 + [201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert numbers(shop) == [1]
