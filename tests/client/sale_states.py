"""A till's state on each sale screen at its fullest, through the real core (no server).

A café menu, a cart of many lines with discounts, a split payment with change,
a receipt, recent sales and a refund: what the screen-fit tests show and
measure, built with the same events a cashier's taps make.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from nixpos.core import words
from nixpos.core.answers import Ok, Refused, Unreachable
from nixpos.core.cart import Cart
from nixpos.core.clock import FakeClock
from nixpos.core.pricing import Discount, DiscountKind, PaymentMethod
from nixpos.core.sale_state import ListSales, PostSale
from nixpos.core.ticker import FakeTicker
from nixpos.core.till_state import FetchStatus, TillState

Json = dict[str, Any]
OVER_REFUND = "Only 1 of Latte can still be refunded: 1 was refunded before."
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
DARA = {"id": 2, "name": "Dara Chan", "role": "manager"}
POLICY = {"idle_timeout_s": 900, "warning_s": 60, "poll_interval_s": 3, "pin_length": 4}
MENU = {
    "Coffee": [("Espresso", 250), ("Americano", 300), ("Latte", 350), ("Cappuccino", 350),
               ("Flat white", 375), ("Iced caramel macchiato", 475), ("Mocha", 425),
               ("Cold brew", 400)],
    "Tea": [("Green tea", 275), ("Jasmine tea", 275), ("Chai latte", 400)],
    "Bakery": [("Croissant", 275), ("Pain au chocolat", 325), ("Banana bread", 300),
               ("Almond croissant", 350)],
    "Cold drinks": [("Mango smoothie", 450), ("Fresh orange juice", 400),
                    ("Sparkling water", 150)],
}


def catalog() -> Json:
    categories, products = [], []
    for category_id, (category, items) in enumerate(MENU.items(), start=1):
        categories.append({"id": category_id, "name": category})
        for at, (name, price) in enumerate(items, start=1):
            products.append({"id": category_id * 100 + at, "sku": f"{name[:3].upper()}-{at:02}",
                             "name": name, "category_id": category_id, "price": price,
                             "active": True})
    return {"currency": {"code": "USD", "exponent": 2}, "tax_rate_bp": 1000,
            "categories": categories, "products": products}


def product_id(name: str) -> int:
    return next(int(p["id"]) for p in catalog()["products"] if p["name"] == name)


def signed_in(staff: Json = DARA) -> TillState:
    """A manager signed in (no approvals to wait for), the café's menu loaded."""
    state = TillState(FakeTicker(), till="Till 1", shop="Lumière Coffee", clock=FakeClock(NOW))
    state.answered(FetchStatus(0), Ok({
        "terminal": {"id": 1, "name": "Till 1"},
        "tenant": {"code": "lumiere-coffee", "name": "Lumière Coffee"}, "policy": POLICY,
        "lockout": {"locked": False, "retry_after_s": 0}}))
    unlock = state.pin_entered("5193")[0]
    menu = state.answered(unlock, Ok({"token": "t0k3n", "session": {
        "id": 7, "state": "active", "staff": staff, "terminal": {"id": 1, "name": "Till 1"},
        "override": False}}))[0]
    state.answered(menu, Ok(catalog(), etag='"v1"'))
    return state


def busy(state: TillState) -> TillState:
    """Everything the notes row says at once: a sale sold offline the server then refused,
    a manager's approval, and a scanned code that is no product."""
    state.sale.product_tapped(product_id("Espresso"))
    state.pay_pressed()
    posted = state.tender(PaymentMethod.CASH)
    state.answered(posted[0], Unreachable("timeout"))  # sold offline
    state.answered(state.background_call(), Refused(401, "invalid_proof", "Not this till's."))
    state.sale.done_with_receipt()
    state.notice = words.approved(words.action_label("discount"), "Dara Chan")
    state.sale.scanned("9780306406157")
    return state


def full_cart(state: TillState) -> TillState:
    """Nine lines, a line discount and a sale discount."""
    for name in ("Iced caramel macchiato", "Latte", "Latte", "Cappuccino", "Croissant",
                 "Pain au chocolat", "Banana bread", "Mango smoothie", "Fresh orange juice",
                 "Sparkling water"):
        state.sale.product_tapped(product_id(name))
    state.discount_requested(1, Discount(DiscountKind.PERCENT, 10))
    state.discount_requested(None, Discount(DiscountKind.AMOUNT, 100))
    state.sale.query_typed("")
    return state


def prices_changed(state: TillState) -> TillState:
    """Paid exactly in cash, but the server's Latte and Croissant cost more now."""
    state.pay_pressed()
    posted = state.tender(PaymentMethod.CASH)
    assert len(posted) == 1
    products = {p["name"]: p for p in catalog()["products"]}
    state.answered(posted[0], Refused(409, "price_changed", "Prices changed.", {"products": [
        products["Latte"] | {"price": 375}, products["Croissant"] | {"price": 300}]}))
    return state


def tendering(state: TillState) -> TillState:
    """A card payment taken, $50.00 typed for the rest in cash: change due shows."""
    full_cart(state)
    state.pay_pressed()
    state.tender(PaymentMethod.CARD, 1000)
    for key in "5000":
        state.sale.tender_key(key)
    return state


def sale_body(body: Json, number: int = 1042, staff: Json = DARA) -> Json:
    """What the server answers to a sale's ``body`` (SPEC §6 ``Sale``), summed by the core
    as the server sums it."""
    names = {p["id"]: p["name"] for p in catalog()["products"]}
    cart = Cart.from_json(body | {
        "tax_rate_bp": catalog()["tax_rate_bp"],
        "names": [names[line["product_id"]] for line in body["lines"]]})
    totals = cart.totals()
    lines = [{"id": at + 1, "product_id": line.product_id, "name": line.name,
              "quantity": line.quantity, "unit_price": line.unit_price,
              "discount_amount": total.discount, "total": total.total}
             for at, (line, total) in enumerate(zip(cart.lines, totals.lines, strict=True))]
    payments = [{"method": p.method.value, "amount": p.amount, "tendered": p.tendered,
                 "change": p.change} for p in cart.payments]
    return {"id": number, "number": number, "client_id": cart.client_id, "session_id": 7,
            "staff": staff, "terminal": {"id": 1, "name": "Till 1"}, "lines": lines,
            "voided": body["voided"], "subtotal": totals.subtotal,
            "discount_total": totals.discount_total, "total": totals.total,
            "tax_included": totals.tax_included, "payments": payments,
            "change": cart.change_due, "refunded": 0, "refunds": [],
            "completed_at": body["completed_at"], "received_at": body["completed_at"],
            "flags": []}


def receipt(state: TillState) -> TillState:
    """The sale paid by card and cash, recorded by the server: its receipt and change."""
    tendering(state)
    posted = state.tender(PaymentMethod.CASH)
    assert len(posted) == 1 and isinstance(posted[0], PostSale)
    state.answered(posted[0], Ok(sale_body(posted[0].body)))
    return state


def recent(state: TillState) -> TillState:
    """This till's recent sales, the newest a refunded one."""
    receipt(state)
    sales = [state.sale.recent[0] | {"refunded": 350}]
    sales += [state.sale.recent[0] | {"id": n, "number": n, "refunded": 0}
              for n in range(1041, 1029, -1)]
    state.recent_requested()
    state.answered(ListSales("t0k3n"), Ok({"sales": sales}))
    return state


def refunding(state: TillState) -> TillState:
    """A refund being prepared: lines chosen, card, a reason."""
    recent(state)
    state.sale.start_refund(1041)
    for line_id in (1, 2, 2):
        state.sale.refund_quantity(line_id, 1 if line_id == 1 else 2)
    state.sale.refund_method(PaymentMethod.CARD)
    state.sale.refund_reason("Wrong order")
    return state
