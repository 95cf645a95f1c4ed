"""Two tills can never both take one parked cart (SPEC §7.2): racing resumes of the same
cart, on a real waitress server with real threads, leave exactly one 200 and one
409 ``cart_taken`` — every round. On SQLite, and on PostgreSQL when the suite runs there
(where the cart's row lock is what decides)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
from flask import Flask

from nixpos.server.services import tenants
from tests.helpers import TENANT, Shop
from tests.live_server import LiveServer
from tests.server.carts import cart_body, mirrored
from tests.server.selling import Counter, stock

ROUNDS = 15


@pytest.fixture
def server_url(app: Flask) -> Iterator[str]:
    server = LiveServer(app, threads=4)
    server.start()
    yield server.url
    server.stop()


def race(server_url: str, calls: list[tuple[Counter, str]]) -> list[tuple[int, str]]:
    """POST each (till, path) at the same instant; (status, error) in any order."""
    barrier = threading.Barrier(len(calls))
    answers: list[tuple[int, str]] = []

    def call(till: Counter, path: str) -> None:
        with httpx.Client(base_url=server_url, timeout=30) as http:
            headers = {"X-Terminal-Key": till.shop.keys[till.till],
                       "Authorization": f"Bearer {till.token}"}
            barrier.wait()
            response = http.post(path, json={}, headers=headers)
            answers.append((response.status_code, response.json().get("error", "")))

    threads = [threading.Thread(target=call, args=pair) for pair in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def parked(shop: Shop, menu: dict[str, int], client_id: str) -> None:
    """Mealea's cart ``client_id``, rung up on Till 1 and parked by her lock."""
    till_1 = Counter(shop, "Till 1", "Mealea Sok")
    mirrored(till_1, cart_body(menu, client_id=client_id))
    shop.pos("POST", "session/lock", "Till 1", till_1.token, json={})


def test_racing_resumes_of_one_cart_leave_exactly_one_winner(shop: Shop,
                                                             server_url: str) -> None:
    menu = stock(shop)
    # Two live sessions of one person, so both may resume her cart.
    tenants.set_policy(shop.ctx, TENANT, pos_single_session=False)
    tills = [Counter(shop, "Till 2", "Mealea Sok"), Counter(shop, "Till 3", "Mealea Sok")]
    for round_number in range(ROUNDS):
        parked(shop, menu, f"cart-{round_number}")
        path = f"/api/v1/pos/carts/cart-{round_number}/resume"
        answers = race(server_url, [(till, path) for till in tills])
        assert sorted(answers) == [(200, ""), (409, "cart_taken")], f"round {round_number}"


def test_a_resume_racing_a_discard_leaves_one_outcome(shop: Shop, server_url: str) -> None:
    menu = stock(shop)
    tenants.set_policy(shop.ctx, TENANT, pos_single_session=False)
    resumer, discarder = Counter(shop, "Till 2", "Mealea Sok"), Counter(shop, "Till 3",
                                                                         "Mealea Sok")
    for round_number in range(ROUNDS):
        parked(shop, menu, f"cart-{round_number}")
        answers = race(server_url, [
            (resumer, f"/api/v1/pos/carts/cart-{round_number}/resume"),
            (discarder, f"/api/v1/pos/carts/cart-{round_number}/discard")])
        assert sorted(status for status, _ in answers) == [200, 409], f"round {round_number}"
