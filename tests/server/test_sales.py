"""``POST /api/v1/pos/sales`` (SPEC §6): the sum of a sale as the server recomputes it,
each error of the table, and bad input that changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from nixpos.core.clock import FakeClock
from nixpos.server.models import Sale, SaleCounter
from nixpos.server.services import catalog
from nixpos.server.services.catalog import ProductFields
from tests.helpers import OTHER_TENANT, TENANT, Shop
from tests.server.selling import Counter, card, cash, line, stock

PERCENT_10 = {"kind": "percent", "value": 10}


@pytest.fixture
def menu(shop: Shop) -> dict[str, int]:
    return stock(shop)


@pytest.fixture
def owner(shop: Shop) -> Counter:
    """Sokha Lim (the owner) on Till 1: her discounts need no approval."""
    return Counter(shop, "Till 1", "Sokha Lim")


def sale_count(shop: Shop) -> int:
    with shop.ctx.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Sale)) or 0)


def last_number(shop: Shop) -> int:
    with shop.ctx.db.read() as s:
        return int(s.scalar(select(SaleCounter.last_number).where(
            SaleCounter.tenant_id == 1)) or 0)


def test_the_spec_example_adds_up_exactly(menu: dict[str, int], owner: Counter) -> None:
    sale = owner.sold(
        [line(menu["Latte"], 2, 350),  # 7.00
         line(menu["Croissant"], 3, 275, PERCENT_10),  # 8.25 − 0.825→0.83 = 7.42
         line(menu["Muffin"], 1, 400, {"kind": "amount", "value": 50})],  # 4.00 − 0.50
        [cash(1702, 2000)], discount={"kind": "percent", "value": 5})
    assert [(x["name"], x["quantity"], x["unit_price"], x["discount_amount"], x["total"])
            for x in sale["lines"]] == [("Latte", 2, 350, 0, 700),
                                        ("Croissant", 3, 275, 83, 742),
                                        ("Muffin", 1, 400, 50, 350)]
    assert sale["subtotal"] == 1792
    assert sale["discount"]["amount"] == 90  # 5 % of 17.92 = 0.896 → 0.90
    assert sale["discount_total"] == 83 + 50 + 90
    assert sale["total"] == 1702
    assert sale["gross"] == 1925
    assert sale["tax_included"] == 155  # 17.02 × 10/110 = 1.547 → 1.55
    assert sale["payments"] == [{"method": "cash", "amount": 1702, "tendered": 2000,
                                 "change": 298}]
    assert sale["change"] == 298
    # Each line's share of the sale discount (largest remainder) adds up to the total.
    assert [x["net"] for x in sale["lines"]] == [665, 705, 332]
    assert (sale["number"], sale["staff"]["name"], sale["terminal"]["name"]) == (
        1, "Sokha Lim", "Till 1")
    assert sale["session_id"] == owner.session_id
    assert sale["flags"] == [] and sale["refunded"] == 0 and sale["refunds"] == []
    assert sale["completed_at"] == sale["received_at"] == "2026-01-05T09:00:00.000Z"


def test_a_split_between_card_and_cash_gives_change_on_the_cash(
    menu: dict[str, int], owner: Counter
) -> None:
    sale = owner.sold([line(menu["Latte"], 3, 350)], [card(600), cash(450, 500)])
    assert sale["total"] == 1050
    assert sale["payments"] == [
        {"method": "card", "amount": 600, "tendered": None, "change": 0},
        {"method": "cash", "amount": 450, "tendered": 500, "change": 50}]
    assert sale["change"] == 50
    assert sale["tax_included"] == 95  # 10.50 × 10/110 = 0.954 → 0.95


def test_a_full_discount_is_a_sale_with_nothing_to_pay(
    menu: dict[str, int], owner: Counter
) -> None:
    sale = owner.sold([line(menu["Muffin"], 1, 400)], [],
                      discount={"kind": "percent", "value": 100})
    assert (sale["total"], sale["tax_included"], sale["payments"]) == (0, 0, [])
    refused = owner.sell([line(menu["Muffin"], 1, 400)], [cash(400)],
                         discount={"kind": "percent", "value": 100})
    assert refused.status_code == 422
    assert refused.json["error"] == "payment_mismatch"


@pytest.mark.parametrize(("payments", "says"), [
    ([cash(600)], "add up to 600, the total is 700"),
    ([card(300), card(300)], "add up to 600"),
    ([cash(300, 500), cash(400)], "at most one cash"),
    ([cash(700, 600)], "tendered must be at least"),
    ([{"method": "card", "amount": 700, "tendered": 800}], "Only cash gives change"),
    ([], "not paid"),
])
def test_payments_that_do_not_pay_the_total_are_422(
    shop: Shop, menu: dict[str, int], owner: Counter, payments: list[dict[str, Any]], says: str
) -> None:
    refused = owner.sell([line(menu["Latte"], 2, 350)], payments)
    assert refused.status_code == 422, refused.json
    assert refused.json["error"] == "payment_mismatch"
    assert says in refused.json["message"]
    assert sale_count(shop) == 0


def test_the_tax_included_follows_the_shops_rate(shop: Shop) -> None:
    menu = stock(shop, tax_rate_bp=725)  # 7.25 %
    sale = Counter(shop, "Till 1", "Sokha Lim").sold([line(menu["Latte"], 1, 350)],
                                                     [card(350)])
    assert sale["tax_included"] == 24  # 3.50 × 725/10725 = 0.2366 → 0.24


def test_a_discount_larger_than_its_line_is_refused(menu: dict[str, int], owner: Counter
                                                    ) -> None:
    refused = owner.sell([line(menu["Latte"], 1, 350, {"kind": "amount", "value": 351})],
                         [cash(1)])
    assert refused.status_code == 400
    assert "cannot be more than" in refused.json["message"]


# -- the errors of SPEC §6's table ------------------------------------------------------


def test_another_shops_product_is_unknown_and_changes_nothing(
    shop: Shop, menu: dict[str, int], owner: Counter
) -> None:
    refused = owner.sell([line(menu["Latte"], 1, 350), line(menu["Other Latte"], 1, 350)],
                         [cash(700)])
    assert refused.status_code == 404
    assert refused.json["error"] == "unknown_product"
    assert refused.json["product_ids"] == [menu["Other Latte"]]
    assert str(menu["Other Latte"]) in refused.json["message"]
    assert (sale_count(shop), last_number(shop)) == (0, 0)


@pytest.mark.parametrize("how", ["product", "category", "missing"])
def test_a_product_no_longer_sold_is_unknown(
    shop: Shop, menu: dict[str, int], owner: Counter, how: str
) -> None:
    if how == "product":
        catalog.update_product(shop.ctx, TENANT, menu["Latte"], ProductFields(active=False))
    elif how == "category":
        coffee = catalog.list_products(shop.ctx, TENANT)["categories"][0]
        assert coffee["name"] == "Coffee"
        catalog.update_category(shop.ctx, TENANT, coffee["id"], active=False)
    product_id = 999_999 if how == "missing" else menu["Latte"]
    refused = owner.sell([line(product_id, 1, 350)], [cash(350)])
    assert refused.status_code == 404
    assert refused.json["product_ids"] == [product_id]


def test_a_changed_price_is_409_with_the_current_products(
    shop: Shop, menu: dict[str, int], owner: Counter
) -> None:
    catalog.update_product(shop.ctx, TENANT, menu["Latte"], ProductFields(price=375))
    lines = [line(menu["Latte"], 2, 350), line(menu["Muffin"], 1, 400)]
    refused = owner.sell(lines, [cash(1100)])
    assert refused.status_code == 409
    assert refused.json["error"] == "price_changed"
    assert refused.json["products"] == [{
        "id": menu["Latte"], "sku": "LAT-01", "name": "Latte",
        "category_id": refused.json["products"][0]["category_id"], "price": 375,
        "active": True}]
    assert sale_count(shop) == 0
    # The cashier accepts the new total: the same cart at the new price is sold.
    sale = owner.sold([line(menu["Latte"], 2, 375), line(menu["Muffin"], 1, 400)],
                      [cash(1150)])
    assert (sale["total"], sale["number"]) == (1150, 1)


def test_the_same_client_id_and_body_is_the_same_sale(
    shop: Shop, menu: dict[str, int], owner: Counter, clock: FakeClock
) -> None:
    body = owner.body([line(menu["Latte"], 1, 350)], [cash(350, 500)])
    first = owner.post(body)
    assert first.status_code == 201
    clock.advance(30)
    catalog.update_product(shop.ctx, TENANT, menu["Latte"], ProductFields(price=400))
    again = owner.post(body)  # a retry after a timeout, even once the price moved
    assert again.status_code == 200
    assert again.json == first.json
    other = owner.post(body | {"payments": [cash(350, 1000)]})
    assert other.status_code == 409
    assert other.json["error"] == "duplicate_client_id"
    assert sale_count(shop) == 1


def test_a_refused_sale_consumes_no_number(shop: Shop, menu: dict[str, int], owner: Counter
                                           ) -> None:
    assert owner.sold([line(menu["Latte"], 1, 350)], [cash(350)])["number"] == 1
    assert owner.sell([line(menu["Latte"], 1, 340)], [cash(340)]).status_code == 409
    assert owner.sell([line(menu["Latte"], 1, 350)], [cash(300)]).status_code == 422
    assert owner.sell([line(menu["Other Latte"], 1, 350)], [cash(350)]).status_code == 404
    cashier = Counter(shop, "Till 2", "Mealea Sok")
    assert cashier.sell([line(menu["Latte"], 1, 350, PERCENT_10)],
                        [cash(315)]).status_code == 403
    assert owner.sold([line(menu["Muffin"], 1, 400)], [cash(400)])["number"] == 2
    assert last_number(shop) == 2


def test_each_shop_numbers_its_own_sales_from_one(shop: Shop, menu: dict[str, int],
                                                  owner: Counter) -> None:
    owner.sold([line(menu["Latte"], 1, 350)], [cash(350)])
    owner.sold([line(menu["Latte"], 1, 350)], [cash(350)])
    other = Counter(shop, "Other Till", "Other Cashier")
    assert other.sold([line(menu["Other Latte"], 1, 350)], [cash(350)])["number"] == 1


# -- bad input: a clear 4xx, nothing changed --------------------------------------------


def bad_line(menu: dict[str, int], **change: Any) -> dict[str, Any]:
    return line(menu["Latte"], 1, 350) | change


@pytest.mark.parametrize(("mutate", "says"), [
    (lambda b, m: b | {"lines": [bad_line(m, quantity=1.0)]}, "lines[0].quantity"),
    (lambda b, m: b | {"lines": [bad_line(m, quantity="1")]}, "not text or a decimal"),
    (lambda b, m: b | {"lines": [bad_line(m, quantity=True)]}, "lines[0].quantity"),
    (lambda b, m: b | {"lines": [bad_line(m, quantity=-1)]}, "from 1 to 9999"),
    (lambda b, m: b | {"lines": [bad_line(m, quantity=0)]}, "from 1 to 9999"),
    (lambda b, m: b | {"lines": [bad_line(m, quantity=10**12)]}, "from 1 to 9999"),
    (lambda b, m: b | {"lines": [bad_line(m, unit_price=3.5)]}, "lines[0].unit_price"),
    (lambda b, m: b | {"lines": [bad_line(m, unit_price="3.50")]}, "lines[0].unit_price"),
    (lambda b, m: b | {"lines": [bad_line(m, product_id=2**40)]}, "lines[0].product_id"),
    (lambda b, m: b | {"payments": [{"method": "cash", "amount": "3.50"}]},
     "payments[0].amount"),
    (lambda b, m: b | {"payments": [{"method": "cash", "amount": 350.0}]},
     "payments[0].amount"),
    (lambda b, m: b | {"payments": [{"method": "cheque", "amount": 350}]},
     "payments[0].method"),
    (lambda b, m: b | {"discount": {"kind": "percent", "value": 101}}, "discount.value"),
    (lambda b, m: b | {"discount": {"kind": "half", "value": 1}}, "discount.kind"),
    (lambda b, m: b | {"discount": "10%"}, "discount"),
    (lambda b, m: b | {"lines": []}, "at least one"),
    (lambda b, m: {k: v for k, v in b.items() if k != "lines"}, "'lines' is required"),
    (lambda b, m: b | {"lines": [bad_line(m)] * 501}, "at most 500"),
    (lambda b, m: b | {"client_id": ""}, "client_id"),
    (lambda b, m: b | {"client_id": "x" * 65}, "client_id"),
    (lambda b, m: b | {"client_id": 42}, "client_id"),
    (lambda b, m: b | {"completed_at": "2026-01-05T09:00:00"}, "with its zone"),
    (lambda b, m: b | {"completed_at": "yesterday"}, "completed_at"),
    (lambda b, m: b | {"completed_at": "2026-01-05T09:06:00Z"}, "in the future"),
])
def test_bad_bodies_get_a_clear_400_and_change_nothing(
    shop: Shop, menu: dict[str, int], owner: Counter, mutate: Any, says: str
) -> None:
    body = mutate(owner.body([line(menu["Latte"], 1, 350)], [cash(350)]), menu)
    refused = owner.post(body)
    assert refused.status_code == 400, refused.json
    assert refused.json["error"] == "invalid_request"
    assert says in refused.json["message"]
    assert (sale_count(shop), last_number(shop)) == (0, 0)


def test_ten_thousand_lines_are_refused_whole_and_five_hundred_fit(
    shop: Shop, menu: dict[str, int], owner: Counter
) -> None:
    huge = owner.post(owner.body([line(menu["Latte"], 1, 350)] * 10_000, [cash(3_500_000)]))
    assert huge.status_code == 413
    assert huge.json["error"] == "payload_too_large"
    products = [menu[name] for name in ("Latte", "Espresso", "Green Tea", "Croissant")]
    prices = [350, 250, 300, 275]
    lines = [line(products[n % 4], 9, prices[n % 4], PERCENT_10) for n in range(500)]
    # Each group of four: 28.35 + 20.25 + 24.30 + 22.27 (24.75 − 2.475 → 2.48 off).
    sale = owner.sold(lines, [card(125 * (2835 + 2025 + 2430 + 2227))])
    assert len(sale["lines"]) == 500
    assert sale_count(shop) == 1


def test_the_earliest_and_latest_completion_times_are_accepted(
    menu: dict[str, int], owner: Counter, clock: FakeClock
) -> None:
    now = clock.now()
    early = owner.sold([line(menu["Latte"], 1, 350)], [cash(350)],
                       completed_at=now - timedelta(hours=72))
    late = owner.sold([line(menu["Latte"], 1, 350)], [cash(350)],
                      completed_at=now + timedelta(minutes=5))
    assert early["flags"] == ["offline"] and late["flags"] == []


# -- reading sales back --------------------------------------------------------------------


def test_a_till_lists_its_own_newest_sales_and_reads_any_of_the_shop(
    shop: Shop, menu: dict[str, int], owner: Counter
) -> None:
    ids = [owner.sold([line(menu["Latte"], n, 350)], [cash(350 * n)])["id"]
           for n in (1, 2, 3)]
    cashier = Counter(shop, "Till 2", "Mealea Sok")
    theirs = cashier.sold([line(menu["Muffin"], 1, 400)], [cash(400)])
    listed = shop.pos("GET", "sales?limit=2", "Till 1", owner.token)
    assert listed.status_code == 200
    assert [x["id"] for x in listed.json["sales"]] == [ids[2], ids[1]]
    assert [x["id"] for x in shop.pos("GET", "sales", "Till 2", cashier.token)
            .json["sales"]] == [theirs["id"]]
    one = shop.pos("GET", f"sales/{theirs['id']}", "Till 1", owner.token)
    assert one.status_code == 200 and one.json == theirs
    for limit in ("0", "101", "ten", "-1"):
        refused = shop.pos("GET", f"sales?limit={limit}", "Till 1", owner.token)
        assert refused.status_code == 400 and "limit" in refused.json["message"]


def test_another_shops_sale_is_not_found(shop: Shop, menu: dict[str, int], owner: Counter
                                         ) -> None:
    other = Counter(shop, "Other Till", "Other Cashier")
    theirs = other.sold([line(menu["Other Latte"], 1, 350)], [cash(350)])
    for sale_id in (theirs["id"], 12345, 2**31):
        response = shop.pos("GET", f"sales/{sale_id}", "Till 1", owner.token)
        assert response.status_code == 404, sale_id
        assert response.json["error"] == "not_found"


def test_selling_needs_the_tills_key_and_a_session_of_that_till(
    shop: Shop, menu: dict[str, int], owner: Counter
) -> None:
    body = owner.body([line(menu["Latte"], 1, 350)], [cash(350)])
    other_till = shop.client.post("/api/v1/pos/sales", json=body, headers={
        "X-Terminal-Key": shop.keys["Till 2"], "Authorization": f"Bearer {owner.token}"})
    assert other_till.status_code == 401 and other_till.json["error"] == "invalid_token"
    other_shop = shop.client.post("/api/v1/pos/sales", json=body, headers={
        "X-Terminal-Key": shop.keys["Other Till"], "Authorization": f"Bearer {owner.token}"})
    assert other_shop.status_code == 401 and other_shop.json["error"] == "invalid_token"
    no_key = shop.client.post("/api/v1/pos/sales", json=body,
                              headers={"Authorization": f"Bearer {owner.token}"})
    assert no_key.status_code == 401 and no_key.json["error"] == "invalid_terminal"
    wrong_shop = shop.client.post("/api/v1/pos/sales", json=body, headers={
        "X-Terminal-Key": shop.keys["Till 1"], "Authorization": f"Bearer {owner.token}",
        "X-Nix-Tenant": OTHER_TENANT})
    assert wrong_shop.status_code == 401 and wrong_shop.json["error"] == "tenant_mismatch"
    assert sale_count(shop) == 0
