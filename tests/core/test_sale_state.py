"""Selling through the whole till state machine: what a cashier and a manager can do,
what goes to the server, and what the screen says — no Qt, no network."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from nixpos.core import words
from nixpos.core.answers import Ok, Refused, Unreachable
from nixpos.core.clock import FakeClock
from nixpos.core.pricing import Discount, DiscountKind, PaymentMethod
from nixpos.core.sale_queue import UploadSale
from nixpos.core.sale_state import FetchCatalog, ListSales, PostRefund, PostSale, SaleMode
from nixpos.core.ticker import FakeTicker
from nixpos.core.till_state import Approve, Command, FetchStatus, Poll, TillState, UseApproval
from tests.core.test_till_state import CATALOG, DARA, MEALEA, POLICY, session, status

Json = dict[str, Any]
CASH, CARD = PaymentMethod.CASH, PaymentMethod.CARD
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


@pytest.fixture
def ticker() -> FakeTicker:
    return FakeTicker()


@pytest.fixture
def till(ticker: FakeTicker) -> TillState:
    state = TillState(ticker, till="Till 1", shop="Lumière Coffee", clock=FakeClock(NOW))
    state.answered(FetchStatus(0), Ok(status()))
    return state


def sign_in(till: TillState, staff: Json = MEALEA, session_id: int = 7) -> str:
    follow = till.answered(till.pin_entered("3918")[0], Ok({
        "token": f"t{session_id}", "session": session(staff=staff, session_id=session_id)}))
    assert len(follow) == 1 and isinstance(follow[0], FetchCatalog)
    till.answered(follow[0], Ok(CATALOG, etag='"v1"'))
    return f"t{session_id}"


def approve(till: TillState, manager: Json = DARA, approval_id: int = 41) -> list[Command]:
    """A manager types their PIN in the dialog; the server approves; the till claims it."""
    dialog = till.view().dialog
    assert dialog is not None
    asked = till.dialog_pin("5193")
    assert len(asked) == 1 and isinstance(asked[0], Approve)
    follow = till.answered(asked[0], Ok({"approval": {
        "id": approval_id, "action": asked[0].action, "approved_by": manager}}))
    if asked[0].action == "refund":
        return follow  # a refund spends its approval at once
    assert follow == [UseApproval(asked[0].token, approval_id, asked[0].action, "Dara Chan")]
    return till.answered(follow[0], Ok({"approval": {"id": approval_id}}))


def squeezed(receipt: tuple[str, ...]) -> list[str]:
    """A receipt's lines with the spaces that line amounts up squeezed to one."""
    return [" ".join(line.split()) for line in receipt]


def lines(till: TillState) -> list[tuple[str, int, str]]:
    view = till.view().sale
    assert view is not None
    return [(x.name, x.quantity, x.total) for x in view.lines]


def test_the_sale_screen_shows_the_menu_by_category_with_prices(till: TillState) -> None:
    sign_in(till)
    view = till.view().sale
    assert view is not None and view.mode is SaleMode.SELLING
    assert [(c[1], c[2]) for c in view.categories] == [("Coffee", True), ("Bakery", False)]
    assert [(p.name, p.price) for p in view.products] == [("Latte", "$3.50"),
                                                          ("Espresso", "$2.50")]
    till.sale.category_chosen(2)
    assert [p.name for p in till.view().sale.products] == ["Croissant"]


def test_tap_search_and_scan_ring_up(till: TillState) -> None:
    sign_in(till)
    till.sale.product_tapped(11)
    till.sale.query_typed("cro")
    assert [p.name for p in till.view().sale.products] == ["Croissant"]
    till.sale.product_tapped(21)
    till.sale.scanned("lat-01")  # a scanner types the SKU and Enter
    till.sale.scanned("NOPE-99")
    assert lines(till) == [("Latte", 2, "$7.00"), ("Croissant", 1, "$2.75")]
    view = till.view().sale
    assert view is not None
    assert (view.total, view.tax) == ("$9.75", "$0.89")  # 10 % included: 975/11 = 88.6
    assert "NOPE-99" in view.message


def test_a_cashiers_void_needs_a_manager_and_goes_into_the_sale(till: TillState) -> None:
    sign_in(till)
    till.sale.product_tapped(11)
    till.sale.more(0)
    assert till.void_requested(0, 1) == []
    dialog = till.view().dialog
    assert dialog is not None and "voiding 1 × Latte" in dialog.text
    assert lines(till) == [("Latte", 2, "$7.00")]  # nothing until a manager says so
    approve(till)
    assert lines(till) == [("Latte", 1, "$3.50")]
    assert till.sale.cart.body()["voided"] == [
        {"product_id": 11, "quantity": 1, "approval_id": 41}]


def test_a_cashiers_pin_cannot_approve_and_nothing_changes(till: TillState) -> None:
    sign_in(till)
    till.sale.product_tapped(11)
    till.discount_requested(0, Discount(DiscountKind.PERCENT, 10))
    asked = till.dialog_pin("3918")
    till.answered(asked[0], Refused(403, "not_manager", "…"))
    assert till.view().dialog is not None
    assert till.sale.cart.lines[0].discount is None


def test_a_cashiers_discount_shows_the_exact_discount_and_applies_after_approval(
    till: TillState
) -> None:
    sign_in(till)
    till.sale.product_tapped(11)
    till.discount_requested(0, Discount(DiscountKind.PERCENT, 10))
    dialog = till.view().dialog
    assert dialog is not None and "Approve 10 % off Latte?" in dialog.text
    asked = till.dialog_pin("5193")
    assert asked[0] == Approve("t7", "5193", "discount", {"kind": "percent", "value": 10})
    till.answered(asked[0], Ok({"approval": {"id": 41, "approved_by": DARA}}))
    till.answered(UseApproval("t7", 41, "discount", "Dara Chan"), Ok({}))
    assert lines(till) == [("Latte", 1, "$3.15")]
    assert till.sale.cart.body()["lines"][0]["discount"] == {
        "kind": "percent", "value": 10, "approval_id": 41}


def test_a_managers_own_session_needs_no_approval(till: TillState) -> None:
    sign_in(till, DARA)
    till.sale.product_tapped(11)
    till.sale.product_tapped(11)
    till.discount_requested(None, Discount(DiscountKind.AMOUNT, 100))
    till.void_requested(0, 1)
    assert till.view().dialog is None
    assert lines(till) == [("Latte", 1, "$3.50")]
    assert till.view().sale.total == "$2.50"


def test_cash_with_change_posts_the_sale_and_shows_the_receipt(till: TillState) -> None:
    token = sign_in(till)
    till.sale.product_tapped(11)
    till.sale.product_tapped(21)
    till.sale.pay_pressed()
    tender = till.view().sale.tender
    assert tender is not None and tender.total == "$6.25"
    assert [text for _, text in tender.quick] == ["$6.25", "$7.00", "$10.00", "$20.00"]
    for key in "1000":
        till.sale.tender_key(key)
    assert till.view().sale.tender.typed == "$10.00"
    posted = till.tender(CASH)
    assert len(posted) == 1 and isinstance(posted[0], PostSale)
    body = posted[0].body
    assert posted[0].token == token and body["completed_at"] == "2026-11-25T09:30:00Z"
    assert body["payments"] == [{"method": "cash", "amount": 625, "tendered": 1000}]
    view = till.view().sale
    assert view is not None and view.mode is SaleMode.RECEIPT and view.sending == 1
    assert "Change $3.75" in squeezed(view.receipt) and view.change_due == "$3.75"
    sale = {"id": 5, "number": 12, "staff": MEALEA, "terminal": {"id": 1, "name": "Till 1"},
            "completed_at": "2026-11-25T09:30:00Z", "subtotal": 625, "discount_total": 0,
            "total": 625, "tax_included": 57, "change": 375, "refunded": 0,
            "lines": [{"id": 1, "name": "Latte", "quantity": 1, "total": 350},
                      {"id": 2, "name": "Croissant", "quantity": 1, "total": 275}],
            "payments": [{"method": "cash", "amount": 625, "tendered": 1000, "change": 375}]}
    till.answered(posted[0], Ok(sale))
    receipt = squeezed(till.view().sale.receipt)
    assert receipt[0] == "Lumière Coffee" and "Sale 12 · Till 1 · Mealea Sok" in receipt
    assert "Tax included $0.57" in receipt and "Change $3.75" in receipt
    assert till.view().sale.sending == 0 and till.view().sale.can_print
    till.sale.done_with_receipt()
    assert till.view().sale.change_due == ""  # the next customer is not owed it


def test_a_split_between_card_and_cash(till: TillState) -> None:
    sign_in(till)
    till.sale.product_tapped(11)
    till.sale.pay_pressed()
    assert till.tender(CARD, 200) == []
    assert till.view().sale.tender.remaining == "$1.50"
    posted = till.tender(CASH, 200)
    assert posted[0].body["payments"] == [
        {"method": "card", "amount": 200, "tendered": None},
        {"method": "cash", "amount": 150, "tendered": 200}]


def test_a_sale_the_server_did_not_answer_is_sent_again_with_the_same_id(
    till: TillState
) -> None:
    sign_in(till)
    till.sale.product_tapped(11)
    till.sale.pay_pressed()
    posted = till.tender(CASH, 350)
    till.answered(posted[0], Unreachable("timeout"))
    again = till.background_call()
    assert isinstance(again, UploadSale) and again.client_id == posted[0].client_id
    assert again.token == posted[0].token  # its session is still live here: the bearer
    assert till.background_call() != again  # not twice at once
    till.answered(again, Ok({"id": 5, "number": 1, "total": 350}))
    assert isinstance(till.background_call(), Poll)


def test_changed_prices_bring_the_cart_back_to_accept(till: TillState) -> None:
    sign_in(till)
    till.sale.product_tapped(11)
    till.sale.pay_pressed()
    posted = till.tender(CASH, 350)
    till.answered(posted[0], Refused(409, "price_changed", "…", {"products": [
        {"id": 11, "sku": "LAT-01", "name": "Latte", "category_id": 1, "price": 375}]}))
    view = till.view().sale
    assert view is not None and view.mode is SaleMode.SELLING
    assert view.price_changes == ("Latte: $3.50 → $3.75",)
    assert lines(till) == [("Latte", 1, "$3.50")]  # nothing silently re-priced
    assert not view.can_pay and till.pay_pressed() == []  # not at the old prices
    assert till.view().sale.mode is SaleMode.SELLING
    till.sale.accept_prices()
    assert lines(till) == [("Latte", 1, "$3.75")]
    assert till.view().sale.mode is SaleMode.TENDER


@pytest.mark.parametrize("how", ["lock", "kick", "idle"])
def test_a_lock_keeps_the_cart_for_its_person_even_mid_tender(
    till: TillState, ticker: FakeTicker, how: str
) -> None:
    sign_in(till)
    till.sale.product_tapped(11)
    till.sale.pay_pressed()
    till.tender(CARD, 100)
    if how == "lock":
        till.lock_pressed()
    elif how == "kick":
        poll = till.background_call()
        till.answered(poll, Ok(session("ended", reason="signed_in_elsewhere",
                                       ended_by=MEALEA)))
    else:
        ticker.advance(POLICY["idle_timeout_s"])
        till.tick()
    assert till.view().sale is None
    sign_in(till, DARA, session_id=8)  # someone else: an empty cart
    assert lines(till) == []
    till.lock_pressed()
    sign_in(till, MEALEA, session_id=9)  # she comes back: her cart, her payment
    assert lines(till) == [("Latte", 1, "$3.50")]
    view = till.view().sale
    assert view is not None and view.mode is SaleMode.TENDER
    assert view.tender is not None and view.tender.remaining == "$2.50"


def test_a_cashiers_refund_needs_a_manager_then_posts(till: TillState) -> None:
    token = sign_in(till)
    assert till.recent_requested() == [ListSales(token)]
    sale = {"id": 5, "number": 12, "total": 975, "completed_at": "2026-11-25T09:30:00Z",
            "lines": [{"id": 1, "name": "Latte", "quantity": 2, "total": 700},
                      {"id": 2, "name": "Croissant", "quantity": 1, "total": 275}],
            "refunds": [{"lines": [{"line_id": 1, "quantity": 1, "amount": 350}]}]}
    till.answered(ListSales(token), Ok({"sales": [sale]}))
    till.sale.start_refund(5)
    view = till.view().sale
    assert view is not None and view.mode is SaleMode.REFUND
    assert view.refund == ((1, "Latte", 1, 0), (2, "Croissant", 1, 0))
    till.sale.refund_quantity(1, 5)  # only one Latte is left to refund
    assert till.view().sale.refund[0][3] == 1
    assert till.refund_confirmed() == []
    assert "reason" in till.view().sale.message
    till.sale.refund_reason("Spilt")
    till.refund_confirmed()
    assert till.view().dialog is not None  # a manager first
    posted = approve(till)
    assert len(posted) == 1 and isinstance(posted[0], PostRefund)
    assert posted[0].sale_id == 5 and posted[0].body["approval_id"] == 41
    assert posted[0].body["lines"] == [{"line_id": 1, "quantity": 1}]
    # Recorded: back to the list, fetched again so that it shows the sale refunded.
    assert till.answered(posted[0], Ok({"amount": 350})) == [ListSales(token)]
    view = till.view().sale
    assert view.message == "Refunded $3.50." and view.mode is SaleMode.RECENT


def test_over_refund_is_said_in_words(till: TillState) -> None:
    sign_in(till, DARA)
    till.answered(ListSales("t7"), Ok({"sales": [
        {"id": 5, "number": 12, "lines": [{"id": 1, "name": "Latte", "quantity": 1}]}]}))
    till.sale.start_refund(5)
    till.sale.refund_quantity(1, 1)
    till.sale.refund_reason("Wrong order")
    posted = till.refund_confirmed()
    assert isinstance(posted[0], PostRefund)
    till.answered(posted[0], Refused(409, "over_refund", "Only 0 of this line can be refunded."))
    assert till.view().sale.message == "Only 0 of this line can be refunded."


def test_a_poll_saying_the_menu_changed_fetches_it(till: TillState) -> None:
    sign_in(till)
    poll = till.background_call()
    assert till.answered(poll, Ok(session() | {"catalog_etag": '"v1"'})) == []
    assert till.answered(poll, Ok(session() | {"catalog_etag": '"v2"'})) == [
        FetchCatalog('"v1"')]
    till.answered(FetchCatalog('"v1"'), Ok({}, '"v1"', not_modified=True))
    assert till.sale.catalog is not None and till.sale.catalog.etag == '"v1"'


# -- the small pad: discounts and quantities typed ----------------------------------------


def type_on_pad(till: TillState, digits: str) -> None:
    for key in digits:
        till.sale.entry_key(key)


def test_a_line_discount_typed_on_the_pad_asks_a_manager_with_the_exact_discount(
    till: TillState
) -> None:
    sign_in(till)
    till.sale.product_tapped(11)
    till.sale.edit_discount(0)  # tapped on the Latte line
    entry = till.view().sale.entry
    assert entry is not None and entry.title == "Discount on Latte"
    assert entry.targets == ((0, "Latte", True), (None, "Whole sale", False))
    assert [(label, chosen) for _, label, chosen in entry.kinds] == [
        ("Percent", True), ("Amount", False)]
    type_on_pad(till, "010")
    assert till.view().sale.entry.shown == "10 %"
    assert till.entry_done() == []
    assert till.view().sale.entry is None
    dialog = till.view().dialog
    assert dialog is not None and dialog.text.startswith("Approve 10 % off Latte?")
    assert lines(till) == [("Latte", 1, "$3.50")]  # not before a manager approves
    approve(till)
    assert lines(till) == [("Latte", 1, "$3.15")]


def test_the_pad_switches_to_an_amount_off_the_whole_sale(till: TillState) -> None:
    sign_in(till)
    till.sale.product_tapped(11)
    till.sale.product_tapped(21)
    till.sale.edit_discount(None)  # the Discount button: the sale, or the last line
    assert till.view().sale.entry.targets == ((1, "Croissant", False), (None, "Whole sale", True))
    till.sale.entry_target(1)
    type_on_pad(till, "10")
    till.sale.entry_target(None)
    till.sale.entry_kind(DiscountKind.AMOUNT)  # the digits meant a percent: they go
    assert till.view().sale.entry.shown == ""
    type_on_pad(till, "050")
    entry = till.view().sale.entry
    assert entry.shown == "$0.50" and entry.title == "Discount on the whole sale"
    assert entry.targets == ((1, "Croissant", False), (None, "Whole sale", True))
    till.entry_done()
    assert till.view().dialog.text.startswith("Approve $0.50 off the sale?")
    approve(till)
    view = till.view().sale
    assert (view.total, view.discounts, view.sale_discount) == ("$5.75", "−$0.50", "−$0.50")
    assert till.sale.cart.body()["discount"] == {"kind": "amount", "value": 50,
                                                 "approval_id": 41}


@pytest.mark.parametrize(("kind", "digits", "says"), [
    (DiscountKind.AMOUNT, "500", "cannot be more"),  # $5.00 off a $3.50 Latte
    (DiscountKind.PERCENT, "101", "1 to 100"),
    (DiscountKind.PERCENT, "", "Type the discount"),
])
def test_a_discount_that_cannot_be_is_refused_on_the_pad_before_anyone_is_asked(
    till: TillState, kind: DiscountKind, digits: str, says: str
) -> None:
    sign_in(till)
    till.sale.product_tapped(11)
    till.sale.edit_discount(0)
    till.sale.entry_kind(kind)
    type_on_pad(till, digits)
    assert till.entry_done() == []
    entry = till.view().sale.entry
    assert entry is not None and says in entry.error  # still open, saying why
    assert till.view().dialog is None
    till.sale.entry_key("1")
    assert till.view().sale.entry.error == ""  # typing again clears it


def test_no_discount_takes_one_off_without_asking(till: TillState) -> None:
    sign_in(till, DARA)
    till.sale.product_tapped(11)
    till.discount_requested(0, Discount(DiscountKind.PERCENT, 10))
    till.sale.edit_discount(0)
    assert till.view().sale.entry.can_remove
    till.sale.entry_remove()
    assert till.view().sale.entry is None and lines(till) == [("Latte", 1, "$3.50")]


def test_a_quantity_typed_up_rings_more_up_and_down_is_a_void_for_a_manager(
    till: TillState
) -> None:
    sign_in(till)
    till.sale.product_tapped(11)
    till.sale.edit_quantity(0)
    assert till.view().sale.entry.title == "Quantity of Latte (now 1)"
    type_on_pad(till, "3")
    assert till.entry_done() == [] and till.view().dialog is None
    assert lines(till) == [("Latte", 3, "$10.50")]
    till.sale.edit_quantity(0)
    type_on_pad(till, "1")
    till.entry_done()
    assert "voiding 2 × Latte" in till.view().dialog.text
    approve(till)
    assert lines(till) == [("Latte", 1, "$3.50")]
    assert till.sale.cart.body()["voided"] == [
        {"product_id": 11, "quantity": 2, "approval_id": 41}]


def test_a_lock_closes_the_pad(till: TillState) -> None:
    sign_in(till)
    till.sale.product_tapped(11)
    till.sale.edit_quantity(0)
    till.lock_pressed()
    sign_in(till, session_id=8)
    view = till.view().sale
    assert view.entry is None and lines(till) == [("Latte", 1, "$3.50")]


# -- paying -----------------------------------------------------------------------------------


def test_the_tender_screen_shows_the_change_before_the_cash_is_taken(till: TillState) -> None:
    sign_in(till)
    till.sale.product_tapped(11)
    till.sale.product_tapped(21)
    till.pay_pressed()
    for key in "2000":
        till.sale.tender_key(key)
    tender = till.view().sale.tender
    assert (tender.typed, tender.change) == ("$20.00", "$13.75")
    till.sale.tender_key(words.BACKSPACE_KEY)
    assert till.view().sale.tender.change == ""  # $2.00 is less than $6.25


def test_a_sale_with_nothing_to_pay_completes_at_pay(till: TillState) -> None:
    sign_in(till, DARA)
    till.sale.product_tapped(11)
    till.discount_requested(None, Discount(DiscountKind.PERCENT, 100))
    posted = till.pay_pressed()
    assert len(posted) == 1 and isinstance(posted[0], PostSale)
    assert posted[0].body["payments"] == []
    assert till.view().sale.mode is SaleMode.RECEIPT


def test_the_pads_and_lists_take_nothing_out_of_place(till: TillState) -> None:
    sign_in(till)
    till.sale.tender_key("5")  # not on the tender screen: nothing typed
    till.sale.product_tapped(11)
    till.pay_pressed()
    assert till.view().sale.tender.typed == ""
    till.tender(CARD, 100)
    assert till.recent_requested() == []  # not in the middle of a payment
    till.sale.edit_discount(None)  # nor a discount that would start it over
    view = till.view().sale
    assert view.mode is SaleMode.TENDER and view.entry is None
    assert view.tender.payments == ("Card $1.00",)


def test_receipts_show_the_shops_local_time_from_the_catalog(till: TillState) -> None:
    sign_in(till)
    till.sale.catalog_answered(CATALOG | {"timezone": "Asia/Phnom_Penh"}, '"v2"')
    till.answered(ListSales("t7"), Ok({"sales": [
        {"id": 5, "number": 12, "total": 350, "completed_at": "2026-11-25T23:30:00Z",
         "lines": [{"id": 1, "name": "Latte", "quantity": 1, "total": 350}]}]}))
    till.sale.reprint(5)
    receipt = [" ".join(line.split()) for line in till.view().sale.receipt]
    assert "2026-11-26 06:30" in receipt  # the next morning in Phnom Penh
    till.sale.catalog_answered(CATALOG | {"timezone": "Mars/Olympus_Mons"}, '"v3"')
    assert till.sale.timezone is None  # unknown here: the till's own zone, not a crash


def test_an_approval_notice_goes_with_the_sale_it_was_for(till: TillState) -> None:
    sign_in(till)
    till.sale.product_tapped(11)
    till.void_requested(0, 1)
    approve(till)
    till.sale.product_tapped(11)
    assert "approved by Dara Chan" in till.view().active.notice
    till.pay_pressed()
    till.tender(CASH, 350)
    assert till.view().active.notice == ""


def test_a_keyboard_and_scanner_alone_can_sell(till: TillState) -> None:
    sign_in(till)
    assert till.scan_or_pay("") == []  # nothing to pay for yet
    till.scan_or_pay("LAT-01")  # the scanner: the SKU, then Enter
    assert lines(till) == [("Latte", 1, "$3.50")]
    till.scan_or_pay("  ")  # Enter on the empty box: pay
    assert till.view().sale.mode is SaleMode.TENDER
