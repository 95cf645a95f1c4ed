"""Refunds (SPEC §6, ``POST /pos/sales/<id>/refunds``): lines and units of a sale, back.

A refund needs a live session (unlike a sale, which is never lost), and a
cashier needs a manager's approval bound to ``{"sale_id"}``. Each line returns
its share with ``core.pricing.refund_amount``: k of q units return
round(net × k / q), the last unit whatever of the net is left, so partial
refunds add up to the sale's total exactly and never beyond it
(``over_refund``). The sale row is locked while a refund is taken, so two
refunds of one sale racing each other cannot both take its last unit.

Idempotent like sales: the same ``client_id`` and body again answers the same
refund (200); another body under that id is ``duplicate_client_id``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nixpos.core.pricing import PricingError, refund_amount
from nixpos.server.db import ROW_LOCK
from nixpos.server.errors import (
    DuplicateClientId,
    InvalidRequest,
    NotFound,
    OverRefund,
    SessionNotActive,
    for_code,
)
from nixpos.server.models import MAX_ID, Refund, RefundLine, Sale, SaleLine
from nixpos.server.services import audit
from nixpos.server.services.approval_check import audit_spent, spend
from nixpos.server.services.context import ServerContext
from nixpos.server.services.ending import expire_if_idle
from nixpos.server.services.pos import find_session
from nixpos.server.services.represent import Json
from nixpos.server.services.sale_json import load_refund
from nixpos.server.services.sale_request import RefundRequest


def refund(ctx: ServerContext, key: str | None, token: str | None, tenant_header: str | None,
           sale_id: int, request: RefundRequest) -> tuple[Json, bool]:
    """The refund, and True if this request made it (False: a retry found it)."""
    try:
        return _refund(ctx, key, token, tenant_header, sale_id, request)
    except IntegrityError:  # the same client_id won a race to the insert: find it now
        return _refund(ctx, key, token, tenant_header, sale_id, request)


def _refund(ctx: ServerContext, key: str | None, token: str | None, tenant_header: str | None,
            sale_id: int, request: RefundRequest) -> tuple[Json, bool]:
    now = ctx.now()
    digest = request.digest(sale_id)
    with ctx.db.write() as s:
        session = find_session(s, key, token, tenant_header, for_update=True)
        if (found := _already(s, session.tenant_id, request.client_id, digest)) is not None:
            return found, False
        expire_if_idle(s, session, now)
        if not session.is_live:
            raise SessionNotActive("A refund needs a live session. Unlock the till, then "
                                   "refund again.")
        sale = s.get(Sale, sale_id, with_for_update=ROW_LOCK) if 0 < sale_id <= MAX_ID else None
        if sale is None or sale.tenant_id != session.tenant_id:
            raise NotFound(f"No sale with id {sale_id} in this shop.")
        if (found := _already(s, session.tenant_id, request.client_id, digest)) is not None:
            return found, False  # a racing retry got the sale's lock first
        approval = spend(s, request.approval_id, session=session, action="refund",
                         detail={"sale_id": sale.id}, now=now,
                         what=f"refunding sale {sale.number}")
        made = Refund(
            tenant_id=sale.tenant_id, sale_id=sale.id, client_id=request.client_id,
            body_digest=digest, session_id=session.id, staff_id=session.staff_id,
            terminal_id=session.terminal_id, approval_id=approval.id if approval else None,
            approved_by_id=approval.approved_by_id if approval else None,
            method=request.method, amount=0, reason=request.reason, created_at=now,
        )
        s.add(made)
        s.flush()
        lines = {line.id: line for line in sale.lines}
        for wanted in request.lines:
            line = lines.get(wanted.line_id)
            if line is None:
                raise InvalidRequest(f"Line {wanted.line_id} is not a line of sale "
                                     f"{sale.number}. Choose lines from that sale.")
            amount = _line_refund(line, wanted.quantity)
            line.refunded_quantity += wanted.quantity
            line.refunded_amount += amount
            made.amount += amount
            s.add(RefundLine(refund_id=made.id, sale_line_id=line.id,
                             quantity=wanted.quantity, amount=amount))
        sale.refunded += made.amount
        audit.record(s, tenant_id=sale.tenant_id, at=now, kind=audit.AuditKind.REFUND,
                     actor=session.staff, terminal=session.terminal, sale_id=sale.id,
                     sale_number=sale.number, refund_id=made.id, amount=made.amount,
                     method=made.method, reason=made.reason,
                     approved_by=approval.approved_by.name if approval else None)
        audit_spent(s, [approval] if approval else [], session, now, sale_id=sale.id,
                    sale_number=sale.number, refund_id=made.id)
        s.flush()
        return load_refund(s, made.id), True


def _already(s: Session, tenant_id: int, client_id: str, digest: str) -> Json | None:
    existing = s.execute(select(Refund.id, Refund.body_digest).where(
        Refund.tenant_id == tenant_id, Refund.client_id == client_id)).one_or_none()
    if existing is None:
        return None
    if existing.body_digest != digest:
        raise DuplicateClientId()
    return load_refund(s, existing.id)


def _line_refund(line: SaleLine, units: int) -> int:
    try:
        return refund_amount(line.net, line.quantity, refunded_units=line.refunded_quantity,
                             refunded_amount=line.refunded_amount, units=units)
    except PricingError as refusal:
        if refusal.code == OverRefund.code:
            left = line.quantity - line.refunded_quantity
            raise OverRefund(f"{line.name}: {line.quantity} sold, {left} left to refund; "
                             f"{units} is more than that.") from None
        raise for_code(refusal.code, str(refusal)) from None
