"""The open sale at a till: lines, voids, discounts and the payments being taken.

A Qt-free model the sale screen shows. It knows the arithmetic (through
``core.pricing``) but not who may do what: the till asks a manager first
where a cashier needs one, and hands the approval's id in here, where it
goes into the sale the till posts (SPEC §6). The ``client_id`` is made when
the cart opens, so posting the sale again after a timeout never makes two.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from nixpos.core.catalog import Product
from nixpos.core.money import MAX_AMOUNT
from nixpos.core.pricing import (
    MAX_LINES,
    MAX_QUANTITY,
    Discount,
    DiscountKind,
    Line,
    Payment,
    PaymentMethod,
    PricingError,
    SaleTotals,
    sale_totals,
)

Json = dict[str, Any]


@dataclass
class CartLine:
    product_id: int
    name: str
    unit_price: int
    quantity: int
    discount: Discount | None = None
    discount_approval_id: int | None = None


@dataclass(frozen=True)
class Void:
    product_id: int
    quantity: int
    approval_id: int | None


def _discount_json(discount: Discount | None, approval_id: int | None) -> Json | None:
    if discount is None:
        return None
    return {"kind": discount.kind.value, "value": discount.value, "approval_id": approval_id}


def _discount_from(data: object) -> tuple[Discount | None, int | None]:
    if not isinstance(data, dict):
        return None, None
    return Discount(DiscountKind(data["kind"]), int(data["value"])), data.get("approval_id")


@dataclass
class Cart:
    tax_rate_bp: int = 0
    client_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    lines: list[CartLine] = field(default_factory=list)
    discount: Discount | None = None
    discount_approval_id: int | None = None
    voided: list[Void] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)

    # -- ringing up ----------------------------------------------------------------------

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def items(self) -> int:
        """Units in the cart (what "3 items" counts)."""
        return sum(line.quantity for line in self.lines)

    def add(self, product: Product, quantity: int = 1) -> int:
        """Ring up ``product``; the same product again adds to its line. Returns the line."""
        for index, line in enumerate(self.lines):
            if line.product_id == product.id and line.discount is None:
                self.set_quantity(index, line.quantity + quantity)
                return index
        if len(self.lines) >= MAX_LINES:
            raise PricingError(f"A sale has at most {MAX_LINES} lines.")
        Line(product.id, quantity, product.price)  # checks the quantity and price
        self.lines.append(CartLine(product.id, product.name, product.price, quantity))
        self._prices_changed()
        return len(self.lines) - 1

    def set_quantity(self, index: int, quantity: int) -> None:
        """More of a line. Fewer is a void (``void``), which may need a manager."""
        line = self.lines[index]
        if quantity < line.quantity:
            raise PricingError("Fewer of a line rung up is a void.")
        if quantity > MAX_QUANTITY:
            raise PricingError(f"A quantity is a whole number from 1 to {MAX_QUANTITY}.")
        line.quantity = quantity
        self._prices_changed()

    def void(self, index: int, quantity: int, approval_id: int | None = None) -> None:
        """Take ``quantity`` units of a line back off the sale (all of them removes it)."""
        line = self.lines[index]
        if not 1 <= quantity <= line.quantity:
            raise PricingError(f"Void 1 to {line.quantity} of {line.name}.")
        self.voided.append(Void(line.product_id, quantity, approval_id))
        line.quantity -= quantity
        if line.quantity == 0:
            del self.lines[index]
        self._prices_changed()

    def reprice(self, product: Product) -> None:
        """The server's price for ``product`` (after ``price_changed``): the cashier agreed."""
        for line in self.lines:
            if line.product_id == product.id:
                line.unit_price = product.price
        self._prices_changed()

    # -- discounts ---------------------------------------------------------------------------

    def set_line_discount(self, index: int, discount: Discount | None,
                          approval_id: int | None = None) -> None:
        line = self.lines[index]
        if discount is not None:
            discount.amount_of(line.quantity * line.unit_price)  # refuses more than the line
        line.discount, line.discount_approval_id = discount, approval_id
        self._prices_changed()

    def set_sale_discount(self, discount: Discount | None, approval_id: int | None = None
                          ) -> None:
        if discount is not None:
            discount.amount_of(self.totals(with_sale_discount=False).subtotal)
        self.discount, self.discount_approval_id = discount, approval_id
        self._prices_changed()

    # -- sums ---------------------------------------------------------------------------------

    def pricing_lines(self) -> list[Line]:
        return [Line(x.product_id, x.quantity, x.unit_price, x.discount) for x in self.lines]

    def totals(self, *, with_sale_discount: bool = True) -> SaleTotals:
        return sale_totals(self.pricing_lines(), self.discount if with_sale_discount else None,
                           self.tax_rate_bp)

    # -- taking payment ---------------------------------------------------------------------

    @property
    def paid(self) -> int:
        return sum(p.amount for p in self.payments)

    @property
    def remaining(self) -> int:
        return self.totals().total - self.paid

    @property
    def change_due(self) -> int:
        return sum(p.change for p in self.payments)

    def pay(self, method: PaymentMethod, tendered: int) -> Payment:
        """Take ``tendered`` by ``method`` toward what remains. Cash may be more than the
        rest (the difference is change); other methods pay at most the rest."""
        remaining = self.remaining
        if remaining <= 0:
            raise PricingError("Nothing is left to pay.")
        if not 1 <= tendered <= MAX_AMOUNT:
            raise PricingError("Enter the amount given.")
        if method is PaymentMethod.CASH:
            if any(p.method is PaymentMethod.CASH for p in self.payments):
                raise PricingError("Cash is already taken for this sale; use another method.")
            payment = Payment(method, min(tendered, remaining), tendered)
        else:
            if tendered > remaining:
                raise PricingError("Only cash gives change: enter at most what is left.")
            payment = Payment(method, tendered)
        self.payments.append(payment)
        return payment

    def cancel_payments(self) -> None:
        self.payments.clear()

    @property
    def is_paid(self) -> bool:
        return self.remaining == 0 and not self.is_empty

    def _prices_changed(self) -> None:
        """Whatever changes the total starts the payment over."""
        self.payments.clear()

    # -- the wire ----------------------------------------------------------------------------------

    def body(self) -> Json:
        """The sale less its payments: what ``PUT /pos/cart`` and the sale body share."""
        return {
            "client_id": self.client_id,
            "lines": [{"product_id": x.product_id, "quantity": x.quantity,
                       "unit_price": x.unit_price,
                       "discount": _discount_json(x.discount, x.discount_approval_id)}
                      for x in self.lines],
            "discount": _discount_json(self.discount, self.discount_approval_id),
            "voided": [{"product_id": v.product_id, "quantity": v.quantity,
                        "approval_id": v.approval_id} for v in self.voided],
        }

    def sale(self, completed_at: datetime) -> Json:
        """``POST /api/v1/pos/sales``'s body."""
        return self.body() | {
            "payments": [{"method": p.method.value, "amount": p.amount, "tendered": p.tendered}
                         for p in self.payments],
            "completed_at": completed_at.isoformat().replace("+00:00", "Z"),
        }

    def to_json(self) -> Json:
        """Everything, names included, to keep the cart on disk or across a lock."""
        return self.body() | {
            "tax_rate_bp": self.tax_rate_bp,
            "names": [x.name for x in self.lines],
            "payments": [{"method": p.method.value, "amount": p.amount, "tendered": p.tendered}
                         for p in self.payments],
        }

    @classmethod
    def from_json(cls, data: Json) -> Cart:
        cart = cls(tax_rate_bp=int(data.get("tax_rate_bp", 0)), client_id=str(data["client_id"]))
        names = data.get("names") or []
        for index, raw in enumerate(data.get("lines", [])):
            discount, approval = _discount_from(raw.get("discount"))
            name = names[index] if index < len(names) else f"#{raw['product_id']}"
            cart.lines.append(CartLine(int(raw["product_id"]), str(name), int(raw["unit_price"]),
                                       int(raw["quantity"]), discount, approval))
        cart.discount, cart.discount_approval_id = _discount_from(data.get("discount"))
        cart.voided = [Void(int(v["product_id"]), int(v["quantity"]), v.get("approval_id"))
                       for v in data.get("voided", [])]
        cart.payments = [Payment(PaymentMethod(p["method"]), int(p["amount"]), p.get("tendered"))
                         for p in data.get("payments", [])]
        return cart


def quick_cash(amount: int, exponent: int, count: int = 3) -> list[int]:
    """What a cashier offers to tap for cash: the exact amount, then the next round
    amounts above it in steps of the usual notes — 1 and 5 of every power of ten, 2 of
    the tens and up — a whole unit at least (6.25 → 6.25, 7, 10, 20; ¥4,500 → 4,500,
    4,600, 5,000, 6,000)."""
    if amount <= 0:
        return []
    steps = [digit * 10**power for power in range(exponent, exponent + 10)
             for digit in ((1, 5) if power == exponent else (1, 2, 5))]
    rounds = sorted({-(-amount // step) * step for step in steps} - {amount})
    return [amount, *rounds[:count]]
