"""The open sale as a model: ringing up, voids, discounts, tender, and the wire body."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from nixpos.core.cart import Cart, quick_cash
from nixpos.core.catalog import Catalog, Product
from nixpos.core.money import Currency
from nixpos.core.pricing import Discount, DiscountKind, PaymentMethod, PricingError, settle

LATTE = Product(1, "LAT-01", "Latte", 10, 350)
CROISSANT = Product(2, "CRO-01", "Croissant", 20, 275)
CREME = Product(3, "CRB-01", "Crème brûlée", 20, 450)
GONE = Product(4, "OLD-01", "Old cake", 20, 300, active=False)
CASH, CARD = PaymentMethod.CASH, PaymentMethod.CARD


def test_the_same_product_again_adds_to_its_line() -> None:
    cart = Cart()
    cart.add(LATTE)
    cart.add(CROISSANT)
    cart.add(LATTE)
    assert [(x.name, x.quantity) for x in cart.lines] == [("Latte", 2), ("Croissant", 1)]
    assert cart.items == 3 and cart.totals().total == 975


def test_fewer_is_a_void_recorded_with_its_approval() -> None:
    cart = Cart()
    cart.add(LATTE, 3)
    with pytest.raises(PricingError, match="void"):
        cart.set_quantity(0, 2)
    cart.void(0, 1, approval_id=41)
    cart.void(0, 2, approval_id=42)
    assert cart.is_empty
    assert cart.body()["voided"] == [
        {"product_id": 1, "quantity": 1, "approval_id": 41},
        {"product_id": 1, "quantity": 2, "approval_id": 42}]
    with pytest.raises(IndexError):
        cart.void(0, 1)


def test_discounts_go_into_the_body_with_their_approvals() -> None:
    cart = Cart(tax_rate_bp=1000)
    cart.add(LATTE, 2)
    cart.set_line_discount(0, Discount(DiscountKind.PERCENT, 10), approval_id=7)
    cart.add(CROISSANT)
    cart.set_sale_discount(Discount(DiscountKind.AMOUNT, 100), approval_id=8)
    totals = cart.totals()
    assert (totals.subtotal, totals.total) == (905, 805)
    body = cart.body()
    assert body["lines"][0]["discount"] == {"kind": "percent", "value": 10, "approval_id": 7}
    assert body["discount"] == {"kind": "amount", "value": 100, "approval_id": 8}
    with pytest.raises(PricingError):
        cart.set_sale_discount(Discount(DiscountKind.AMOUNT, 10_000))


def test_cash_with_change_and_a_split_pay_exactly_what_the_server_checks() -> None:
    cart = Cart()
    cart.add(LATTE)
    cart.add(CROISSANT, 2)  # 9.00
    cart.pay(CARD, 500)
    assert cart.remaining == 400 and not cart.is_paid
    with pytest.raises(PricingError, match="Only cash gives change"):
        cart.pay(CARD, 500)
    cart.pay(CASH, 2000)
    assert cart.is_paid and cart.change_due == 1600
    sale = cart.sale(datetime(2026, 11, 25, 9, 30, tzinfo=UTC))
    assert sale["payments"] == [{"method": "card", "amount": 500, "tendered": None},
                                {"method": "cash", "amount": 400, "tendered": 2000}]
    assert sale["completed_at"] == "2026-11-25T09:30:00Z"
    assert settle(cart.totals().total, cart.payments)  # the server's check agrees


def test_changing_the_cart_starts_the_payment_over() -> None:
    cart = Cart()
    cart.add(LATTE)
    cart.pay(CARD, 100)
    cart.add(CROISSANT)
    assert cart.payments == [] and cart.remaining == 625


def test_a_cart_survives_being_written_down_and_read_back() -> None:
    cart = Cart(tax_rate_bp=1000)
    cart.add(CREME, 2)
    cart.set_line_discount(0, Discount(DiscountKind.PERCENT, 50), approval_id=3)
    cart.add(LATTE)
    cart.void(1, 1, approval_id=4)
    cart.add(CROISSANT)
    cart.pay(CASH, 1000)
    again = Cart.from_json(cart.to_json())
    assert again == cart


@pytest.mark.parametrize(("amount", "exponent", "offered"), [
    (750, 2, [750, 800, 1000, 2000]),
    (625, 2, [625, 700, 1000, 2000]),  # no $8: nobody hands over 8 dollars
    (1000, 2, [1000, 2000, 5000, 10000]),
    (1, 2, [1, 100, 500, 1000]),
    (4500, 0, [4500, 4600, 5000, 6000]),
])
def test_quick_cash_offers_the_exact_amount_and_round_notes_above(
    amount: int, exponent: int, offered: list[int]
) -> None:
    assert quick_cash(amount, exponent) == offered


def test_search_finds_by_name_or_sku_without_accents_and_skips_inactive() -> None:
    catalog = Catalog(Currency("USD", 2), 1000, [], [LATTE, CROISSANT, CREME, GONE])
    assert catalog.search("creme") == [CREME]
    assert catalog.search("cro") == [CROISSANT]
    assert catalog.search("lat 01") == [LATTE]
    assert catalog.search("old") == [] and catalog.search("  ") == []
    assert catalog.by_sku(" lat-01 ") == LATTE and catalog.by_sku("OLD-01") is None
    assert catalog.product(4) == GONE  # still known, for old receipts
