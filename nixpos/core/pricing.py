"""The sum of a sale (SPEC §6), exactly, in minor units: lines, discounts, tax, payments, refunds.

The till uses these functions to show a cart and the server uses the same
ones to recompute and check what a till sends — it never trusts a till's
totals. Everything is an ``int``; rounding is half-up to one minor unit.

- line gross = quantity × unit price; a line discount is a percent of it
  (rounded) or a fixed amount ≤ gross; line total = gross − discount;
- subtotal = Σ line totals; the sale discount is a percent of it or an amount
  ≤ it; total = subtotal − sale discount;
- tax included = round(total × rate / (10000 + rate)), rate in basis points;
- payments add up to the total exactly; at most one cash payment, whose
  change = tendered − amount;
- a refund of k of a line's q units returns round(net × k / q), where net is
  the line total less its share of the sale discount (shares by largest
  remainder, in proportion to line totals); the last unit returns whatever
  of the net is left, so refunding everything returns the total exactly.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from nixpos.core.money import MAX_AMOUNT, round_half_up

MAX_LINES = 500
MAX_QUANTITY = 9_999
MAX_UNIT_PRICE = 100_000_000  # minor units: a million dollars a piece


class PricingError(ValueError):
    """A sale that does not add up or breaks a rule; ``code`` is the SPEC error code."""

    def __init__(self, message: str, code: str = "invalid_request") -> None:
        super().__init__(message)
        self.code = code


class DiscountKind(enum.StrEnum):
    PERCENT = "percent"
    AMOUNT = "amount"


@dataclass(frozen=True)
class Discount:
    kind: DiscountKind
    value: int  # a whole percent 1–100, or an amount in minor units

    def __post_init__(self) -> None:
        if self.kind is DiscountKind.PERCENT and not 1 <= self.value <= 100:
            raise PricingError("A percent discount is a whole number from 1 to 100.")
        if self.kind is DiscountKind.AMOUNT and not 1 <= self.value <= MAX_AMOUNT:
            raise PricingError("A discount amount must be more than zero.")

    def amount_of(self, base: int) -> int:
        """What this discount takes off ``base``; an amount may not exceed it."""
        if self.kind is DiscountKind.PERCENT:
            return round_half_up(base * self.value, 100)
        if self.value > base:
            raise PricingError("A discount cannot be more than what it is taken off.")
        return self.value


@dataclass(frozen=True)
class Line:
    product_id: int
    quantity: int
    unit_price: int
    discount: Discount | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.quantity <= MAX_QUANTITY:
            raise PricingError(f"A quantity is a whole number from 1 to {MAX_QUANTITY}.")
        if not 0 <= self.unit_price <= MAX_UNIT_PRICE:
            raise PricingError("A unit price is a whole number of minor units, 0 or more.")


@dataclass(frozen=True)
class LineTotal:
    gross: int
    discount: int
    total: int


@dataclass(frozen=True)
class SaleTotals:
    lines: tuple[LineTotal, ...]
    subtotal: int
    sale_discount: int
    discount_total: int
    total: int
    tax_included: int
    gross: int  # Σ line gross, before any discount


def tax_included(total: int, tax_rate_bp: int) -> int:
    """The tax inside a tax-inclusive ``total`` at ``tax_rate_bp`` basis points."""
    return round_half_up(total * tax_rate_bp, 10_000 + tax_rate_bp) if tax_rate_bp else 0


def sale_totals(lines: Sequence[Line], discount: Discount | None = None,
                tax_rate_bp: int = 0) -> SaleTotals:
    if len(lines) > MAX_LINES:
        raise PricingError(f"A sale has at most {MAX_LINES} lines.")
    totals = []
    for line in lines:
        gross = line.quantity * line.unit_price
        off = line.discount.amount_of(gross) if line.discount else 0
        totals.append(LineTotal(gross, off, gross - off))
    subtotal = sum(t.total for t in totals)
    sale_off = discount.amount_of(subtotal) if discount else 0
    total = subtotal - sale_off
    return SaleTotals(
        lines=tuple(totals),
        subtotal=subtotal,
        sale_discount=sale_off,
        discount_total=sum(t.discount for t in totals) + sale_off,
        total=total,
        tax_included=tax_included(total, tax_rate_bp),
        gross=sum(t.gross for t in totals),
    )


# -- payments ------------------------------------------------------------------------------


class PaymentMethod(enum.StrEnum):
    CASH = "cash"
    CARD = "card"
    QR = "qr"
    OTHER = "other"


@dataclass(frozen=True)
class Payment:
    method: PaymentMethod
    amount: int
    tendered: int | None = None  # cash only: what the customer handed over

    @property
    def change(self) -> int:
        return (self.tendered - self.amount) if self.tendered is not None else 0


def settle(total: int, payments: Sequence[Payment]) -> tuple[Payment, ...]:
    """``payments`` checked against ``total``; cash gets its tendered amount (and change).

    Raises ``PricingError`` with code ``payment_mismatch`` when they do not pay the
    total exactly, or ``invalid_request`` for a malformed payment.
    """
    if total == 0:
        if payments:
            raise PricingError("A sale with nothing to pay takes no payments.",
                               "payment_mismatch")
        return ()
    if not payments:
        raise PricingError("The sale is not paid: add a payment.", "payment_mismatch")
    settled = []
    for payment in payments:
        if not 1 <= payment.amount <= MAX_AMOUNT:
            raise PricingError("A payment amount must be more than zero.")
        if payment.method is PaymentMethod.CASH:
            tendered = payment.amount if payment.tendered is None else payment.tendered
            if tendered < payment.amount or tendered > MAX_AMOUNT:
                raise PricingError("Cash tendered must be at least the cash amount.",
                                   "payment_mismatch")
            settled.append(Payment(payment.method, payment.amount, tendered))
        else:
            if payment.tendered not in (None, payment.amount):
                raise PricingError("Only cash gives change.", "payment_mismatch")
            settled.append(Payment(payment.method, payment.amount))
    if sum(p.method is PaymentMethod.CASH for p in settled) > 1:
        raise PricingError("A sale takes at most one cash payment.", "payment_mismatch")
    paid = sum(p.amount for p in settled)
    if paid != total:
        raise PricingError(f"The payments add up to {paid}, the total is {total}.",
                           "payment_mismatch")
    return tuple(settled)


# -- refunds ------------------------------------------------------------------------------------


def line_nets(line_totals: Sequence[int], sale_discount: int) -> list[int]:
    """Each line's total less its share of the sale discount.

    Shares are in proportion to line totals, by largest remainder (ties to the
    earlier line), so they add up to ``sale_discount`` exactly.
    """
    subtotal = sum(line_totals)
    if sale_discount == 0 or subtotal == 0:
        return list(line_totals)
    exact = [divmod(total * sale_discount, subtotal) for total in line_totals]
    shares = [quotient for quotient, _ in exact]
    left = sale_discount - sum(shares)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-exact[i][1], i))
    for index in by_remainder[:left]:
        shares[index] += 1
    return [total - share for total, share in zip(line_totals, shares, strict=True)]


def refund_amount(net: int, quantity: int, *, refunded_units: int, refunded_amount: int,
                  units: int) -> int:
    """What refunding ``units`` more of a line returns.

    ``refunded_units``/``refunded_amount`` are what earlier refunds of the line took.
    The last unit returns the rest of the net, and no refund ever takes more than is
    left; more units than were sold raise ``over_refund``.
    """
    if units < 1:
        raise PricingError("Refund at least one unit.")
    if refunded_units + units > quantity:
        raise PricingError(
            f"Only {quantity - refunded_units} of this line can still be refunded.",
            "over_refund")
    left = net - refunded_amount
    if refunded_units + units == quantity:
        return left
    return min(round_half_up(net * units, quantity), left)
