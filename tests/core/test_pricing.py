"""The sum of a sale (SPEC §6): exact examples, and properties over random sales."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nixpos.core.pricing import (
    MAX_LINES,
    Discount,
    DiscountKind,
    Line,
    Payment,
    PaymentMethod,
    PricingError,
    line_nets,
    refund_amount,
    sale_totals,
    settle,
    tax_included,
)

PERCENT, AMOUNT = DiscountKind.PERCENT, DiscountKind.AMOUNT
CASH, CARD, QR = PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.QR


def test_a_sale_adds_up_as_the_spec_says() -> None:
    lines = [Line(1, 2, 350),  # 2 lattes at 3.50
             Line(2, 3, 275, Discount(PERCENT, 10)),  # 8.25, 10 % off → 0.825 → 0.83
             Line(3, 1, 400, Discount(AMOUNT, 50))]
    totals = sale_totals(lines, Discount(PERCENT, 5), tax_rate_bp=1000)
    assert [(t.gross, t.discount, t.total) for t in totals.lines] == [
        (700, 0, 700), (825, 83, 742), (400, 50, 350)]
    assert totals.subtotal == 1792
    assert totals.sale_discount == 90  # 89.6 → 90
    assert totals.total == 1702
    assert totals.discount_total == 83 + 50 + 90
    assert totals.gross == 1925
    assert totals.tax_included == 155  # 1702 × 1000 / 11000 = 154.7 → 155


def test_a_full_discount_leaves_nothing_to_pay() -> None:
    totals = sale_totals([Line(1, 1, 350)], Discount(PERCENT, 100))
    assert totals.total == 0
    assert settle(0, []) == ()
    with pytest.raises(PricingError) as refused:
        settle(0, [Payment(CASH, 350)])
    assert refused.value.code == "payment_mismatch"


@pytest.mark.parametrize(("make", "says"), [
    (lambda: Line(1, 0, 350), "quantity"),
    (lambda: Line(1, 10_000, 350), "quantity"),
    (lambda: Line(1, 1, -1), "unit price"),
    (lambda: Discount(PERCENT, 0), "percent"),
    (lambda: Discount(PERCENT, 101), "percent"),
    (lambda: Discount(AMOUNT, 0), "more than zero"),
    (lambda: sale_totals([Line(1, 1, 100, Discount(AMOUNT, 101))]), "more than"),
    (lambda: sale_totals([Line(1, 1, 100)], Discount(AMOUNT, 101)), "more than"),
    (lambda: sale_totals([Line(1, 1, 1)] * (MAX_LINES + 1)), "at most"),
])
def test_what_cannot_be_a_sale_is_refused(make: object, says: str) -> None:
    with pytest.raises(PricingError, match=says):
        make()  # type: ignore[operator]


def test_cash_gives_change_and_other_methods_do_not() -> None:
    assert settle(750, [Payment(CASH, 750, 1000)]) == (Payment(CASH, 750, 1000),)
    assert settle(750, [Payment(CASH, 750, 1000)])[0].change == 250
    assert settle(750, [Payment(CASH, 750)])[0].tendered == 750  # exact cash
    split = settle(750, [Payment(CARD, 500), Payment(CASH, 250, 500)])
    assert [p.change for p in split] == [0, 250]


@pytest.mark.parametrize("payments", [
    [Payment(CASH, 700, 1000)],  # short
    [Payment(CARD, 800)],  # over
    [Payment(CASH, 500, 400), Payment(CARD, 250)],  # tendered less than the cash amount
    [Payment(CASH, 500), Payment(CASH, 250)],  # two cash payments
    [Payment(CARD, 750, 1000)],  # change on a card
    [],
])
def test_payments_that_do_not_pay_the_total_exactly_are_refused(
    payments: list[Payment]
) -> None:
    with pytest.raises(PricingError) as refused:
        settle(750, payments)
    assert refused.value.code == "payment_mismatch"


def test_tax_inside_a_price() -> None:
    assert tax_included(1100, 1000) == 100
    assert tax_included(1100, 0) == 0
    assert tax_included(1, 1000) == 0  # 0.09 → 0


def test_sale_discount_shares_go_by_largest_remainder() -> None:
    assert line_nets([300, 100], 100) == [225, 75]  # in proportion to the line totals
    assert line_nets([100, 100, 100], 100) == [66, 67, 67]  # a tie: the earlier line pays
    assert line_nets([1, 1, 1], 2) == [0, 0, 1]
    assert line_nets([10, 70, 20], 7) == [9, 65, 19]  # 0.7, 4.9, 1.4: remainders .9 then .7
    assert line_nets([500, 300], 0) == [500, 300]
    assert line_nets([0, 0], 0) == [0, 0]


def test_refunding_a_line_unit_by_unit_returns_its_net_exactly() -> None:
    net, quantity = 1000, 3
    taken = 0
    returned = []
    for unit in range(quantity):
        amount = refund_amount(net, quantity, refunded_units=unit, refunded_amount=taken,
                               units=1)
        returned.append(amount)
        taken += amount
    assert returned == [333, 333, 334] and taken == net


def test_more_than_was_sold_is_an_over_refund() -> None:
    with pytest.raises(PricingError) as refused:
        refund_amount(1000, 2, refunded_units=1, refunded_amount=500, units=2)
    assert refused.value.code == "over_refund"


# -- properties ------------------------------------------------------------------------------

DISCOUNTS = st.none() | st.builds(Discount, st.just(PERCENT), st.integers(1, 100))
LINES = st.lists(st.builds(Line, st.integers(1, 50), st.integers(1, 20),
                           st.integers(0, 100_000), DISCOUNTS), min_size=1, max_size=12)


@given(LINES, DISCOUNTS, st.integers(0, 2500))
def test_totals_always_add_up(lines: list[Line], discount: Discount | None, rate: int) -> None:
    totals = sale_totals(lines, discount, rate)
    assert totals.subtotal == sum(t.total for t in totals.lines)
    assert totals.total == totals.subtotal - totals.sale_discount >= 0
    assert totals.gross - totals.discount_total == totals.total
    assert 0 <= totals.tax_included <= totals.total


@given(LINES, DISCOUNTS)
def test_refund_shares_add_up_to_the_total_exactly(
    lines: list[Line], discount: Discount | None
) -> None:
    totals = sale_totals(lines, discount)
    nets = line_nets([t.total for t in totals.lines], totals.sale_discount)
    assert sum(nets) == totals.total
    assert all(0 <= net <= t.total for net, t in zip(nets, totals.lines, strict=True))


@given(st.integers(0, 10**7), st.integers(1, 30), st.data())
def test_no_refund_ever_exceeds_what_is_left_and_all_of_them_return_the_net(
    net: int, quantity: int, data: st.DataObject
) -> None:
    taken = refunded = 0
    while refunded < quantity:
        units = data.draw(st.integers(1, quantity - refunded))
        amount = refund_amount(net, quantity, refunded_units=refunded, refunded_amount=taken,
                               units=units)
        assert 0 <= amount <= net - taken
        taken += amount
        refunded += units
    assert taken == net
