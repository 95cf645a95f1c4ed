"""Selling at the till, tapped and typed like a cashier does, against a scripted server.

Real widgets, the real controller and core, and ``httpx.MockTransport``
answering as SPEC §6 says: ring up by tap, search and scanner; a void and a
discount with a manager's approval (and a cashier's PIN refused); cash with
change; a split; the receipt printed to a PDF and read back; a refund with
approval; a lock (also mid-tender) that keeps the cart; prices that changed.
Every request body the till sends is checked against SPEC §6. What the rules
decide is tested without Qt in ``tests/core``; the real server after the merge.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from nixpos.client import printing
from nixpos.client.printing import ReceiptPrinter
from nixpos.client.till import Till
from nixpos.client.views.products import ProductButton
from nixpos.client.views.sale_screen import SaleScreen
from nixpos.core import words
from nixpos.core.pricing import PaymentMethod
from nixpos.core.receipt import local_time
from nixpos.core.sale_state import SaleMode
from nixpos.core.ticker import FakeTicker
from tests.client import sale_states
from tests.client.scripted import (
    DARA,
    MEALEA,
    Json,
    Run,
    ScriptedServer,
    session,
    type_keys,
    unlock,
)

CASHIER_PIN, MANAGER_PIN = "3918", "5193"
SALES = "POST /api/v1/pos/sales"
OVERRIDE = "POST /api/v1/pos/override"
APPROVAL_ID = 41
NOW_Z = "2026-11-25T12:30:00Z"  # the till's (fake) clock
LATTE, CROISSANT = sale_states.product_id("Latte"), sale_states.product_id("Croissant")
# SPEC §6: the fields of a sale's body, a line, a void and a payment; nothing else.
SALE_FIELDS = {"client_id", "lines", "discount", "voided", "payments", "completed_at"}
LINE_FIELDS = {"product_id", "quantity", "unit_price", "discount"}
PAYMENT_FIELDS = {"method", "amount", "tendered"}


# -- the scripted café ---------------------------------------------------------------------


@pytest.fixture
def cafe(server: ScriptedServer) -> ScriptedServer:
    """The menu, a manager who approves (a cashier's PIN is refused), and sales recorded as
    the server records them, numbered from 1042."""
    server.say("GET /api/v1/pos/catalog", 200, sale_states.catalog())

    def override(body: Json | None) -> tuple[int, Json]:
        assert body is not None
        if body["pin"] != MANAGER_PIN:
            return 403, {"error": "not_manager", "message": "Not a manager."}
        return 201, {"approval": {"id": APPROVAL_ID, "action": body["action"],
                                  "approved_by": DARA, "expires_at": "2026-11-25T12:31:00Z"}}

    numbers = iter(range(1042, 2000))

    def sale(body: Json | None) -> tuple[int, Json]:
        assert body is not None
        return 201, sale_states.sale_body(body, next(numbers), staff=MEALEA)

    server.answer_with(OVERRIDE, override)
    server.say(f"POST /api/v1/pos/approvals/{APPROVAL_ID}/use", 200,
               {"approval": {"id": APPROVAL_ID}})
    server.answer_with(SALES, sale)
    return server


def tap(qtbot: QtBot, widget: QWidget) -> None:
    assert widget.isVisible() and widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def screen(till: Till) -> SaleScreen:
    return till.window.active_screen.sale


def product(till: Till, name: str) -> ProductButton:
    found = [b for b in screen(till).findChildren(ProductButton)
             if b.isVisible() and b.name == name]
    assert len(found) == 1, (name, products(till))
    return found[0]


def products(till: Till) -> list[str]:
    return [b.name for b in screen(till).selling.products.buttons if b.isVisible()]


def button(parent: QWidget, text: str) -> QPushButton:
    """The visible button under ``parent`` that says ``text`` (as a cashier finds it)."""
    found = [b for b in parent.findChildren(QPushButton) if b.isVisible() and b.text() == text]
    assert len(found) == 1, (text, [b.text() for b in parent.findChildren(QPushButton)
                                    if b.isVisible()])
    return found[0]


def cart(till: Till) -> list[tuple[str, str, str]]:
    rows = [row for row in screen(till).selling.cart.rows if row.isVisible()]
    return [(row.name.text(), row.quantity.text(), row.total.text()) for row in rows]


def approve_in_dialog(till: Till, run: Run, pin: str = MANAGER_PIN) -> str:
    """A manager (or whoever) types a PIN in the open dialog; returns what it asked."""
    dialog = till.controller.dialog
    assert dialog is not None and dialog.isVisible()
    asked = dialog.explanation.text()
    for digit in [*pin, "Enter"]:
        dialog.keypad.press(digit)
    run(till.controller.settle())
    return asked


def ring_up(till: Till, qtbot: QtBot, *names: str) -> None:
    """Tap each product, on its category's tab."""
    for name in names:
        if name not in products(till):
            category = next(c for c, items in sale_states.MENU.items()
                            if name in [item for item, _ in items])
            tap(qtbot, button(screen(till).selling.products, category))
        tap(qtbot, product(till, name))


def pay(till: Till, qtbot: QtBot) -> None:
    tap(qtbot, screen(till).selling.cart.pay_button)
    assert screen(till).mode is SaleMode.TENDER


def sale_line(product_id: int, quantity: int, unit_price: int,
              discount: Json | None = None) -> Json:
    return {"product_id": product_id, "quantity": quantity, "unit_price": unit_price,
            "discount": discount}


def posted_sale(server: ScriptedServer) -> Json:
    """The till's last sale body, checked to be SPEC §6's shape exactly."""
    bodies = server.sent(SALES)
    assert bodies, "no sale was posted"
    body = bodies[-1]
    assert body is not None and set(body) == SALE_FIELDS, body
    assert all(set(line) == LINE_FIELDS for line in body["lines"])
    assert all(set(p) == PAYMENT_FIELDS for p in body["payments"])
    assert re.fullmatch(r"[0-9a-f]{32}", body["client_id"])
    assert body["completed_at"] == NOW_Z
    return body


# -- ringing up ----------------------------------------------------------------------------------


def test_ring_up_by_tap_category_search_and_scanner(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    unlock(run, till, CASHIER_PIN)
    assert products(till)[:3] == ["Espresso", "Americano", "Latte"]  # the first category
    ring_up(till, qtbot, "Latte")
    assert cart(till) == [("Latte", "1", "$3.50")]
    tap(qtbot, button(screen(till), "Bakery"))
    assert products(till) == ["Croissant", "Pain au chocolat", "Banana bread",
                              "Almond croissant"]
    type_keys("crois", enter=False)  # the search box has the keyboard
    assert products(till) == ["Croissant", "Almond croissant"]
    ring_up(till, qtbot, "Croissant")
    type_keys("LAT-03")  # a barcode scanner: the SKU, then Enter
    assert cart(till) == [("Latte", "2", "$7.00"), ("Croissant", "1", "$2.75")]
    panel = screen(till).selling.cart
    assert (panel.subtotal.text(), panel.tax.text(), panel.total.text()) == (
        "$9.75", "$0.89", "$9.75")  # 10 % tax included: 975 × 1000 / 11000 = 88.6
    assert panel.pay_button.text() == "Pay $9.75"
    type_keys("NOPE-99")
    assert screen(till).message.isVisible()
    assert "NOPE-99" in screen(till).message.text()
    assert cart(till) == [("Latte", "2", "$7.00"), ("Croissant", "1", "$2.75")]


def test_a_scan_works_wherever_the_focus_was(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    """A tapped button never keeps the keyboard, and keys nobody took reach the search."""
    unlock(run, till, CASHIER_PIN)
    ring_up(till, qtbot, "Latte")
    till.window.setFocus()  # the focus left the search box (a tap on the header, say)
    type_keys("CRO-01")
    assert cart(till) == [("Latte", "1", "$3.50"), ("Croissant", "1", "$2.75")]


def test_a_void_needs_a_manager_and_goes_into_the_sale(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    unlock(run, till, CASHIER_PIN)
    ring_up(till, qtbot, "Latte")
    row = screen(till).selling.cart.rows[0]
    tap(qtbot, row.more_button)
    tap(qtbot, row.less_button)  # a cashier's void: a manager first
    assert cart(till) == [("Latte", "2", "$7.00")]
    asked = approve_in_dialog(till, run)
    assert asked.startswith("Approve voiding 1 × Latte?")
    assert cafe.sent(OVERRIDE) == [{"pin": MANAGER_PIN, "action": "void_line",
                                    "detail": {"product_id": LATTE, "quantity": 1}}]
    assert cart(till) == [("Latte", "1", "$3.50")]
    assert "approved by Dara Chan" in till.window.active_screen.notice.text()
    tap(qtbot, row.quantity)  # more by typing the quantity: no manager needed
    pad = screen(till).entry
    assert pad.isVisible() and pad.title.text() == "Quantity of Latte (now 1)"
    tap(qtbot, pad.pad.buttons["3"])
    tap(qtbot, pad.apply_button)
    assert not pad.isVisible() and till.controller.dialog is None
    assert cart(till) == [("Latte", "3", "$10.50")]
    pay(till, qtbot)
    tap(qtbot, screen(till).tender.quick_buttons[0])  # exact cash
    run(till.controller.settle())
    body = posted_sale(cafe)
    assert body["lines"] == [sale_line(LATTE, 3, 350)]
    assert body["voided"] == [{"product_id": LATTE, "quantity": 1, "approval_id": APPROVAL_ID}]
    assert body["payments"] == [{"method": "cash", "amount": 1050, "tendered": 1050}]


def test_a_discount_asks_a_manager_with_the_exact_discount_and_refuses_a_cashier(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    unlock(run, till, CASHIER_PIN)
    ring_up(till, qtbot, "Latte", "Croissant")
    tap(qtbot, screen(till).selling.cart.rows[0].name)  # the Latte line: its discount pad
    pad = screen(till).entry
    assert pad.title.text() == "Discount on Latte"
    type_keys("10", enter=False)  # the pad has the keyboard now
    assert pad.shown.text() == "10 %"
    type_keys("", enter=True)  # Enter applies
    assert not pad.isVisible()
    asked = approve_in_dialog(till, run, CASHIER_PIN)
    assert asked.startswith("Approve 10 % off Latte?")
    dialog = till.controller.dialog
    assert dialog is not None and dialog.error.text() == words.NOT_A_MANAGER
    assert cart(till)[0] == ("Latte", "1", "$3.50")  # nothing until a manager approves
    approve_in_dialog(till, run)
    assert till.controller.dialog is None
    assert cart(till)[0] == ("Latte", "1", "$3.15")
    assert screen(till).selling.cart.rows[0].discount.text() == "−10 %"
    # The whole sale, an amount: from the Discount button.
    tap(qtbot, screen(till).selling.cart.discount_button)
    tap(qtbot, button(pad, "Amount"))
    for key in "050":
        tap(qtbot, pad.pad.buttons[key])
    tap(qtbot, pad.apply_button)
    assert approve_in_dialog(till, run).startswith("Approve $0.50 off the sale?")
    panel = screen(till).selling.cart
    assert (panel.discounts.text(), panel.total.text()) == ("−$0.85", "$5.40")
    pay(till, qtbot)
    tap(qtbot, screen(till).tender.quick_buttons[0])
    run(till.controller.settle())
    body = posted_sale(cafe)
    assert body["lines"] == [
        sale_line(LATTE, 1, 350, {"kind": "percent", "value": 10, "approval_id": APPROVAL_ID}),
        sale_line(CROISSANT, 1, 275)]
    assert body["discount"] == {"kind": "amount", "value": 50, "approval_id": APPROVAL_ID}
    assert [body["action"] for body in cafe.sent(OVERRIDE)] == ["discount"] * 3
    assert cafe.sent(OVERRIDE)[-1]["detail"] == {"kind": "amount", "value": 50}


# -- taking payment --------------------------------------------------------------------------------


def test_cash_with_change_is_posted_and_the_receipt_shows_the_change(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    unlock(run, till, CASHIER_PIN)
    ring_up(till, qtbot, "Latte", "Croissant")
    pay(till, qtbot)
    tender = screen(till).tender
    assert [b.text() for b in tender.quick_buttons if b.isVisible()] == [
        "Exact $6.25", "$7.00", "$10.00", "$20.00"]
    type_keys("2000", enter=False)  # digits go to the tender pad
    assert tender.typed.text() == "$20.00"
    assert tender.change_box.isVisible() and tender.change.text() == "$13.75"
    type_keys("", enter=True)  # Enter takes it as cash
    run(till.controller.settle())
    body = posted_sale(cafe)
    assert body == {"client_id": body["client_id"],
                    "lines": [sale_line(LATTE, 1, 350), sale_line(CROISSANT, 1, 275)],
                    "discount": None, "voided": [],
                    "payments": [{"method": "cash", "amount": 625, "tendered": 2000}],
                    "completed_at": NOW_Z}
    page = screen(till).receipt
    assert screen(till).mode is SaleMode.RECEIPT
    assert page.change.text() == "$13.75" and page.title.text() == words.PAID
    assert "Sale 1042 · Till 1 · Mealea Sok" in page.text.text()
    assert page.print_button.isEnabled()
    tap(qtbot, page.new_sale_button)
    assert screen(till).mode is SaleMode.SELLING and cart(till) == []


def test_a_keyboard_and_a_scanner_alone_sell_a_latte(
    till: Till, cafe: ScriptedServer, run: Run
) -> None:
    """No touch at all: the scanner rings up, Enter on the empty box pays, the amount
    given and Enter takes it as cash."""
    unlock(run, till, CASHIER_PIN)
    type_keys("LAT-03")  # the scanner
    type_keys("")  # Enter: pay
    assert screen(till).mode is SaleMode.TENDER
    type_keys("500")
    run(till.controller.settle())
    assert posted_sale(cafe)["payments"] == [{"method": "cash", "amount": 350, "tendered": 500}]
    assert screen(till).receipt.change.text() == "$1.50"


def test_a_split_between_card_and_cash(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    unlock(run, till, CASHIER_PIN)
    ring_up(till, qtbot, "Latte", "Croissant")
    pay(till, qtbot)
    tender = screen(till).tender
    for key in "300":
        tap(qtbot, tender.pad.buttons[key])
    tap(qtbot, button(tender, "Card"))
    assert tender.payments.text() == "Card $3.00" and tender.remaining.text() == "$3.25"
    assert cafe.sent(SALES) == []  # not paid yet
    tap(qtbot, tender.quick_buttons[0])  # the exact rest in cash
    run(till.controller.settle())
    assert posted_sale(cafe)["payments"] == [
        {"method": "card", "amount": 300, "tendered": None},
        {"method": "cash", "amount": 325, "tendered": 325}]
    assert screen(till).mode is SaleMode.RECEIPT
    assert not screen(till).receipt.change_box.isVisible()  # no change to give


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="needs poppler-utils' pdftotext (.ci/run installs it)")
def test_the_receipt_prints_with_everything_a_receipt_says(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot, tmp_path: Path
) -> None:
    unlock(run, till, CASHIER_PIN)
    ring_up(till, qtbot, "Latte", "Latte", "Croissant")
    pay(till, qtbot)
    tender = screen(till).tender
    for key in "500":
        tap(qtbot, tender.pad.buttons[key])
    tap(qtbot, button(tender, "Card"))
    tap(qtbot, tender.quick_buttons[2])  # $10.00 cash for the $4.75 left
    run(till.controller.settle())
    pdf = tmp_path / "receipt.pdf"
    till.controller.printer = ReceiptPrinter(pdf=pdf)
    tap(qtbot, screen(till).receipt.print_button)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    for expected in ["Lumière Coffee", "Sale 1042 · Till 1 · Mealea Sok",
                     "2 × Latte $7.00", "1 × Croissant $2.75", "Subtotal $9.75",
                     "Total $9.75", "Tax included $0.89", "Card $5.00", "Cash $4.75",
                     "tendered $10.00", "Change $5.25"]:
        assert expected in lines, (expected, lines)
    assert any(re.fullmatch(r"2026-11-2[456] \d\d:\d\d", line) for line in lines), lines
    assert not screen(till).message.isVisible()


def test_a_till_without_a_printer_says_what_to_do(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    class NoPrinters:
        """The OS knows no printer: its default is a null one."""

        @staticmethod
        def defaultPrinter() -> QPrinterInfo:  # Qt's name
            return QPrinterInfo()

    monkeypatch.setattr(printing, "QPrinterInfo", NoPrinters)
    unlock(run, till, CASHIER_PIN)
    ring_up(till, qtbot, "Latte")
    pay(till, qtbot)
    tap(qtbot, screen(till).tender.quick_buttons[0])
    run(till.controller.settle())
    tap(qtbot, screen(till).receipt.print_button)  # the till's own printer: none
    assert screen(till).message.isVisible()
    assert screen(till).message.text() == words.NO_PRINTER


# -- refunds -----------------------------------------------------------------------------------


def test_a_cashiers_refund_needs_a_manager_and_says_the_result(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    unlock(run, till, CASHIER_PIN)
    ring_up(till, qtbot, "Latte", "Latte", "Croissant")
    pay(till, qtbot)
    tap(qtbot, screen(till).tender.quick_buttons[0])
    run(till.controller.settle())
    sold = sale_states.sale_body(posted_sale(cafe), 1042, staff=MEALEA)
    cafe.say("GET /api/v1/pos/sales", 200, {"sales": [sold]})
    tap(qtbot, screen(till).receipt.recent_button)
    run(till.controller.settle())
    assert cafe.urls[-1] == "GET /api/v1/pos/sales?limit=20"
    recent = screen(till).recent
    assert [row.summary.text() for row in recent.rows] == [
        f"No. 1042 · {recent_time(sold)} · $9.75"]
    tap(qtbot, recent.rows[0].refund_button)
    page = screen(till).refund
    assert page.title.text() == "Refund sale No. 1042"
    tap(qtbot, page.rows[1].more_button)  # one Latte
    tap(qtbot, page.method_buttons[PaymentMethod.CARD])
    tap(qtbot, page.reason_box)
    type_keys("Spilt on the counter", enter=False)  # the physical keyboard types it
    cafe.say(f"POST /api/v1/pos/sales/{sold['id']}/refunds", 201, {
        "id": 9, "sale_id": sold["id"], "client_id": "x", "amount": 350, "method": "card",
        "lines": [{"line_id": 1, "quantity": 1, "amount": 350}], "staff": MEALEA,
        "approved_by": DARA, "created_at": NOW_Z})
    cafe.say("GET /api/v1/pos/sales", 200, {"sales": [sold | {"refunded": 350}]})
    tap(qtbot, page.confirm_button)
    assert approve_in_dialog(till, run).startswith("Approve a refund of sale 1042?")
    assert cafe.sent(OVERRIDE)[-1] == {"pin": MANAGER_PIN, "action": "refund",
                                       "detail": {"sale_id": 1042}}
    refund = cafe.sent(f"POST /api/v1/pos/sales/{sold['id']}/refunds")
    assert len(refund) == 1 and refund[0] is not None
    assert re.fullmatch(r"[0-9a-f]{32}", refund[0].pop("client_id"))
    assert refund[0] == {"lines": [{"line_id": 1, "quantity": 1}], "method": "card",
                         "approval_id": APPROVAL_ID, "reason": "Spilt on the counter"}
    assert screen(till).mode is SaleMode.RECENT
    assert screen(till).message.text() == "Refunded $3.50."
    assert recent.rows[0].summary.text().endswith("· refunded")  # fetched again


def recent_time(sale: Json) -> str:
    return local_time(sale["completed_at"], None)  # the till's own time zone here


def test_refunding_more_than_was_sold_is_refused_in_words(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    cafe.say("POST /api/v1/pos/unlock", 200, {"token": "t0k3n", "session": session(staff=DARA)})
    unlock(run, till, MANAGER_PIN)
    sold = {"id": 1042, "number": 1042, "total": 350, "completed_at": NOW_Z,
            "lines": [{"id": 1, "name": "Latte", "quantity": 1, "total": 350}], "refunds": []}
    cafe.say("GET /api/v1/pos/sales", 200, {"sales": [sold]})
    tap(qtbot, screen(till).selling.products.recent_button)
    run(till.controller.settle())
    tap(qtbot, screen(till).recent.rows[0].refund_button)
    page = screen(till).refund
    tap(qtbot, page.rows[1].more_button)
    tap(qtbot, button(page, "Wrong order"))  # a reason in one tap
    assert page.reason_box.text() == "Wrong order"
    refusal = "Only 0 of Latte can still be refunded."
    cafe.say("POST /api/v1/pos/sales/1042/refunds", 409,
             {"error": "over_refund", "message": refusal})
    tap(qtbot, page.confirm_button)  # a manager's own session: no dialog
    run(till.controller.settle())
    assert till.controller.dialog is None
    assert cafe.sent("POST /api/v1/pos/sales/1042/refunds")[0]["approval_id"] is None
    assert screen(till).mode is SaleMode.REFUND and screen(till).message.text() == refusal


# -- locks never lose a cart ----------------------------------------------------------------------


def test_a_lock_mid_tender_keeps_the_cart_for_its_person(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    unlock(run, till, CASHIER_PIN)
    ring_up(till, qtbot, "Latte", "Croissant")
    pay(till, qtbot)
    tender = screen(till).tender
    tap(qtbot, tender.pad.buttons["2"])
    tap(qtbot, tender.pad.buttons["0"])
    tap(qtbot, tender.pad.buttons["0"])
    tap(qtbot, button(tender, "Card"))
    tap(qtbot, till.window.active_screen.lock_button)
    assert till.window.is_locked_view
    cafe.say("POST /api/v1/pos/unlock", 200, {"token": "t2", "session": session(
        id=8, staff=DARA)})
    unlock(run, till, MANAGER_PIN)  # someone else: a new, empty sale
    assert screen(till).mode is SaleMode.SELLING and cart(till) == []
    tap(qtbot, till.window.active_screen.lock_button)
    cafe.say("POST /api/v1/pos/unlock", 200, {"token": "t3", "session": session(id=9)})
    unlock(run, till, CASHIER_PIN)  # she is back: her sale, her card payment
    assert screen(till).mode is SaleMode.TENDER
    assert tender.payments.text() == "Card $2.00" and tender.remaining.text() == "$4.25"
    tap(qtbot, button(tender, "Back to the sale"))
    assert cart(till) == [("Latte", "1", "$3.50"), ("Croissant", "1", "$2.75")]


def test_the_idle_warning_shows_above_the_tender_screen_and_keeps_what_was_typed(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot, ticker: FakeTicker
) -> None:
    unlock(run, till, CASHIER_PIN)
    ring_up(till, qtbot, "Latte")
    pay(till, qtbot)
    type_keys("1000", enter=False)
    ticker.advance(70)  # 50 s left of 120
    till.controller.tick()
    assert till.window.warning.isVisible()
    assert screen(till).tender.typed.text() == "$10.00"
    tap(qtbot, till.window.warning.stay_button)
    assert not till.window.warning.isVisible()
    assert screen(till).tender.typed.text() == "$10.00"
    assert screen(till).tender.change.text() == "$6.50"
    type_keys("", enter=True)
    run(till.controller.settle())
    assert posted_sale(cafe)["payments"] == [{"method": "cash", "amount": 350,
                                              "tendered": 1000}]


# -- prices that changed meanwhile --------------------------------------------------------------


def test_changed_prices_are_shown_and_accepted_before_the_sale_goes_again(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    unlock(run, till, CASHIER_PIN)
    ring_up(till, qtbot, "Latte", "Croissant")
    pay(till, qtbot)
    menu = {p["name"]: p for p in sale_states.catalog()["products"]}
    cafe.say(SALES, 409, {"error": "price_changed", "message": "Prices changed.",
                          "products": [menu["Latte"] | {"price": 375}]})
    tap(qtbot, screen(till).tender.quick_buttons[0])
    run(till.controller.settle())
    first = posted_sale(cafe)
    selling = screen(till).selling
    assert screen(till).mode is SaleMode.SELLING
    assert selling.changes.isVisible() and not selling.products.isVisible()
    assert selling.changes.changes.text() == "Latte: $3.50 → $3.75"
    assert cart(till)[0] == ("Latte", "1", "$3.50")  # nothing re-priced silently
    assert not selling.cart.pay_button.isEnabled()
    cafe.answer_with(SALES, lambda body: (201, sale_states.sale_body(body or {}, 1043,
                                                                      staff=MEALEA)))
    tap(qtbot, selling.changes.accept_button)
    assert screen(till).mode is SaleMode.TENDER
    assert screen(till).tender.total.text() == "$6.50"
    tap(qtbot, screen(till).tender.quick_buttons[0])
    run(till.controller.settle())
    again = posted_sale(cafe)
    assert again["client_id"] == first["client_id"]  # the same sale, never two
    assert again["lines"] == [sale_line(LATTE, 1, 375), sale_line(CROISSANT, 1, 275)]
    assert again["payments"] == [{"method": "cash", "amount": 650, "tendered": 650}]
    assert "Sale 1043" in screen(till).receipt.text.text()


# -- the header -------------------------------------------------------------------------------


def test_open_drawer_and_close_wait_behind_more(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    unlock(run, till, CASHIER_PIN)
    active = till.window.active_screen
    assert not active.drawer_button.isVisible()
    tap(qtbot, active.more_button)
    assert active.menu.isVisible()
    tap(qtbot, active.drawer_button)
    assert not active.menu.isVisible()
    dialog = till.controller.dialog
    assert dialog is not None and "Open drawer without a sale" in dialog.windowTitle()


def test_a_reprint_from_recent_sales_shows_the_receipt_without_change_due(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    unlock(run, till, CASHIER_PIN)
    ring_up(till, qtbot, "Croissant")
    pay(till, qtbot)
    tap(qtbot, screen(till).tender.quick_buttons[1])  # $3.00 for $2.75: change
    run(till.controller.settle())
    tap(qtbot, screen(till).receipt.new_sale_button)
    sold = sale_states.sale_body(posted_sale(cafe), 1042, staff=MEALEA)
    cafe.say("GET /api/v1/pos/sales", 200, {"sales": [sold]})
    tap(qtbot, screen(till).selling.products.recent_button)
    run(till.controller.settle())
    tap(qtbot, screen(till).recent.rows[0].reprint_button)
    page = screen(till).receipt
    assert screen(till).mode is SaleMode.RECEIPT and page.title.text() == words.RECEIPT
    assert "Sale 1042 · Till 1 · Mealea Sok" in page.text.text()
    assert not page.change_box.isVisible()  # given when it was paid, not now
    assert page.print_button.isEnabled()


# -- a sale the server has not taken yet -------------------------------------------------------


def test_a_sale_being_sent_is_counted_and_a_refused_one_comes_back_to_the_cart(
    till: Till, cafe: ScriptedServer, run: Run, qtbot: QtBot
) -> None:
    cafe.say("POST /api/v1/pos/unlock", 200, {"token": "t0k3n", "session": session(staff=DARA)})
    unlock(run, till, MANAGER_PIN)
    ring_up(till, qtbot, "Latte")
    pay(till, qtbot)
    answer = cafe.held[SALES] = asyncio.Event()  # the server is slow to answer
    cafe.say(SALES, 422, {"error": "payment_mismatch", "message": "The payments do not add up."})
    tap(qtbot, screen(till).tender.quick_buttons[0])
    assert till.window.active_screen.connection.text() == "1 sale waiting"
    assert screen(till).receipt.text.text().startswith(words.SENDING_SALE)
    assert not screen(till).receipt.print_button.isEnabled()  # no receipt to print yet
    tap(qtbot, screen(till).receipt.new_sale_button)
    ring_up(till, qtbot, "Croissant")  # the next customer
    answer.set()  # the sale is refused
    run(till.controller.settle())
    assert till.window.active_screen.connection.text() == words.ONLINE
    assert screen(till).message.text() == words.sale_refused("The payments do not add up.")
    assert cart(till) == [("Latte", "1", "$3.50")]  # the refused sale, to put right
    resume = screen(till).selling.cart.resume_button
    assert not resume.isVisible()
    tap(qtbot, screen(till).selling.cart.rows[0].less_button)  # a manager voids at once
    assert resume.isVisible() and resume.text() == words.RESUME_HELD
    tap(qtbot, resume)
    assert cart(till) == [("Croissant", "1", "$2.75")]  # the next customer's sale is back
