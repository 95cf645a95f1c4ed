"""Refunds (SPEC §6): shares that add up exactly, never more than was sold, a cashier's
approval bound to the sale, and a retry that makes nothing twice."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from nixpos.server.models import AuditEvent
from tests.helpers import Shop
from tests.server.selling import Counter, card, cash, line, stock


@pytest.fixture
def menu(shop: Shop) -> dict[str, int]:
    return stock(shop)


@pytest.fixture
def owner(shop: Shop) -> Counter:
    return Counter(shop, "Till 1", "Sokha Lim")


def units(sale_line: dict[str, Any], quantity: int) -> dict[str, int]:
    return {"line_id": sale_line["id"], "quantity": quantity}


def three_lattes_and_a_muffin(menu: dict[str, int], till: Counter) -> dict[str, Any]:
    """3 × 3.50 + 4.00 = 14.50, less 1.00 off the sale: 13.50. The lines' nets are
    10.50 − 0.72 = 9.78 and 4.00 − 0.28 = 3.72 (shares 0.724 and 0.276)."""
    sale = till.sold([line(menu["Latte"], 3, 350), line(menu["Muffin"], 1, 400)],
                     [cash(1350, 2000)], discount={"kind": "amount", "value": 100})
    assert [x["net"] for x in sale["lines"]] == [978, 372]
    return sale


def test_partial_refunds_add_up_to_the_total_exactly(
    shop: Shop, menu: dict[str, int], owner: Counter
) -> None:
    sale = three_lattes_and_a_muffin(menu, owner)
    lattes, muffin = sale["lines"]
    amounts = []
    for _ in range(3):  # one latte at a time: 3.26, 3.26, then the rest, 3.26
        refund = owner.refund(sale["id"], [units(lattes, 1)])
        assert refund.status_code == 201, refund.json
        amounts.append(refund.json["amount"])
    assert amounts == [326, 326, 326]
    last = owner.refund(sale["id"], [units(muffin, 1)], method="card")
    assert last.json["amount"] == 372
    assert sum(amounts) + last.json["amount"] == sale["total"]
    after = shop.pos("GET", f"sales/{sale['id']}", "Till 1", owner.token).json
    assert after["refunded"] == 1350
    assert [r["amount"] for r in after["refunds"]] == [326, 326, 326, 372]
    assert [(x["refunded_quantity"], x["refunded_amount"]) for x in after["lines"]] == [
        (3, 978), (1, 372)]
    assert after["refunds"][3]["method"] == "card"


def test_the_last_unit_returns_what_is_left(shop: Shop, menu: dict[str, int],
                                            owner: Counter) -> None:
    # 3 × 3.50 with 10 % off the line (9.45), 0.01 off the sale: 9.44 for three.
    sale = owner.sold([line(menu["Latte"], 3, 350, {"kind": "percent", "value": 10})],
                      [card(944)], discount={"kind": "amount", "value": 1})
    (lattes,) = sale["lines"]
    assert lattes["net"] == 944
    first = owner.refund(sale["id"], [units(lattes, 2)]).json  # round(9.44 × 2/3) = 6.29
    rest = owner.refund(sale["id"], [units(lattes, 1)]).json
    assert (first["amount"], rest["amount"]) == (629, 315)
    assert first["amount"] + rest["amount"] == sale["total"]


def test_refunding_more_than_was_sold_is_refused_clearly(
    shop: Shop, menu: dict[str, int], owner: Counter
) -> None:
    sale = three_lattes_and_a_muffin(menu, owner)
    lattes, muffin = sale["lines"]
    too_many = owner.refund(sale["id"], [units(lattes, 4)])
    assert too_many.status_code == 409
    assert too_many.json["error"] == "over_refund"
    assert too_many.json["message"] == "Latte: 3 sold, 3 left to refund; 4 is more than that."
    assert owner.refund(sale["id"], [units(lattes, 2)]).status_code == 201
    again = owner.refund(sale["id"], [units(lattes, 1), units(muffin, 1)])
    assert again.status_code == 201
    nothing_left = owner.refund(sale["id"], [units(muffin, 1)])
    assert nothing_left.status_code == 409
    assert "0 left to refund" in nothing_left.json["message"]
    after = shop.pos("GET", f"sales/{sale['id']}", "Till 1", owner.token).json
    assert after["refunded"] == sale["total"]


def test_a_cashiers_refund_needs_an_approval_for_that_sale(
    shop: Shop, menu: dict[str, int], owner: Counter
) -> None:
    first = three_lattes_and_a_muffin(menu, owner)
    second = three_lattes_and_a_muffin(menu, owner)
    cashier = Counter(shop, "Till 2", "Mealea Sok")
    lattes = second["lines"][0]
    refused = cashier.refund(second["id"], [units(lattes, 1)])
    assert refused.status_code == 403
    assert refused.json["error"] == "approval_required"
    for_the_other_sale = cashier.approve("Dara Chan", "refund", {"sale_id": first["id"]})
    wrong = cashier.refund(second["id"], [units(lattes, 1)], approval_id=for_the_other_sale)
    assert wrong.status_code == 409 and wrong.json["error"] == "approval_invalid"
    approval = cashier.approve("Dara Chan", "refund", {"sale_id": second["id"]})
    refund = cashier.refund(second["id"], [units(lattes, 1)], approval_id=approval)
    assert refund.status_code == 201
    assert refund.json["approved_by"]["name"] == "Dara Chan"
    assert refund.json["staff"]["name"] == "Mealea Sok"
    with shop.ctx.db.read() as s:
        audited = s.scalars(select(AuditEvent).where(AuditEvent.kind == "refund")).one()
        assert audited.detail["approved_by"] == "Dara Chan"
        assert audited.detail["amount"] == refund.json["amount"]
        assert audited.detail["reason"] == "wrong order"


def test_the_same_client_id_is_the_same_refund(shop: Shop, menu: dict[str, int],
                                               owner: Counter) -> None:
    sale = three_lattes_and_a_muffin(menu, owner)
    client_id = uuid.uuid4().hex
    lattes = sale["lines"][0]
    first = owner.refund(sale["id"], [units(lattes, 1)], client_id=client_id)
    again = owner.refund(sale["id"], [units(lattes, 1)], client_id=client_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    other = owner.refund(sale["id"], [units(lattes, 2)], client_id=client_id)
    assert other.status_code == 409 and other.json["error"] == "duplicate_client_id"
    after = shop.pos("GET", f"sales/{sale['id']}", "Till 1", owner.token).json
    assert after["refunded"] == first.json["amount"]


@pytest.mark.parametrize(("change", "status", "says"), [
    ({"lines": []}, 400, "at least one"),
    ({"lines": [{"line_id": 1, "quantity": 0}]}, 400, "lines[0].quantity"),
    ({"lines": [{"line_id": 1, "quantity": 1.0}]}, 400, "lines[0].quantity"),
    ({"lines": [{"line_id": 1, "quantity": 1}, {"line_id": 1, "quantity": 1}]}, 400,
     "once"),
    ({"lines": [{"line_id": 99999, "quantity": 1}]}, 400, "not a line of sale 1"),
    ({"method": "gift"}, 400, "'method'"),
    ({"reason": "   "}, 400, "'reason'"),
    ({"reason": "x" * 201}, 400, "at most 200"),
    ({"approval_id": "7"}, 400, "approval_id"),
])
def test_bad_refunds_change_nothing(
    shop: Shop, menu: dict[str, int], owner: Counter, change: dict[str, Any], status: int,
    says: str
) -> None:
    sale = three_lattes_and_a_muffin(menu, owner)
    body = {"client_id": uuid.uuid4().hex, "lines": [units(sale["lines"][0], 1)],
            "method": "cash", "approval_id": None, "reason": "wrong order"} | change
    refused = shop.pos("POST", f"sales/{sale['id']}/refunds", "Till 1", owner.token, json=body)
    assert refused.status_code == status, refused.json
    assert says in refused.json["message"]
    assert shop.pos("GET", f"sales/{sale['id']}", "Till 1", owner.token).json["refunded"] == 0


def test_another_shops_sale_cannot_be_refunded(shop: Shop, menu: dict[str, int],
                                               owner: Counter) -> None:
    other = Counter(shop, "Other Till", "Other Cashier")
    theirs = other.sold([line(menu["Other Latte"], 1, 350)], [cash(350)])
    refused = owner.refund(theirs["id"], [units(theirs["lines"][0], 1)])
    assert refused.status_code == 404


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_order_of_partial_refunds_returns_exactly_the_total(
    menu: dict[str, int], owner: Counter, data: st.DataObject
) -> None:
    names = ["Latte", "Espresso", "Green Tea", "Croissant", "Muffin"]
    prices = [350, 250, 300, 275, 400]
    picked = data.draw(st.lists(st.integers(0, 4), min_size=1, max_size=4, unique=True))
    quantities = [data.draw(st.integers(1, 5)) for _ in picked]
    lines = [line(menu[names[i]], q, prices[i]) for i, q in zip(picked, quantities, strict=True)]
    subtotal = sum(prices[i] * q for i, q in zip(picked, quantities, strict=True))
    off = data.draw(st.integers(0, subtotal - 1))
    discount = {"kind": "amount", "value": off} if off else None
    sale = owner.sold(lines, [card(subtotal - off)], discount=discount)
    left = {x["id"]: x["quantity"] for x in sale["lines"]}
    returned = 0
    while any(left.values()):
        line_id = data.draw(st.sampled_from([k for k, v in left.items() if v]))
        count = data.draw(st.integers(1, left[line_id]))
        refund = owner.refund(sale["id"], [{"line_id": line_id, "quantity": count}])
        assert refund.status_code == 201, refund.json
        returned += refund.json["amount"]
        left[line_id] -= count
        assert returned <= sale["total"]
    assert returned == sale["total"]
