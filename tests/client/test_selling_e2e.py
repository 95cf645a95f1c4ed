"""A real till sells against a real server (waitress on a free port), end to end.

The till's core decides and its controller makes the real HTTP calls; the
manager's approvals go through the real dialog; the back office's JSON API
then shows what was sold, who approved what, and the refund.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from nixpos.client.till import Till
from nixpos.core.pricing import Discount, DiscountKind, PaymentMethod
from nixpos.core.sale_state import SaleMode
from tests.client.test_till_e2e import admin_token, unlock
from tests.helpers import Shop, until
from tests.live_server import LiveServer
from tests.server.selling import stock

Run = Callable[[Any], Any]
MakeTill = Callable[[str], Till]


def manager_approves(run: Run, till: Till, pin: str) -> None:
    """A manager types their PIN in the dialog the till opened."""
    run(until(lambda: till.controller.dialog is not None))
    dialog = till.controller.dialog
    assert dialog is not None
    for digit in [*pin, "Enter"]:
        dialog.keypad.press(digit)
    run(until(lambda: till.controller.dialog is None, timeout=5))


def test_a_cashier_sells_with_a_managers_discount_and_the_back_office_sees_it(
    live_shop: Shop, live_server: LiveServer, make_till: MakeTill, run: Run
) -> None:
    menu = stock(live_shop)
    till = make_till("Till 1")
    unlock(run, till, live_shop.pins["Mealea Sok"])
    run(until(lambda: till.state.sale.catalog is not None))
    act, state = till.controller.act, till.state
    act(state.sale.product_tapped, menu["Latte"])
    act(state.sale.product_tapped, menu["Latte"])
    act(state.sale.product_tapped, menu["Croissant"])
    act(state.discount_requested, 0, Discount(DiscountKind.PERCENT, 10))
    manager_approves(run, till, live_shop.pins["Dara Chan"])
    view = state.view().sale
    assert view is not None and view.total == "$9.05"  # 7.00 − 0.70 + 2.75
    act(state.sale.pay_pressed)
    act(state.tender, PaymentMethod.CASH, 2000)
    run(until(lambda: state.sale.receipt is not None and "number" in state.sale.receipt))
    receipt = [" ".join(line.split()) for line in state.view().sale.receipt]
    assert "Sale 1 · Till 1 · Mealea Sok" in receipt
    assert any(line.startswith("Change") and line.endswith("$10.95") for line in receipt)

    office = {"Authorization": f"Bearer {admin_token(live_server, 'dara@lumiere.example')}"}
    report = httpx.get(f"{live_server.url}/api/v1/admin/sales", headers=office).json()
    assert report["totals"]["count"] == 1
    sale = report["sales"][0]
    assert (sale["number"], sale["total"], sale["change"]) == (1, 905, 1095)
    detail = httpx.get(f"{live_server.url}/api/v1/admin/sales/{sale['id']}", headers=office)
    approvals = detail.json()["approvals"]  # who approved what, as the back office shows it
    assert [(a["action"], a["approved_by"]["name"]) for a in approvals] == [
        ("discount", "Dara Chan")]


def test_a_cashiers_void_and_refund_need_a_manager_and_reach_the_server(
    live_shop: Shop, live_server: LiveServer, make_till: MakeTill, run: Run
) -> None:
    menu = stock(live_shop)
    till = make_till("Till 1")
    unlock(run, till, live_shop.pins["Mealea Sok"])
    run(until(lambda: till.state.sale.catalog is not None))
    act, state = till.controller.act, till.state
    for _ in range(3):
        act(state.sale.product_tapped, menu["Muffin"])
    act(state.void_requested, 0, 1)
    manager_approves(run, till, live_shop.pins["Dara Chan"])
    assert state.sale.cart.lines[0].quantity == 2
    act(state.sale.pay_pressed)
    act(state.tender, PaymentMethod.CARD, 800)
    run(until(lambda: state.sale.receipt is not None and "number" in state.sale.receipt))
    act(state.sale.done_with_receipt)

    act(state.recent_requested)
    run(until(lambda: bool(state.sale.recent)))
    sale_id = int(state.sale.recent[0]["id"])
    act(state.sale.start_refund, sale_id)
    line_id = state.view().sale.refund[0][0]
    act(state.sale.refund_quantity, line_id, 1)
    act(state.sale.refund_method, PaymentMethod.CARD)
    act(state.sale.refund_reason, "Dropped on the floor")
    act(state.refund_confirmed)
    manager_approves(run, till, live_shop.pins["Dara Chan"])
    run(until(lambda: state.sale.message.startswith("Refunded")))
    assert state.sale.message == "Refunded $4.00."
    assert state.sale.mode is SaleMode.RECENT
