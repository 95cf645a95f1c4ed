"""Reading a sale's, a refund's or a cart's body (SPEC §6, §7) into a typed request, field by
field.

Every number is a whole JSON number within its bounds — a decimal, a string
or a bool is refused, never converted — and every refusal names the field
(``lines[3].quantity``), so a till's programmer knows what to fix. What the
body means (products, prices, approvals) is the services' to judge.
"""

from __future__ import annotations

import re
from typing import Any

from nixpos.core.money import MAX_AMOUNT
from nixpos.core.pricing import (
    MAX_LINES,
    MAX_QUANTITY,
    MAX_UNIT_PRICE,
    DiscountKind,
    Payment,
    PaymentMethod,
)
from nixpos.server.api import body
from nixpos.server.errors import InvalidRequest
from nixpos.server.models import MAX_ID
from nixpos.server.services.sale_request import (
    CartRequest,
    DiscountRequest,
    LineRequest,
    RefundLineRequest,
    RefundRequest,
    SaleRequest,
    VoidRequest,
)

_CLIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}", re.ASCII)
CLIENT_ID_PATTERN = f"^{_CLIENT_ID.pattern}$"  # for the OpenAPI document
_PROOF = re.compile(r"[0-9a-fA-F]{64}", re.ASCII)
PROOF_PATTERN = f"^{_PROOF.pattern}$"
MAX_PAYMENTS = 20
MAX_REASON = 200
DISCOUNT_KINDS = tuple(k.value for k in DiscountKind)
METHODS = tuple(m.value for m in PaymentMethod)


def is_client_id(value: str) -> bool:
    return _CLIENT_ID.fullmatch(value) is not None


def client_id(data: dict[str, Any]) -> str:
    value = data.get("client_id")
    if not isinstance(value, str) or not _CLIENT_ID.fullmatch(value):
        raise InvalidRequest("Field 'client_id' is required: 1–64 letters, digits and . _ : - "
                             "(the till makes one when the cart opens, e.g. a UUID).")
    return value


def _id(data: dict[str, Any], name: str, label: str) -> int:
    return body.integer(data, name, low=1, high=MAX_ID, label=label)


def _approval_id(data: dict[str, Any], label: str) -> int | None:
    return body.optional_integer(data, "approval_id", low=1, high=MAX_ID,
                                 label=f"{label}.approval_id" if label else "approval_id")


def _discount(data: dict[str, Any], label: str) -> DiscountRequest | None:
    raw = body.optional_obj(data, "discount", label)
    if raw is None:
        return None
    kind = DiscountKind(body.choice(raw, "kind", DISCOUNT_KINDS, f"{label}.kind"))
    high = 100 if kind is DiscountKind.PERCENT else MAX_AMOUNT
    value = body.integer(raw, "value", low=1, high=high, label=f"{label}.value")
    return DiscountRequest(kind, value, _approval_id(raw, label))


def cart_request(data: dict[str, Any], *, lines_required: bool = False) -> CartRequest:
    """An open cart's body (SPEC §7.1); it may hold no lines yet (only voids)."""
    lines = []
    for n, raw in enumerate(body.objects(data, "lines", max_items=MAX_LINES,
                                         required=lines_required)):
        at = f"lines[{n}]"
        lines.append(LineRequest(
            product_id=_id(raw, "product_id", f"{at}.product_id"),
            quantity=body.integer(raw, "quantity", low=1, high=MAX_QUANTITY,
                                  label=f"{at}.quantity"),
            unit_price=body.integer(raw, "unit_price", low=0, high=MAX_UNIT_PRICE,
                                    label=f"{at}.unit_price"),
            discount=_discount(raw, f"{at}.discount"),
        ))
    voided = []
    for n, raw in enumerate(body.objects(data, "voided", max_items=MAX_LINES)):
        at = f"voided[{n}]"
        voided.append(VoidRequest(
            product_id=_id(raw, "product_id", f"{at}.product_id"),
            quantity=body.integer(raw, "quantity", low=1, high=MAX_QUANTITY,
                                  label=f"{at}.quantity"),
            approval_id=_approval_id(raw, at),
        ))
    return CartRequest(client_id=client_id(data), lines=tuple(lines),
                       discount=_discount(data, "discount"), voided=tuple(voided))


def sale_request(data: dict[str, Any]) -> SaleRequest:
    cart = cart_request(data, lines_required=True)
    payments = []
    for n, raw in enumerate(body.objects(data, "payments", max_items=MAX_PAYMENTS)):
        at = f"payments[{n}]"
        payments.append(Payment(
            method=PaymentMethod(body.choice(raw, "method", METHODS, f"{at}.method")),
            amount=body.integer(raw, "amount", low=1, high=MAX_AMOUNT, label=f"{at}.amount"),
            tendered=body.optional_integer(raw, "tendered", low=1, high=MAX_AMOUNT,
                                           label=f"{at}.tendered"),
        ))
    return SaleRequest(
        client_id=cart.client_id,
        lines=cart.lines,
        discount=cart.discount,
        voided=cart.voided,
        payments=tuple(payments),
        completed_at=body.moment(data, "completed_at"),
    )


def upload_proof(data: dict[str, Any]) -> tuple[int, str | None]:
    """An offline upload's ``session_id`` and ``proof`` (SPEC §7.4), sent instead of a
    bearer. A proof that is not 64 hex digits is None: it can match nothing, and the
    service answers ``invalid_proof`` once it has checked the session is this till's."""
    session_id = body.integer(data, "session_id", low=1, high=MAX_ID)
    proof = data.get("proof")
    if proof is not None and not isinstance(proof, str):
        raise InvalidRequest("Field 'proof' must be a string: the hex HMAC-SHA256 of the "
                             "client_id keyed with the SHA-256 of the session's token.")
    return session_id, proof if proof and _PROOF.fullmatch(proof) else None


def refund_request(data: dict[str, Any]) -> RefundRequest:
    lines = []
    for n, raw in enumerate(body.objects(data, "lines", max_items=MAX_LINES, required=True)):
        at = f"lines[{n}]"
        lines.append(RefundLineRequest(
            line_id=_id(raw, "line_id", f"{at}.line_id"),
            quantity=body.integer(raw, "quantity", low=1, high=MAX_QUANTITY,
                                  label=f"{at}.quantity"),
        ))
    if len({x.line_id for x in lines}) != len(lines):
        raise InvalidRequest("Each line may appear once in a refund: give its whole quantity "
                             "in one entry.")
    reason = body.text(data, "reason", max_length=MAX_REASON).strip()
    if not reason:
        raise InvalidRequest("Field 'reason' is required: say why, e.g. \"wrong order\".")
    return RefundRequest(
        client_id=client_id(data),
        lines=tuple(lines),
        method=body.choice(data, "method", METHODS),
        approval_id=_approval_id(data, ""),
        reason=reason,
    )
