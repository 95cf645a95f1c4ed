"""What a till asks for, checked for shape at the edge (``api.sale_body``): a sale, a refund
or an open cart.

Each request has a ``digest`` of its content, stored with what it created: the
same ``client_id`` sent again with the same digest is a retry (answered with
what was made the first time), with another digest a different request that
reused an id (``duplicate_client_id``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nixpos.core.pricing import Discount, DiscountKind, Line, Payment

Json = dict[str, Any]


def digest_of(content: Json) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class DiscountRequest:
    kind: DiscountKind
    value: int  # a whole percent, or an amount in minor units
    approval_id: int | None = None

    @property
    def discount(self) -> Discount:
        return Discount(self.kind, self.value)

    @property
    def detail(self) -> Json:
        """What a manager's approval of it is bound to (SPEC §6)."""
        return {"kind": self.kind.value, "value": self.value}

    def content(self) -> Json:
        return self.detail | {"approval_id": self.approval_id}


@dataclass(frozen=True)
class LineRequest:
    product_id: int
    quantity: int
    unit_price: int
    discount: DiscountRequest | None = None

    def line(self) -> Line:
        return Line(self.product_id, self.quantity, self.unit_price,
                    self.discount.discount if self.discount else None)


@dataclass(frozen=True)
class VoidRequest:
    product_id: int
    quantity: int
    approval_id: int | None = None

    @property
    def detail(self) -> Json:
        return {"product_id": self.product_id, "quantity": self.quantity}


@dataclass(frozen=True)
class CartRequest:
    """An open sale as the till holds it (SPEC §7.1): the sale body less payments and time."""

    client_id: str
    lines: tuple[LineRequest, ...]
    discount: DiscountRequest | None
    voided: tuple[VoidRequest, ...]

    @property
    def items(self) -> int:
        """Units in the cart (what "3 items" counts)."""
        return sum(x.quantity for x in self.lines)

    def content(self) -> Json:
        """The body in its one canonical form: what a cart stores and answers with."""
        return {
            "client_id": self.client_id,
            "lines": [{"product_id": x.product_id, "quantity": x.quantity,
                       "unit_price": x.unit_price,
                       "discount": x.discount.content() if x.discount else None}
                      for x in self.lines],
            "discount": self.discount.content() if self.discount else None,
            "voided": [{"product_id": v.product_id, "quantity": v.quantity,
                        "approval_id": v.approval_id} for v in self.voided],
        }


@dataclass(frozen=True)
class SaleRequest(CartRequest):
    payments: tuple[Payment, ...]
    completed_at: datetime  # aware UTC

    def digest(self) -> str:
        return digest_of(self.content() | {
            "payments": [{"method": p.method.value, "amount": p.amount, "tendered": p.tendered}
                         for p in self.payments],
            "completed_at": self.completed_at.isoformat(),
        })


@dataclass(frozen=True)
class RefundLineRequest:
    line_id: int
    quantity: int


@dataclass(frozen=True)
class RefundRequest:
    client_id: str
    lines: tuple[RefundLineRequest, ...]
    method: str
    approval_id: int | None
    reason: str

    def digest(self, sale_id: int) -> str:
        return digest_of({
            "sale_id": sale_id, "client_id": self.client_id,
            "lines": [{"line_id": x.line_id, "quantity": x.quantity} for x in self.lines],
            "method": self.method, "approval_id": self.approval_id, "reason": self.reason,
        })
