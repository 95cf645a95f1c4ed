"""A cashier's discounts and voids need a manager's approval bound to their detail (SPEC §6)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from nixpos.core.clock import FakeClock
from nixpos.server.models import Approval, AuditEvent
from tests.helpers import Shop
from tests.server.selling import Counter, card, cash, line, stock

TEN = {"kind": "percent", "value": 10}


@pytest.fixture
def menu(shop: Shop) -> dict[str, int]:
    return stock(shop)


@pytest.fixture
def cashier(shop: Shop) -> Counter:
    return Counter(shop, "Till 1", "Mealea Sok")


def with_approval(discount: dict[str, object], approval_id: int) -> dict[str, object]:
    return discount | {"approval_id": approval_id}


def test_a_cashiers_discount_needs_an_approval_of_that_discount(
    shop: Shop, menu: dict[str, int], cashier: Counter
) -> None:
    refused = cashier.sell([line(menu["Latte"], 2, 350, TEN)], [cash(630)])
    assert refused.status_code == 403
    assert refused.json["error"] == "approval_required"
    assert "Latte" in refused.json["message"]
    approval = cashier.approve("Dara Chan", "discount", TEN)
    sale = cashier.sold([line(menu["Latte"], 2, 350, with_approval(TEN, approval))],
                        [cash(630)])
    assert sale["lines"][0]["discount"] == TEN | {"approval_id": approval}
    assert sale["total"] == 630


def test_a_sale_discount_needs_its_own_approval(shop: Shop, menu: dict[str, int],
                                                cashier: Counter) -> None:
    amount = {"kind": "amount", "value": 100}
    refused = cashier.sell([line(menu["Latte"], 2, 350)], [cash(600)], discount=amount)
    assert refused.status_code == 403
    approval = cashier.approve("Sokha Lim", "discount", amount)
    sale = cashier.sold([line(menu["Latte"], 2, 350)], [cash(600)],
                        discount=with_approval(amount, approval))
    assert sale["discount"] == amount | {"approval_id": approval, "amount": 100}


def test_an_approval_serves_one_sale_only(shop: Shop, menu: dict[str, int], cashier: Counter
                                          ) -> None:
    approval = cashier.approve("Dara Chan", "discount", TEN)
    lines = [line(menu["Latte"], 1, 350, with_approval(TEN, approval))]
    assert cashier.sell(lines, [cash(315)]).status_code == 201
    again = cashier.sell(lines, [cash(315)])  # another sale (a new client_id)
    assert again.status_code == 409
    assert again.json["error"] == "approval_invalid"
    assert "already used" in again.json["message"]
    twice = cashier.approve("Dara Chan", "discount", TEN)
    both = [line(menu["Latte"], 1, 350, with_approval(TEN, twice)),
            line(menu["Muffin"], 1, 400, with_approval(TEN, twice))]
    assert cashier.sell(both, [cash(675)]).status_code == 409


@pytest.mark.parametrize(("action", "detail"), [
    ("discount", {"kind": "percent", "value": 20}),
    ("discount", {"kind": "amount", "value": 10}),
    ("discount", {"kind": "percent", "value": "10"}),
    ("discount", {}),
    ("void_line", TEN),
    ("refund", TEN),
])
def test_an_approval_of_another_detail_or_action_is_invalid(
    shop: Shop, menu: dict[str, int], cashier: Counter, action: str, detail: dict[str, object]
) -> None:
    approval = cashier.approve("Dara Chan", action, detail)
    refused = cashier.sell([line(menu["Latte"], 1, 350, with_approval(TEN, approval))],
                           [cash(315)])
    assert refused.status_code == 409
    assert refused.json["error"] == "approval_invalid"
    assert "another action or amount" in refused.json["message"]


def test_an_approval_from_another_till_is_invalid_and_nothing_is_spent(
    shop: Shop, menu: dict[str, int]
) -> None:
    on_till_2 = Counter(shop, "Till 2", "Mealea Sok")
    approval = on_till_2.approve("Sokha Lim", "discount", TEN)
    on_till_1 = Counter(shop, "Till 1", "Mealea Sok")  # she moved (ends Till 2's session)
    refused = on_till_1.sell([line(menu["Latte"], 1, 350, with_approval(TEN, approval))],
                             [cash(315)])
    assert refused.status_code == 409
    assert "another till" in refused.json["message"]
    with shop.ctx.db.read() as s:
        assert s.get_one(Approval, approval).consumed_at is None


def test_an_approval_given_to_someone_else_is_invalid(
    shop: Shop, menu: dict[str, int], cashier: Counter
) -> None:
    approval = cashier.approve("Dara Chan", "discount", TEN)
    colleague = Counter(shop, "Till 1", "Vannak Kim")  # replaces Mealea on Till 1
    refused = colleague.sell([line(menu["Latte"], 1, 350, with_approval(TEN, approval))],
                             [cash(315)])
    assert refused.status_code == 409
    assert "someone else" in refused.json["message"]


def test_an_unclaimed_approval_expires_but_a_claimed_one_waits_for_the_payment(
    shop: Shop, menu: dict[str, int], cashier: Counter, clock: FakeClock
) -> None:
    lapsed = cashier.approve("Dara Chan", "discount", TEN)
    claimed = cashier.approve("Dara Chan", "discount", TEN)
    assert cashier.claim(claimed, "discount").status_code == 200
    clock.advance(61)  # the customer took a while to pay
    refused = cashier.sell([line(menu["Latte"], 1, 350, with_approval(TEN, lapsed))],
                           [cash(315)])
    assert refused.status_code == 409
    assert "expired before the till claimed it" in refused.json["message"]
    clock.advance(240)
    sale = cashier.sold([line(menu["Latte"], 1, 350, with_approval(TEN, claimed))],
                        [cash(315)])
    assert sale["total"] == 315
    # Spent, it cannot be claimed again either.
    assert cashier.claim(claimed, "discount").status_code == 409


def test_a_void_needs_an_approval_of_that_product_and_quantity(
    shop: Shop, menu: dict[str, int], cashier: Counter
) -> None:
    def voided(approval_id: int | None) -> list[dict[str, object]]:
        return [{"product_id": menu["Muffin"], "quantity": 2, "approval_id": approval_id}]

    lines = [line(menu["Latte"], 1, 350)]
    refused = cashier.sell(lines, [cash(350)], voided=voided(None))
    assert refused.status_code == 403
    assert "voiding 2 × Muffin" in refused.json["message"]
    one_muffin = cashier.approve("Dara Chan", "void_line",
                                 {"product_id": menu["Muffin"], "quantity": 1})
    assert cashier.sell(lines, [cash(350)], voided=voided(one_muffin)).status_code == 409
    two_muffins = cashier.approve("Dara Chan", "void_line",
                                  {"product_id": menu["Muffin"], "quantity": 2,
                                   "name": "Muffin"})  # extra words for the log are fine
    sale = cashier.sold(lines, [cash(350)], voided=voided(two_muffins))
    assert sale["voided"] == [{"product_id": menu["Muffin"], "name": "Muffin", "quantity": 2,
                               "approval_id": two_muffins}]


def test_a_managers_own_session_needs_no_approval(shop: Shop, menu: dict[str, int]) -> None:
    manager = Counter(shop, "Till 1", "Dara Chan")
    sale = manager.sold([line(menu["Latte"], 2, 350, TEN)], [card(600)],
                        discount={"kind": "amount", "value": 30},
                        voided=[{"product_id": menu["Muffin"], "quantity": 1}])
    assert (sale["total"], sale["discount_total"]) == (600, 70 + 30)


def test_a_refused_sale_leaves_its_approvals_unspent(shop: Shop, menu: dict[str, int],
                                                     cashier: Counter) -> None:
    good = cashier.approve("Dara Chan", "discount", TEN)
    wrong = cashier.approve("Dara Chan", "discount", {"kind": "percent", "value": 50})
    refused = cashier.sell([line(menu["Latte"], 1, 350, with_approval(TEN, good)),
                            line(menu["Muffin"], 1, 400, with_approval(TEN, wrong))],
                           [cash(675)])
    assert refused.status_code == 409
    sale = cashier.sold([line(menu["Latte"], 1, 350, with_approval(TEN, good))], [cash(315)])
    assert sale["number"] == 1


def test_spent_approvals_are_audited_with_who_approved_what(
    shop: Shop, menu: dict[str, int], cashier: Counter
) -> None:
    approval = cashier.approve("Dara Chan", "discount", TEN)
    sale = cashier.sold([line(menu["Latte"], 1, 350, with_approval(TEN, approval))],
                        [cash(315)])
    with shop.ctx.db.read() as s:
        spent = s.scalars(select(AuditEvent).where(AuditEvent.kind == "approval_consumed")).one()
        assert spent.actor is not None and spent.actor.name == "Dara Chan"
        assert spent.subject is not None and spent.subject.name == "Mealea Sok"
        assert spent.terminal is not None and spent.terminal.name == "Till 1"
        assert spent.detail["detail"] == TEN
        assert spent.detail["sale_number"] == sale["number"]
        recorded = s.scalars(select(AuditEvent).where(AuditEvent.kind == "sale")).one()
        assert recorded.detail["number"] == 1 and recorded.detail["total"] == 315
    office = shop.login("dara@lumiere.example")
    detail = shop.admin("GET", f"sales/{sale['id']}", office).json
    assert detail["approvals"][0]["approved_by"]["name"] == "Dara Chan"
    assert detail["approvals"][0]["action"] == "discount"
    assert detail["approvals"][0]["detail"] == TEN
