"""Parked, not lost (SPEC §7.2): every way a session ends parks its open cart under the
person; the ended Session says what it parked (the poll's fast path too), and the next
unlock lists the person's parked carts, newest first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from nixpos.core.clock import FakeClock
from nixpos.server.models import Staff
from nixpos.server.services import tenants
from tests.helpers import TENANT, Shop
from tests.server.carts import cart_body, mirrored, unlock_reply
from tests.server.selling import Counter, line, stock

PARKED = {"client_id": "cart-1", "items": 3, "total": 975}


@pytest.fixture
def menu(shop: Shop) -> dict[str, int]:
    return stock(shop)


def office(shop: Shop) -> Callable[[str], Any]:
    token = shop.login("sokha@lumiere.example")
    return lambda path: shop.admin("POST", path, token)


def logout(shop: Shop, till: Counter) -> None:
    shop.pos("POST", "session/lock", till.till, till.token, json={})


def idle_timeout(shop: Shop, till: Counter) -> None:
    tenants.set_policy(shop.ctx, TENANT, idle_timeout_s=60, warning_s=10)
    shop.pos("POST", "session/activity", till.till, till.token, json={})  # the new deadline
    shop.ctx.clock.advance(61)  # type: ignore[attr-defined]


def signed_in_elsewhere(shop: Shop, till: Counter) -> None:
    assert unlock_reply(shop, "Till 2", till.person, take_over=True).status_code == 200


def replaced(shop: Shop, till: Counter) -> None:
    shop.unlock_ok("Till 1", "Vannak Kim")


def force_ended(shop: Shop, till: Counter) -> None:
    office(shop)(f"pos-sessions/{till.session_id}/end")


def pin_reset(shop: Shop, till: Counter) -> None:
    office(shop)(f"staff/{shop.ids[till.person]}/reset-pin")


def staff_deactivated(shop: Shop, till: Counter) -> None:
    office(shop)(f"staff/{shop.ids[till.person]}/deactivate")


def terminal_deactivated(shop: Shop, till: Counter) -> None:
    office(shop)(f"terminals/{shop.till_ids['Till 1']}/deactivate")


def signed_out_everywhere(shop: Shop, till: Counter) -> None:
    office(shop)("signout-everywhere")


ENDS = [logout, idle_timeout, signed_in_elsewhere, replaced, force_ended, pin_reset,
        staff_deactivated, terminal_deactivated, signed_out_everywhere]


@pytest.mark.parametrize("end", ENDS, ids=[e.__name__ for e in ENDS])
def test_every_end_parks_the_open_cart(shop: Shop, menu: dict[str, int],
                                       end: Callable[[Shop, Counter], None]) -> None:
    # The owner signs herself out everywhere; the owner ends a cashier's session otherwise.
    person = "Sokha Lim" if end is signed_out_everywhere else "Mealea Sok"
    till = Counter(shop, "Till 1", person)
    mirrored(till, cart_body(menu))
    shop.poll("Till 1", till.token)  # the poll's answer is cached now
    end(shop, till)
    if end is terminal_deactivated:  # its key stops working: the refusal carries the session
        refusal = shop.pos("GET", "session", "Till 1", till.token)
        ended = refusal.json["session"]
    else:
        ended = shop.poll("Till 1", till.token)
    assert (ended["state"], ended["reason"]) == ("ended", end.__name__)
    assert ended["parked_cart"] == PARKED

    if end in (staff_deactivated, pin_reset):  # she comes back (with her old PIN, for short)
        with shop.ctx.db.write() as s:
            staff = s.get_one(Staff, shop.ids[person])
            staff.active = True
            staff.pin_index = shop.ctx.pin_index(staff.tenant_id, shop.pins[person])
    reply = unlock_reply(shop, "Till 3", person)
    assert reply.status_code == 200, reply.json
    (parked,) = reply.json["parked_carts"]
    assert {k: parked[k] for k in PARKED} == PARKED
    assert parked["parked_on"] == {"id": shop.till_ids["Till 1"], "name": "Till 1"}
    assert parked["reason"] == end.__name__
    assert parked["lines"] == cart_body(menu)["lines"]


def test_an_empty_cart_is_not_parked(shop: Shop, menu: dict[str, int]) -> None:
    till = Counter(shop, "Till 1", "Mealea Sok")
    mirrored(till, cart_body(menu, lines=[]) | {"voided": [
        {"product_id": menu["Latte"], "quantity": 1, "approval_id": None}]})
    logout(shop, till)
    assert shop.poll("Till 1", till.token)["parked_cart"] is None
    assert shop.unlock_ok("Till 2", "Mealea Sok")["parked_carts"] == []


def test_parked_carts_come_newest_first_with_the_kick_that_parked_one(
    shop: Shop, menu: dict[str, int], clock: FakeClock
) -> None:
    for n, till_name in enumerate(("Till 1", "Till 2"), start=1):
        till = Counter(shop, till_name, "Mealea Sok")
        mirrored(till, cart_body(menu, client_id=f"cart-{n}",
                                 lines=[line(menu["Latte"], n, 350)]))
        logout(shop, till)
        clock.advance(60)
    on_till_1 = Counter(shop, "Till 1", "Mealea Sok")
    mirrored(on_till_1, cart_body(menu, client_id="cart-3", lines=[line(menu["Muffin"], 1, 400)]))
    reply = unlock_reply(shop, "Till 3", "Mealea Sok", take_over=True).json
    assert [(c["client_id"], c["items"], c["parked_on"]["name"], c["reason"], c["parked_at"])
            for c in reply["parked_carts"]] == [
        ("cart-3", 1, "Till 1", "signed_in_elsewhere", "2026-01-05T09:02:00.000Z"),
        ("cart-2", 2, "Till 2", "logout", "2026-01-05T09:01:00.000Z"),
        ("cart-1", 1, "Till 1", "logout", "2026-01-05T09:00:00.000Z"),
    ]
    (kicked,) = reply["ended_elsewhere"]
    assert kicked["parked_cart"] == {"client_id": "cart-3", "items": 1, "total": 400}
    # The kicked till hears the same on its next poll, and still after the cart moved on.
    Counter(shop, "Till 3", "Mealea Sok", token=reply["token"])
    shop.pos("POST", "carts/cart-3/resume", "Till 3", reply["token"], json={})
    assert shop.poll("Till 1", on_till_1.token)["parked_cart"] == kicked["parked_cart"]
