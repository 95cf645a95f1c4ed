"""The till's open cart on the server (SPEC §7.1–7.2): mirror it, clear it, resume or
discard a parked one — each answer of the contract, and a sold cart never offered again."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from nixpos.core.clock import FakeClock
from nixpos.server.models import AuditEvent
from tests.helpers import TENANT, Shop
from tests.server.carts import cart_body, cart_call, mirrored, put_cart, unlock_reply
from tests.server.selling import Counter, cash, line, stock


@pytest.fixture
def menu(shop: Shop) -> dict[str, int]:
    return stock(shop)


@pytest.fixture
def mealea(shop: Shop) -> Counter:
    return Counter(shop, "Till 1", "Mealea Sok")


def lock(till: Counter) -> dict[str, Any]:
    answer = till.shop.pos("POST", "session/lock", till.till, till.token, json={})
    assert answer.status_code == 200
    return dict(answer.json or {})


def test_the_server_prices_the_cart_with_the_sale_rules(
    menu: dict[str, int], mealea: Counter
) -> None:
    body = cart_body(menu, lines=[line(menu["Latte"], 2, 350),
                                  line(menu["Croissant"], 1, 275,
                                       {"kind": "percent", "value": 10, "approval_id": 7})],
                     discount={"kind": "amount", "value": 50})
    cart = mirrored(mealea, body)
    # 7.00 + (2.75 − 0.275→0.28) = 9.47, less 0.50 = 8.97; the approval id is kept, unchecked.
    assert (cart["items"], cart["total"]) == (3, 897)
    assert cart["updated_at"] == "2026-01-05T09:00:00.000Z"
    assert cart["lines"][1]["discount"] == {"kind": "percent", "value": 10, "approval_id": 7}
    assert cart["client_id"] == "cart-1" and cart["voided"] == []
    assert cart["discount"] == {"kind": "amount", "value": 50, "approval_id": None}


def test_the_cart_follows_the_tills_latest_body(
    menu: dict[str, int], mealea: Counter, clock: FakeClock
) -> None:
    mirrored(mealea, cart_body(menu))
    clock.advance(5)
    cart = mirrored(mealea, cart_body(menu, lines=[line(menu["Muffin"], 4, 400)]))
    assert (cart["items"], cart["total"], cart["updated_at"]) == (
        4, 1600, "2026-01-05T09:00:05.000Z")
    # A new client_id replaces the session's cart: only the newest is parked at the end.
    mirrored(mealea, cart_body(menu, client_id="cart-2", lines=[line(menu["Latte"], 1, 350)]))
    assert lock(mealea)["parked_cart"] == {"client_id": "cart-2", "items": 1, "total": 350}
    offered = unlock_reply(mealea.shop, "Till 2", "Mealea Sok").json["parked_carts"]
    assert [c["client_id"] for c in offered] == ["cart-2"]


@pytest.mark.parametrize(("change", "says"), [
    (lambda b, m: b | {"lines": [line(m["Latte"], 0, 350)]}, "lines[0].quantity"),
    (lambda b, m: b | {"lines": [line(m["Latte"], 1, 350) | {"unit_price": 3.5}]},
     "lines[0].unit_price"),
    (lambda b, m: b | {"client_id": ""}, "client_id"),
    (lambda b, m: b | {"discount": {"kind": "percent", "value": 101}}, "discount.value"),
    (lambda b, m: b | {"discount": {"kind": "amount", "value": 5000}}, "discount"),
])
def test_a_malformed_cart_is_400(menu: dict[str, int], mealea: Counter, change: Any,
                                 says: str) -> None:
    refused = put_cart(mealea, change(cart_body(menu), menu))
    assert (refused.status_code, refused.json["error"]) == (400, "invalid_request")
    assert says in refused.json["message"]


def test_an_unknown_or_other_shops_product_is_404(menu: dict[str, int], mealea: Counter
                                                 ) -> None:
    for product_id in (menu["Other Latte"], 999_999):
        refused = put_cart(mealea, cart_body(menu, lines=[line(product_id, 1, 350)]))
        assert (refused.status_code, refused.json["error"]) == (404, "unknown_product")


def test_another_persons_or_a_sold_client_id_is_cart_taken(
    shop: Shop, menu: dict[str, int], mealea: Counter
) -> None:
    mirrored(mealea, cart_body(menu, client_id="hers"))
    vannak = Counter(shop, "Till 2", "Sokha Lim")
    taken = put_cart(vannak, cart_body(menu, client_id="hers"))
    assert (taken.status_code, taken.json["error"]) == (409, "cart_taken")
    vannak.sold([line(menu["Latte"], 1, 350)], [cash(350)], client_id="paid-for")
    taken = put_cart(vannak, cart_body(menu, client_id="paid-for"))
    assert (taken.status_code, taken.json["error"]) == (409, "cart_taken")


def test_an_ended_session_cannot_mirror_a_cart(menu: dict[str, int], mealea: Counter) -> None:
    lock(mealea)
    for answer in (put_cart(mealea, cart_body(menu)),
                   mealea.shop.pos("DELETE", "cart", "Till 1", mealea.token)):
        assert (answer.status_code, answer.json["error"]) == (401, "invalid_token")


def test_delete_clears_the_cart_and_is_idempotent(menu: dict[str, int], mealea: Counter
                                                  ) -> None:
    mirrored(mealea, cart_body(menu))
    for _ in range(2):
        answer = mealea.shop.pos("DELETE", "cart", "Till 1", mealea.token)
        assert (answer.status_code, answer.data) == (204, b"")
    assert lock(mealea)["parked_cart"] is None  # nothing left to park


def test_a_resumed_cart_is_this_sessions_and_a_second_resume_is_taken(
    shop: Shop, menu: dict[str, int], mealea: Counter, clock: FakeClock
) -> None:
    mirrored(mealea, cart_body(menu))
    lock(mealea)
    clock.advance(60)
    till_2 = Counter(shop, "Till 2", "Mealea Sok")
    resumed = cart_call(till_2, "cart-1", "resume")
    assert resumed.status_code == 200, resumed.json
    assert (resumed.json["cart"]["items"], resumed.json["cart"]["total"]) == (3, 975)
    assert resumed.json["cart"]["lines"] == cart_body(menu)["lines"]
    again = cart_call(till_2, "cart-1", "resume")
    assert (again.status_code, again.json["error"]) == (409, "cart_taken")
    # It is Till 2's live cart now: its next end parks it there.
    assert lock(till_2)["parked_cart"] == {"client_id": "cart-1", "items": 3, "total": 975}
    reply = unlock_reply(shop, "Till 3", "Mealea Sok").json["parked_carts"]
    assert [(c["client_id"], c["parked_on"]["name"], c["reason"]) for c in reply] == [
        ("cart-1", "Till 2", "logout")]


def test_someone_elses_or_an_unknown_cart_is_not_found(
    shop: Shop, menu: dict[str, int], mealea: Counter
) -> None:
    mirrored(mealea, cart_body(menu))
    lock(mealea)
    sokha = Counter(shop, "Till 2", "Sokha Lim")
    other = Counter(shop, "Other Till", "Other Cashier")
    for till, client_id in ((sokha, "cart-1"), (other, "cart-1"), (sokha, "no-such-cart"),
                            (sokha, "%20")):
        for action in ("resume", "discard"):
            answer = cart_call(till, client_id, action)
            assert (answer.status_code, answer.json["error"]) == (404, "not_found"), action


def test_discard_is_audited_and_a_discarded_cart_is_gone(
    shop: Shop, menu: dict[str, int], mealea: Counter
) -> None:
    mirrored(mealea, cart_body(menu))
    lock(mealea)
    till_2 = Counter(shop, "Till 2", "Mealea Sok")
    discarded = cart_call(till_2, "cart-1", "discard")
    assert discarded.status_code == 200
    assert discarded.json["cart"]["total"] == 975
    with shop.ctx.db.read() as s:
        (event,) = s.scalars(select(AuditEvent).where(AuditEvent.kind == "cart_discarded"))
        assert (event.actor_id, event.terminal_id) == (shop.ids["Mealea Sok"],
                                                       shop.till_ids["Till 2"])
        assert event.detail | {} == {"client_id": "cart-1", "items": 3, "total": 975,
                                     "parked_on": "Till 1",
                                     "parked_at": "2026-01-05T09:00:00+00:00"}
    for action in ("discard", "resume"):
        gone = cart_call(till_2, "cart-1", action)
        assert (gone.status_code, gone.json["error"]) == (409, "cart_taken")
    assert unlock_reply(shop, "Till 3", "Mealea Sok").json["parked_carts"] == []


def test_a_sold_cart_is_never_offered_again(shop: Shop, menu: dict[str, int],
                                            mealea: Counter) -> None:
    mirrored(mealea, cart_body(menu))
    mealea.sold(cart_body(menu)["lines"], [cash(975)], client_id="cart-1")
    assert lock(mealea)["parked_cart"] is None
    # Parked, then sold from the till it was parked on (a sale still being sent): gone too.
    till_2 = Counter(shop, "Till 2", "Mealea Sok")
    mirrored(till_2, cart_body(menu, client_id="cart-2"))
    taken_over = unlock_reply(shop, "Till 3", "Mealea Sok", take_over=True).json
    assert taken_over["parked_carts"][0]["client_id"] == "cart-2"  # the kick parked it
    till_3 = Counter(shop, "Till 3", "Mealea Sok", token=taken_over["token"])
    till_2.sold(cart_body(menu)["lines"], [cash(975)], client_id="cart-2")
    taken = cart_call(till_3, "cart-2", "resume")
    assert (taken.status_code, taken.json["error"]) == (409, "cart_taken")
    assert unlock_reply(shop, "Till 1", "Mealea Sok").json["parked_carts"] == []


def test_another_shops_header_is_refused(shop: Shop, menu: dict[str, int], mealea: Counter
                                         ) -> None:
    answer = shop.client.put("/api/v1/pos/cart", json=cart_body(menu), headers={
        "X-Terminal-Key": shop.keys["Till 1"], "Authorization": f"Bearer {mealea.token}",
        "X-Nix-Tenant": "other-shop"})
    assert (answer.status_code, answer.json["error"]) == (401, "tenant_mismatch")
    assert TENANT == "lumiere-coffee"
