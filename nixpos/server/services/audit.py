"""The audit log: one row per thing a manager may later ask about (SPEC rule 14)."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, union
from sqlalchemy.orm import Session

from nixpos.server.models import (
    MAX_ID,
    Approval,
    AuditEvent,
    Refund,
    Sale,
    SaleLine,
    SaleVoid,
    Staff,
    Terminal,
)


class AuditKind(enum.StrEnum):
    UNLOCK = "unlock"
    UNLOCK_FAILED = "unlock_failed"
    UNLOCK_REFUSED = "unlock_refused"
    LOCKOUT = "lockout"
    LOCKOUT_CLEARED = "lockout_cleared"
    SESSION_ENDED = "session_ended"
    OVERRIDE_APPROVED = "override_approved"
    OVERRIDE_REFUSED = "override_refused"
    APPROVAL_USED = "approval_used"
    PIN_RESET = "pin_reset"
    STAFF_ADDED = "staff_added"
    STAFF_DEACTIVATED = "staff_deactivated"
    STAFF_REACTIVATED = "staff_reactivated"
    TERMINAL_DEACTIVATED = "terminal_deactivated"
    TERMINAL_ENROLLED = "terminal_enrolled"
    ENROLLMENT_CODE_ISSUED = "enrollment_code_issued"
    POLICY_CHANGED = "policy_changed"
    WEB_SIGNIN = "web_signin"
    WEB_SIGNIN_FAILED = "web_signin_failed"
    WEB_SIGNOUT = "web_signout"
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere"
    MONEY_SETTINGS_CHANGED = "money_settings_changed"
    CATEGORY_ADDED = "category_added"
    CATEGORY_CHANGED = "category_changed"
    PRODUCT_ADDED = "product_added"
    PRODUCT_CHANGED = "product_changed"
    SALE = "sale"
    SALE_AFTER_SESSION_END = "sale_after_session_end"
    APPROVAL_CONSUMED = "approval_consumed"
    REFUND = "refund"
    CART_DISCARDED = "cart_discarded"


def record(
    s: Session,
    *,
    tenant_id: int,
    at: datetime,
    kind: AuditKind,
    actor: Staff | None = None,
    terminal: Terminal | None = None,
    subject: Staff | None = None,
    **detail: Any,
) -> None:
    s.add(
        AuditEvent(
            tenant_id=tenant_id,
            at=at,
            kind=kind.value,
            actor_id=actor.id if actor else None,
            terminal_id=terminal.id if terminal else None,
            subject_id=subject.id if subject else None,
            detail=detail,
        )
    )


def after_rollback(
    *, tenant_id: int, at: datetime, kind: AuditKind, actor_id: int | None = None,
    terminal_id: int | None = None, subject_id: int | None = None, **detail: Any,
) -> Callable[[Session], None]:
    """An audit row for a refusal, written once its request's transaction has rolled back.

    It takes ids, not rows: the refused transaction's rows are gone with it.
    """
    def write(s: Session) -> None:
        s.add(AuditEvent(tenant_id=tenant_id, at=at, kind=kind.value, actor_id=actor_id,
                         terminal_id=terminal_id, subject_id=subject_id, detail=detail))

    return write


def events(
    s: Session, tenant_id: int, *, limit: int = 100, before_id: int | None = None,
    staff_id: int | None = None, terminal_id: int | None = None, kind: str | None = None,
) -> list[AuditEvent]:
    """Newest first; page with ``before_id`` (the last id of the previous page).

    ``staff_id`` keeps what that person did or what was done to them.
    """
    query = select(AuditEvent).where(AuditEvent.tenant_id == tenant_id)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    if staff_id is not None:
        query = query.where(or_(AuditEvent.actor_id == staff_id, AuditEvent.subject_id == staff_id))
    if terminal_id is not None:
        query = query.where(AuditEvent.terminal_id == terminal_id)
    if kind is not None:
        query = query.where(AuditEvent.kind == kind)
    return list(s.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))


def about_sale(s: Session, tenant_id: int, sale_id: int) -> list[AuditEvent]:
    """What the log says about one sale, oldest first: its taking (and a late post), each
    refund, and every manager approval it spent (given, and spent).

    Each of those rows was written in the same transaction as the sale, refund or approval
    it is about, stamped with that row's own time. So they are found through the
    (tenant, time) index at exactly those moments, not by reading the JSON detail of
    every row the shop ever logged.
    """
    if not 0 < sale_id <= MAX_ID:
        return []
    approval_ids = set(s.scalars(union(
        select(Sale.discount_approval_id).where(Sale.id == sale_id),
        select(SaleLine.discount_approval_id).where(SaleLine.sale_id == sale_id),
        select(SaleVoid.approval_id).where(SaleVoid.sale_id == sale_id),
        select(Refund.approval_id).where(Refund.sale_id == sale_id),
    ))) - {None}
    moments = set(s.scalars(union(
        select(Sale.received_at).where(Sale.id == sale_id, Sale.tenant_id == tenant_id),
        select(Refund.created_at).where(Refund.sale_id == sale_id),
        select(Approval.created_at).where(Approval.id.in_(approval_ids)),
    )))
    if not moments:
        return []
    rows = s.scalars(select(AuditEvent).where(AuditEvent.tenant_id == tenant_id,
                                              AuditEvent.at.in_(moments))
                     .order_by(AuditEvent.at, AuditEvent.id))

    def about_it(event: AuditEvent) -> bool:
        detail = event.detail if isinstance(event.detail, dict) else {}
        return detail.get("sale_id") == sale_id or detail.get("approval_id") in approval_ids

    return [event for event in rows if about_it(event)]
