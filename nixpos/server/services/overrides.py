"""Manager approval of a cashier's action (SPEC rule 10b).

A manager's PIN typed on the cashier's till yields a single-use approval
bound to one action, valid for 60 s. The cashier's session carries on.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from nixpos.core.actions import APPROVAL_ACTIONS, APPROVAL_TTL_S
from nixpos.core.reasons import Role
from nixpos.server.db import ROW_LOCK
from nixpos.server.errors import ApprovalInvalid, InvalidRequest, NotManager, SessionNotActive
from nixpos.server.models import MAX_ID, Approval
from nixpos.server.services import audit
from nixpos.server.services.context import ServerContext
from nixpos.server.services.ending import expire_if_idle
from nixpos.server.services.pin_check import check_pin
from nixpos.server.services.pos import find_session
from nixpos.server.services.represent import Json, iso, staff_json


def _approval_json(approval: Approval) -> Json:
    return {
        "id": approval.id,
        "action": approval.action,
        "approved_by": staff_json(approval.approved_by),
        "expires_at": iso(approval.expires_at),
    }


def approve(
    ctx: ServerContext,
    key: str | None,
    token: str | None,
    tenant: str | None,
    *,
    pin: str,
    action: str,
    detail: dict[str, Any],
) -> Json:
    if action not in APPROVAL_ACTIONS:
        raise InvalidRequest(f"Unknown action. Use one of: {', '.join(APPROVAL_ACTIONS)}.")
    now = ctx.now()
    with ctx.db.write() as s:
        session = find_session(s, key, token, tenant, for_update=True)
        expire_if_idle(s, session, now)
        if not session.is_live:
            raise SessionNotActive()
        terminal = session.terminal
        manager = check_pin(s, ctx, terminal, pin, purpose=f"approve:{action}")
        if not Role(manager.role).can_approve:
            raise NotManager(after_rollback=audit.after_rollback(
                tenant_id=terminal.tenant_id, at=now, kind=audit.AuditKind.OVERRIDE_REFUSED,
                actor_id=manager.id, terminal_id=terminal.id, subject_id=session.staff_id,
                action=action,
            ))
        approval = Approval(
            tenant_id=terminal.tenant_id,
            terminal_id=terminal.id,
            session_id=session.id,
            action=action,
            detail=detail,
            approved_by=manager,
            created_at=now,
            expires_at=now + timedelta(seconds=APPROVAL_TTL_S),
        )
        s.add(approval)
        s.flush()
        audit.record(
            s, tenant_id=terminal.tenant_id, at=now, kind=audit.AuditKind.OVERRIDE_APPROVED,
            actor=manager, terminal=terminal, subject=session.staff, action=action,
            detail=detail, approval_id=approval.id,
        )
        return {"approval": _approval_json(approval)}


def use(
    ctx: ServerContext, key: str | None, token: str | None, tenant: str | None, *,
    approval_id: int, action: str,
) -> Json:
    """Spend an approval on the action it was given for, once, within its minute."""
    now = ctx.now()
    with ctx.db.write() as s:
        session = find_session(s, key, token, tenant, for_update=True)
        approval = (
            s.get(Approval, approval_id, with_for_update=ROW_LOCK)
            if 0 < approval_id <= MAX_ID
            else None
        )
        if (
            approval is None
            or approval.session_id != session.id
            or approval.action != action
            or approval.used_at is not None
            or approval.expires_at <= now
        ):
            raise ApprovalInvalid()
        approval.used_at = now
        audit.record(
            s, tenant_id=approval.tenant_id, at=now, kind=audit.AuditKind.APPROVAL_USED,
            actor=session.staff, terminal=session.terminal, action=action,
            approval_id=approval.id, approved_by=approval.approved_by.name,
        )
        return {"approval": _approval_json(approval) | {"used_at": iso(now)}}
