"""Spending a manager's approval on a sale or a refund (SPEC §6, rule 10b).

A cashier's discount, void and refund each need an approval bound to its exact
detail; a manager's or owner's own session needs none (an approval it sends
anyway is still checked and spent, so the record says who approved).

An approval is good for one sale or refund when it is this shop's, was given
on this till to this person, for this action and detail, and nothing has spent
it yet; and either the till claimed it in time (``POST /approvals/<id>/use``,
since taking payment can take longer than its minute) or its minute has not run
out when the sale arrives. Spending it marks it consumed (and claimed), so no
other sale, refund or claim can use it again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from nixpos.core.reasons import Role
from nixpos.server.db import ROW_LOCK
from nixpos.server.errors import ApprovalInvalid, ApprovalRequired
from nixpos.server.models import MAX_ID, Approval, PosSession
from nixpos.server.services import audit

ASK_AGAIN = "Ask a manager to approve it again."


def needs_approval(session: PosSession) -> bool:
    return not Role(session.staff.role).can_approve


def spend(s: Session, approval_id: int | None, *, session: PosSession, action: str,
          detail: dict[str, Any], what: str, now: datetime) -> Approval | None:
    """The approval ``approval_id`` spent on ``action``/``detail`` (``what`` names it for
    the person reading a refusal); None when none was sent and none is needed.
    ``audit_spent`` records it once the sale or refund it was spent on exists."""
    if approval_id is None:
        if needs_approval(session):
            raise ApprovalRequired(f"A cashier needs a manager's approval for {what}. "
                                   "Ask a manager, then send it again with the approval.")
        return None
    approval = s.get(Approval, approval_id, with_for_update=ROW_LOCK) \
        if 0 < approval_id <= MAX_ID else None
    if approval is None or approval.tenant_id != session.tenant_id:
        raise ApprovalInvalid(f"Approval {approval_id} (for {what}) is not known here. "
                              f"{ASK_AGAIN}")
    if approval.terminal_id != session.terminal_id:
        raise ApprovalInvalid(f"Approval {approval_id} (for {what}) was given on another "
                              f"till. {ASK_AGAIN}")
    if approval.session.staff_id != session.staff_id:
        raise ApprovalInvalid(f"Approval {approval_id} (for {what}) was given to someone "
                              f"else. {ASK_AGAIN}")
    if approval.action != action or not _binds(approval.detail, detail):
        raise ApprovalInvalid(f"Approval {approval_id} was given for another action or "
                              f"amount than {what}. {ASK_AGAIN}")
    if approval.consumed_at is not None:
        raise ApprovalInvalid(f"Approval {approval_id} (for {what}) was already used. "
                              f"{ASK_AGAIN}")
    if approval.used_at is None and approval.expires_at <= now:
        raise ApprovalInvalid(f"Approval {approval_id} (for {what}) expired before the till "
                              f"claimed it. {ASK_AGAIN}")
    approval.consumed_at = now
    approval.used_at = approval.used_at or now
    return approval


def audit_spent(s: Session, approvals: list[Approval], session: PosSession, now: datetime,
                **spent_on: Any) -> None:
    """Who approved what, for which sale or refund, on which till, for whom."""
    for approval in approvals:
        audit.record(
            s, tenant_id=session.tenant_id, at=now, kind=audit.AuditKind.APPROVAL_CONSUMED,
            actor=approval.approved_by, terminal=session.terminal, subject=session.staff,
            approval_id=approval.id, action=approval.action, detail=approval.detail,
            **spent_on,
        )


def _binds(given: Any, expected: dict[str, Any]) -> bool:
    """Whether an approval's detail names exactly ``expected`` (same keys, same values
    of the same JSON type: ``true`` is not 1). Other keys it carries (a product's name
    for the audit log) do not matter."""
    return isinstance(given, dict) and all(
        key in given and type(given[key]) is type(value) and given[key] == value
        for key, value in expected.items())
